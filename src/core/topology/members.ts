import { createHash } from 'node:crypto';
import { parseExecutionArn } from '../arn.ts';

/**
 * Whether a subject can ever be a member of a scope: every subject but an execution. A scope's
 * members are its state machine and what links into it, and no link starts at an execution (the
 * topology drops any that would, see graph.ts), so context is never filed under an execution's ARN:
 * nothing would read it (docs/architecture.md, "Packed context").
 */
export const canBeMember = (subject: string): boolean => parseExecutionArn(subject) === undefined;

/** The subjects a signal is filed under: those that can be a scope's members. */
export const memberSubjectsOf = (signal: { readonly subjects: readonly string[] }): string[] =>
  signal.subjects.filter(canBeMember);

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
