import { createHash } from 'node:crypto';
import { parseExecutionArn } from '../arn.ts';
import { isStateMachineArn } from './links.ts';

/**
 * Whether a subject can ever be a member of a scope: every subject but an execution. A scope's
 * members are its state machine and what links into it, and no link starts at an execution (the
 * topology drops any that would, see graph.ts), so context is never filed under an execution's ARN:
 * nothing would read it (docs/architecture.md, "Packed context").
 */
export const canBeMember = (subject: string): boolean => parseExecutionArn(subject) === undefined;

/** A signal's subjects that can be a scope's members. */
export const memberSubjectsOf = (signal: { readonly subjects: readonly string[] }): string[] =>
  signal.subjects.filter(canBeMember);

/**
 * The subjects a signal is filed under besides its scopes: its members but state machines
 * (docs/architecture.md, "Packed context"). A member's own partition is read only to complete a
 * scope it joins later; a state machine joins no other scope that way, because a walk from it ends
 * at it (graph.ts), and every signal naming it is filed under its scope's partition in the same
 * batch. Its subject partition would be written with every batch and duplicate that one.
 */
export const subjectPartitionsOf = (signal: { readonly subjects: readonly string[] }): string[] =>
  memberSubjectsOf(signal).filter((subject) => !isStateMachineArn(subject));

/**
 * Names the set of subjects a scope's context was filed for (docs/architecture.md, "Reading a
 * scope"). When the topology gives a scope a member its stored digest does not cover, the
 * signals kept under that member before it joined are copied into the scope's partition once.
 */
export function membersDigest(subjects: Iterable<string>): string {
  const hash = createHash('sha256');
  for (const subject of [...new Set(subjects)].sort()) hash.update(subject).update('\n');
  return hash.digest('base64url').slice(0, 22);
}
