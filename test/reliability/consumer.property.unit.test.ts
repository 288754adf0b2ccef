import { gzipSync } from 'node:zlib';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recordsFromKinesisEvent } from '../../src/adapters/kinesis-records.ts';
import { MemoryIncidentStore } from '../../src/adapters/memory-store.ts';
import { normalizeBatchRecord } from '../../src/core/pipeline/normalize-batch-record.ts';
import { redactSecrets } from '../../src/core/redact-secrets.ts';
import {
  chunk,
  kinesisEvent,
  kinesisRecords,
  type RecordSpec,
  recordSpecOf,
} from '../../src/workloads/kinesis-framing.ts';
import { generateEvents } from '../../src/workloads/mix.ts';
import { Random } from '../../src/workloads/random.ts';
import { POISON_KINDS, type PoisonKind, poisonSpec, quarantinedBytesOf } from '../builders/poison.ts';
import { type FailurePlan, InstrumentedStore } from './instrumented-store.ts';
import { driveBatches } from './lambda-driver.ts';
import { consumerOn, framed, memoryConsumer, reliabilityWorkload } from './workload.ts';

/**
 * Property tests of the consumer Lambda runs, on the in-memory store so they can run many times:
 * arbitrary Kinesis events never make it throw, every record is either acknowledged or reported,
 * poison lands in quarantine byte for byte, and transient store failures at any call, before or
 * after the write, are survived by retrying the reported records.
 */

const pool = generateEvents({ seed: 404, events: 200, stateMachines: 3 }).events.map(
  (generated) => generated.event,
);
const base64 = (text: string | Uint8Array) => Buffer.from(text).toString('base64');

interface FuzzRecord {
  readonly spec: RecordSpec;
  /** Set for records built to be poison: they must be quarantined whatever else happens. */
  readonly poison?: PoisonKind;
}

/** A JSON value with one field replaced somewhere down a path: the shapes real bugs produce. */
function mutate(value: unknown, path: readonly number[], replacement: unknown): unknown {
  const [step, ...rest] = path;
  if (step === undefined || typeof value !== 'object' || value === null) return replacement;
  if (Array.isArray(value)) {
    if (value.length === 0) return replacement;
    const copy: unknown[] = [...value];
    copy[step % copy.length] = mutate(copy[step % copy.length], rest, replacement);
    return copy;
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return replacement;
  const key = entries[step % entries.length]?.[0];
  return Object.fromEntries(
    entries.map(([name, child]) => [name, name === key ? mutate(child, rest, replacement) : child]),
  );
}

const eventArbitrary = fc.constantFrom(...pool);
const partitionKey = 'fuzz';

const recordArbitrary: fc.Arbitrary<FuzzRecord> = fc.oneof(
  eventArbitrary.map((event): FuzzRecord => ({ spec: recordSpecOf(event) })),
  fc
    .tuple(eventArbitrary, fc.array(fc.nat(), { maxLength: 5 }), fc.jsonValue())
    .map(([event, path, replacement]) => ({
      spec: { data: base64(JSON.stringify(mutate(event, path, replacement)) ?? 'null'), partitionKey },
    })),
  fc.tuple(eventArbitrary, fc.nat()).map(([event, cut]) => {
    const text = JSON.stringify(event);
    return { spec: { data: base64(text.slice(0, cut % text.length)), partitionKey } };
  }),
  eventArbitrary.map((event) => ({ spec: { data: base64(gzipSync(JSON.stringify(event))), partitionKey } })),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ spec: { data: base64(bytes), partitionKey } })),
  fc.string({ maxLength: 200 }).map((text) => ({ spec: { data: text, partitionKey } })),
  fc.jsonValue().map((value) => ({ spec: { data: base64(JSON.stringify(value) ?? 'null'), partitionKey } })),
  fc
    .tuple(fc.constantFrom(...POISON_KINDS), eventArbitrary, fc.integer())
    .map(([kind, event, seed]) => ({ spec: poisonSpec(kind, event, new Random(seed)), poison: kind })),
);

/** The bytes a quarantine entry must hold for a record: what arrived, decoded if it was base64. */
function expectedRaw(data: string): Buffer {
  const [record] = recordsFromKinesisEvent(kinesisEvent(kinesisRecords([{ data, partitionKey }])));
  return Buffer.from(redactSecrets(record?.data ?? new Uint8Array()).bytes);
}

