/**
 * Poison records for the reliability and security suites: records the consumer must quarantine,
 * never retry, and the bytes the quarantine must then hold.
 */

import { redactSecrets } from '../../src/core/redact-secrets.ts';
import { executionEvent, type JsonObject } from '../../src/workloads/events.ts';
import type { RecordSpec } from '../../src/workloads/kinesis-framing.ts';
import type { Random } from '../../src/workloads/random.ts';
import { GENERATOR_ACCOUNT, GENERATOR_REGION } from '../../src/workloads/simulated-account.ts';

export type PoisonKind = 'bad-base64' | 'truncated-json' | 'wrong-types';
export const POISON_KINDS: readonly [PoisonKind, ...PoisonKind[]] = [
  'bad-base64',
  'truncated-json',
  'wrong-types',
];

/**
 * A record the consumer must quarantine, never retry: text that is not base64, JSON cut short (as a
 * producer bug would), or a well-formed event whose fields have the wrong types. `like` lends it a
 * realistic body.
 */
export function poisonSpec(kind: PoisonKind, like: JsonObject, random: Random): RecordSpec {
  const partitionKey = `poison-${random.hex(8)}`;
  switch (kind) {
    case 'bad-base64':
      return { data: `!!not*base64 ${random.hex(6)}!!`, partitionKey };
    case 'truncated-json': {
      const text = JSON.stringify(like);
      const cut = text.slice(0, random.int(10, Math.max(11, text.length - 10)));
      return { data: Buffer.from(cut, 'utf8').toString('base64'), partitionKey };
    }
    case 'wrong-types': {
      const broken = executionEvent({
        id: random.uuid(),
        account: GENERATOR_ACCOUNT,
        region: GENERATOR_REGION,
        detail: { status: 42, startDate: 'yesterday', executionArn: ['not', 'a', 'string'] },
      });
      return { data: Buffer.from(JSON.stringify(broken), 'utf8').toString('base64'), partitionKey };
    }
  }
}

/** The bytes the quarantine must hold for a record: the decoded payload, or the text itself if it was not base64. */
export function quarantinedBytesOf(spec: RecordSpec, kind: PoisonKind): Buffer {
  const arrived = kind === 'bad-base64' ? Buffer.from(spec.data, 'utf8') : Buffer.from(spec.data, 'base64');
  // Quarantine keeps what arrived with access keys and secret-named values masked.
  return Buffer.from(redactSecrets(arrived).bytes);
}
