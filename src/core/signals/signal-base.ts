import { FIELD_LIMITS } from '../limits.ts';
import { signalIdFor } from './signal-id.ts';
import { toIso } from './time.ts';
import type { Truncations } from './truncation.ts';
import type { SignalBase } from './types.ts';

export interface SignalBaseInput {
  readonly sourceEventId: string;
  /** The serialized body the signal id digests. */
  readonly body: string;
  readonly eventTimeMs: number;
  readonly account: string;
  readonly region: string;
  readonly subjects: Iterable<string | undefined>;
}

/**
 * The fields every signal shares. Call it after every other field is mapped: it reads the
 * truncations collected so far.
 */
export function signalBase(input: SignalBaseInput, cut: Truncations): Omit<SignalBase, 'kind'> {
  const subjects = new Set<string>();
  for (const subject of input.subjects) if (subject !== undefined) subjects.add(subject);
  return {
    signalId: signalIdFor(input.sourceEventId, input.body),
    sourceEventId: cut.text(input.sourceEventId, FIELD_LIMITS.eventIdChars, 'sourceEventId'),
    eventTime: toIso(input.eventTimeMs),
    eventTimeMs: input.eventTimeMs,
    account: cut.text(input.account, FIELD_LIMITS.tokenChars, 'account'),
    region: cut.text(input.region, FIELD_LIMITS.tokenChars, 'region'),
    subjects: [...subjects].sort(),
    truncated: cut.collected(),
  };
}
