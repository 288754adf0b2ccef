import { createHash } from 'node:crypto';

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