describe('the parser on arbitrary record data', () => {
  it('never throws, and classifies every item with a reason unless it is a signal', () => {
    fc.assert(
      fc.property(recordArbitrary, ({ spec }) => {
        const [record] = recordsFromKinesisEvent(kinesisEvent(kinesisRecords([spec])));
        expect(record).toBeDefined();
        for (const result of normalizeBatchRecord(
          record ?? { recordId: '', position: [], data: new Uint8Array() },
        )) {
          if (result.result === 'signal') expect(result.signal.signalId.length).toBeGreaterThan(0);
          else expect(result.reason.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('the consumer handler on arbitrary Kinesis events', () => {
  it('never throws, acknowledges or reports every record, and quarantines poison with its bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(recordArbitrary, { minLength: 1, maxLength: 30 }), async (records) => {
        const { store, consumer } = memoryConsumer();
        const event = kinesisEvent(kinesisRecords(records.map((record) => record.spec)));
        const ids = event.Records.map((record) => record.kinesis.sequenceNumber);

        const response = await consumer(event);

        // A healthy store leaves nothing to retry: every record is acknowledged.
        expect(response.batchItemFailures).toEqual([]);
        const quarantined = new Map(store.quarantined.map((entry) => [entry.recordId, entry]));
        for (const entry of store.quarantined) {
          expect(ids).toContain(entry.recordId);
          expect(entry.reason.length).toBeGreaterThan(0);
        }
        const decoded = recordsFromKinesisEvent(event);
        for (const [index, record] of records.entries()) {
          const id = ids[index] ?? '';
          const batchRecord = decoded[index];
          // Any item the parser rejects puts its record in quarantine, whole, with its bytes.
          const rejected =
            batchRecord !== undefined &&
            normalizeBatchRecord(batchRecord).some((result) => result.result === 'rejected');
          if (record.poison !== undefined || rejected) {
            expect(quarantined.has(id)).toBe(true);
            expect(Buffer.from(quarantined.get(id)?.raw ?? [])).toEqual(expectedRaw(record.spec.data));
          }
          if (record.poison !== undefined) {
            expect(Buffer.from(quarantined.get(id)?.raw ?? [])).toEqual(
              quarantinedBytesOf(record.spec, record.poison),
            );
          }
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('the consumer handler when the store fails now and then', () => {
  const workload = reliabilityWorkload(505, 150, 3);
  const batches = chunk(framed(workload.entries).records, 50);
  const reference = workload.expected;

  it('reports only records of the batch, never throws, and converges on the reference incidents when retried', async () => {
    expect(reference.length).toBeGreaterThanOrEqual(1);
    await fc.assert(
      fc.asyncProperty(
        fc.integer(),
        fc.double({ min: 0.005, max: 0.04, noNaN: true }),
        async (seed, rate) => {
          const random = new Random(seed);
          let commits = 0;
          const plan: FailurePlan = (operation) => {
            // The first commit's answer is always lost after the write: the hardest case, every run.
            if (operation === 'commitScope' && ++commits === 1) return 'after';
            if (!random.chance(rate)) return undefined;
            return random.chance(0.5) ? 'before' : 'after';
          };
          const memory = new MemoryIncidentStore();
          const store = new InstrumentedStore(memory, plan);
          const consumer = consumerOn(store);
          let thrown = 0;
          const observed = async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
            const ids = new Set(event.Records.map((record) => record.kinesis.sequenceNumber));
            try {
              const response = await consumer(event);
              for (const failure of response.batchItemFailures)
                expect(ids.has(failure.itemIdentifier)).toBe(true);
              return response;
            } catch (error) {
              thrown += 1;
              throw error;
            }
          };

          const report = await driveBatches(observed, batches, { maximumRetryAttempts: 200 });

          expect(thrown).toBe(0);
          expect(store.injectedFailures).toBeGreaterThanOrEqual(1);
          expect(report.failedInvocations).toBeGreaterThanOrEqual(1);
          expect(report.discarded).toEqual([]);
          expect(memory.allIncidents()).toEqual(reference);
        },
      ),
      { numRuns: 20 },
    );
  });
});
