import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  normalizeEvent,
  normalizeInput,
  normalizeRecordPayload,
} from '../../../src/core/signals/normalize.ts';
import type { NormalizeResult } from '../../../src/core/signals/types.ts';
import { apiCallEvent, cloudTrailRecord } from '../../../src/workloads/events.ts';
import { gzipBytes, jsonBytes, seedEvent, seedFileNames } from '../../builders/fixtures.ts';

const RESULT_KINDS = ['signal', 'ignored', 'rejected'];
const ACCESS_KEY_PATTERN = /\b(?:AKIA|ASIA)[A-Z0-9]{12,}/;

function expectWellFormed(results: readonly NormalizeResult[]): void {
  for (const result of results) {
    expect(RESULT_KINDS).toContain(result.result);
    expect(Array.isArray(result.position)).toBe(true);
    if (result.result === 'signal') {
      expect(result.signal.signalId).toMatch(/^[A-Za-z0-9._:-]{1,128}#[0-9a-f]{16}$/);
      expect(JSON.stringify(result.signal)).not.toMatch(ACCESS_KEY_PATTERN);
    } else {
      expect(result.reason.length).toBeGreaterThan(0);
    }
  }
}

const seeds = seedFileNames().map((name) => seedEvent(name));
const seedArbitrary = fc.constantFrom(
  ...seeds,
  apiCallEvent(seedEvent('cloudtrail-states--createstatemachine')),
);

type Json = unknown;

/** Replaces or deletes the value at a random path of a JSON value. */
function mutate(value: Json, path: readonly number[], replacement: Json, remove: boolean): Json {
  const [step, ...rest] = path;
  if (step === undefined || typeof value !== 'object' || value === null)
    return remove ? undefined : replacement;
  if (Array.isArray(value)) {
    if (value.length === 0) return value;
    const index = step % value.length;
    const copy = [...value];
    copy[index] = mutate(copy[index], rest, replacement, remove);
    return copy;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return value;
  const key = keys[step % keys.length] ?? '';
  const entries = Object.entries(value);
  if (rest.length === 0 && remove) return Object.fromEntries(entries.filter(([name]) => name !== key));
  return Object.fromEntries(
    entries.map(([name, child]) => [name, name === key ? mutate(child, rest, replacement, remove) : child]),
  );
}

const mutationArbitrary = fc.record({
  seed: seedArbitrary,
  path: fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
  replacement: fc.jsonValue({ maxDepth: 3 }),
  remove: fc.boolean(),
});

describe('normalization never throws', () => {
  it('for arbitrary bytes, plain or gzipped, as a file or a record payload', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), fc.boolean(), (bytes, gzip) => {
        const input = gzip ? gzipBytes(bytes) : bytes;
        expectWellFormed(normalizeInput(input));
        expectWellFormed(normalizeRecordPayload(input, ['Records', 0, 'kinesis', 'data']));
      }),
      { numRuns: 300 },
    );
  });

  it('for arbitrary JSON values and arbitrary JSON text', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expectWellFormed([normalizeEvent(value, [])]);
        expectWellFormed(normalizeInput(jsonBytes(value)));
      }),
      { numRuns: 300 },
    );
  });

  it('for seed events with fields deleted or replaced by arbitrary JSON, with stable signal ids', () => {
    fc.assert(
      fc.property(mutationArbitrary, ({ seed, path, replacement, remove }) => {
        const mutated = mutate(seed, path, replacement, remove);
        const first = normalizeEvent(mutated, []);
        const second = normalizeEvent(structuredClone(mutated), []);
        expectWellFormed([first, second]);
        expect(second).toEqual(first);
      }),
      { numRuns: 1000 },
    );
  });

  it('for arbitrary objects shaped like events with arbitrary field values', () => {
    const eventLike = fc.record(
      {
        source: fc.oneof(fc.constantFrom('aws.states', 'aws.cloudwatch'), fc.jsonValue()),
        'detail-type': fc.oneof(
          fc.constantFrom(
            'Step Functions Execution Status Change',
            'CloudWatch Alarm State Change',
            'CloudWatch Alarm Configuration Change',
            'AWS API Call via CloudTrail',
          ),
          fc.jsonValue(),
        ),
        id: fc.oneof(fc.string(), fc.jsonValue()),
        account: fc.oneof(fc.constant('123456789012'), fc.jsonValue()),
        region: fc.oneof(fc.constant('us-east-1'), fc.jsonValue()),
        time: fc.oneof(fc.constant('2024-01-01T00:00:00Z'), fc.string()),
        detail: fc.dictionary(
          fc.constantFrom(
            'status',
            'executionArn',
            'alarmName',
            'state',
            'configuration',
            'operation',
            'eventSource',
          ),
          fc.jsonValue({ maxDepth: 2 }),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(eventLike, (value) => {
        expectWellFormed([normalizeEvent(value, [])]);
      }),
      { numRuns: 500 },
    );
  });
});

describe('signals never keep access keys', () => {
  it('whatever identity a CloudTrail record carries', () => {
    const identity = fc.record({
      type: fc.constantFrom('IAMUser', 'AssumedRole', 'Root', 'AWSService'),
      accessKeyId: fc.stringMatching(/^(AKIA|ASIA)[A-Z0-9]{16}$/),
      arn: fc.constant('arn:aws:iam::123456789012:user/someone'),
      userName: fc.string({ maxLength: 20 }).filter((name) => !ACCESS_KEY_PATTERN.test(name)),
    });
    fc.assert(
      fc.property(identity, (userIdentity) => {
        const result = normalizeEvent(cloudTrailRecord({ userIdentity }), []);
        expect(result.result).toBe('signal');
        const serialized = JSON.stringify(result);
        expect(serialized).not.toContain(userIdentity.accessKeyId);
        expect(serialized).not.toContain('accessKeyId');
      }),
      { numRuns: 200 },
    );
  });
});
