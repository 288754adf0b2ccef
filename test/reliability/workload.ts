import { type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import type { KinesisStreamRecord } from 'aws-lambda';
import { pino } from 'pino';
import { expect } from 'vitest';
import { signalsOfContextItem } from '../../src/adapters/dynamodb/context-packs.ts';
import { MemoryIncidentStore } from '../../src/adapters/memory-store.ts';
import type { Incident } from '../../src/core/incident/types.ts';
import type { IncidentStore } from '../../src/core/pipeline/ports.ts';
import { isHealthyRun } from '../../src/core/signals/run-status.ts';
import { createKinesisConsumer, type KinesisConsumer } from '../../src/runtime/kinesis-consumer.ts';
import type { GeneratedMix } from '../../src/workloads/generated.ts';
import {
  kinesisRecords,
  type RecordSpec,
  recordSpecOf,
  sequenceNumber,
} from '../../src/workloads/kinesis-framing.ts';
import { generateEvents } from '../../src/workloads/mix.ts';
import { Random } from '../../src/workloads/random.ts';
import { POISON_KINDS, type PoisonKind, poisonSpec, quarantinedBytesOf } from '../builders/poison.ts';
import { ANY_ORDER_CONFIG, signalsOfEvents } from '../reference/differential.ts';
import { referenceIncidents, referenceScopes } from '../reference/reference-model.ts';

/**
 * These variants shuffle and duplicate across the whole stream, far past the default allowed
 * lateness: they check merging is order-free within the lateness (see ANY_ORDER_CONFIG).
 */
export const RELIABILITY_CONFIG = ANY_ORDER_CONFIG;

/**
 * The reliability suite's workloads: one generated event mix, turned into record streams that go
 * wrong the ways real streams do (redelivered, reordered, poisoned), and the ways to read back
 * what a run left behind, so every variant is compared with the clean run on the same terms.
 */

export interface StreamEntry {
  readonly spec: RecordSpec;
  readonly poison?: PoisonKind;
}

export interface ReliabilityWorkload {
  readonly mix: GeneratedMix;
  readonly entries: readonly StreamEntry[];
  /**
   * Every signal kept as context (healthy runs are summarized instead), by id, with the subjects it
   * is filed under: all of its subjects but its execution, which no scope has as a member, and its
   * state machine, whose scope partition holds it (`scopes`).
   */
  readonly signals: ReadonlyMap<string, readonly string[]>;
  /** The scopes each kept signal belongs to once every link is known (the reference topology). */
  readonly scopes: ReadonlyMap<string, readonly string[]>;
  /** The reference model's incidents for these events: what every variant must end with. */
  readonly expected: readonly Incident[];
}

export function reliabilityWorkload(
  seed: number,
  events: number,
  stateMachines: number,
): ReliabilityWorkload {
  const mix = generateEvents({ seed, events, stateMachines });
  const normalized = signalsOfEvents(mix.events.map((generated) => generated.event));
  const signals = new Map(
    normalized
      .filter((signal) => !isHealthyRun(signal))
      .map((signal) => [
        signal.signalId,
        signal.subjects.filter((subject) => !NOT_FILED_UNDER.test(subject)),
      ]),
  );
  const kept = normalized.filter((signal) => !isHealthyRun(signal));
  const allScopes = referenceScopes(normalized, RELIABILITY_CONFIG);
  return {
    mix,
    entries: mix.events.map((generated) => ({ spec: recordSpecOf(generated.event) })),
    signals,
    scopes: new Map(kept.map((signal) => [signal.signalId, allScopes.get(signal.signalId) ?? []])),
    expected: referenceIncidents(normalized, RELIABILITY_CONFIG),
  };
}

/** Every record sent twice, the copy somewhere later in the stream (a producer retry, redelivery). */
export function duplicated(entries: readonly StreamEntry[], random: Random): StreamEntry[] {
  const result: StreamEntry[] = [...entries];
  for (const [index, entry] of entries.entries()) {
    const at = random.int(index + 1, result.length);
    result.splice(at, 0, entry);
  }
  return result;
}

export function shuffled(entries: readonly StreamEntry[], random: Random): StreamEntry[] {
  return random.shuffle(entries);
}

/** Poison records added at random places: `rate` of the stream's length (each kind at least once). */
export function withPoison(entries: readonly StreamEntry[], rate: number, random: Random): StreamEntry[] {
  const result: StreamEntry[] = [...entries];
  const count = Math.max(POISON_KINDS.length, Math.round(entries.length * rate));
  for (let index = 0; index < count; index++) {
    const kind = POISON_KINDS[index % POISON_KINDS.length] ?? 'bad-base64';
    const like = random.pick(entries);
    const spec = poisonSpec(kind, JSON.parse(Buffer.from(like.spec.data, 'base64').toString('utf8')), random);
    result.splice(random.int(0, result.length), 0, { spec, poison: kind });
  }
  return result;
}

export interface FramedStream {
  readonly records: readonly KinesisStreamRecord[];
  /** Poison records by sequence number, with the bytes the quarantine must hold for each. */
  readonly poison: ReadonlyMap<string, { readonly kind: PoisonKind; readonly raw: Buffer }>;
}

export function framed(entries: readonly StreamEntry[]): FramedStream {
  const records = kinesisRecords(entries.map((entry) => entry.spec));
  const poison = new Map<string, { kind: PoisonKind; raw: Buffer }>();
  entries.forEach((entry, index) => {
    if (entry.poison !== undefined) {
      poison.set(sequenceNumber(index), {
        kind: entry.poison,
        raw: quarantinedBytesOf(entry.spec, entry.poison),
      });
    }
  });
  return { records, poison };
}

export function consumerOn(store: IncidentStore, clock: () => number = Date.now): KinesisConsumer {
  return createKinesisConsumer({
    store,
    config: RELIABILITY_CONFIG,
    logger: pino({ level: 'silent' }),
    clock,
  });
}

export function memoryConsumer(): {
  readonly store: MemoryIncidentStore;
  readonly consumer: KinesisConsumer;
} {
  const store = new MemoryIncidentStore();
  return { store, consumer: consumerOn(store) };
}

/**
 * Standard and express execution ARNs and state machine ARNs, spelled out here rather than taken
 * from the code under test: no signal is filed under their own partitions.
 */
const NOT_FILED_UNDER = /^arn:[a-z-]+:states:[a-z0-9-]+:\d{12}:(execution|express|stateMachine):/;

export interface TableContents {
  /** signalId → how many subject partitions (`CTX#`/`CTXA#`) hold it: one per subject filed under. */
  readonly signalItems: ReadonlyMap<string, number>;
  /** signalId → the scopes it is filed under (`SCTX#`/`SCTXA#`), sorted. */
  readonly scopeFilings: ReadonlyMap<string, readonly string[]>;
  readonly quarantine: readonly {
    readonly recordId: string;
    readonly reason: string;
    readonly raw: Uint8Array;
  }[];
  readonly items: readonly Record<string, unknown>[];
}

export async function scanTable(client: DynamoDBDocumentClient, tableName: string): Promise<TableContents> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateScan({ client }, { TableName: tableName, ConsistentRead: true })) {
    items.push(...(page.Items ?? []));
  }
  const subjectPartitions = new Map<string, Set<string>>();
  const scopePartitions = new Map<string, Set<string>>();
  const add = (map: Map<string, Set<string>>, signalId: string, partition: string) =>
    map.set(signalId, (map.get(signalId) ?? new Set()).add(partition));
  const quarantine: { recordId: string; reason: string; raw: Uint8Array }[] = [];
  for (const item of items) {
    if ((item.type === 'SIGNAL' || item.type === 'SIGNAL_PACK') && typeof item.pk === 'string') {
      const scope = /^SCTXA?#(.*)$/.exec(item.pk)?.[1];
      for (const { signalId } of signalsOfContextItem(item)) {
        if (scope === undefined) add(subjectPartitions, signalId, item.pk);
        else add(scopePartitions, signalId, scope);
      }
    }
    if (item.type === 'QUARANTINE' && typeof item.recordId === 'string' && typeof item.reason === 'string') {
      const raw = item.raw instanceof Uint8Array ? item.raw : new Uint8Array();
      quarantine.push({ recordId: item.recordId, reason: item.reason, raw });
    }
  }
  const signalItems = new Map([...subjectPartitions].map(([id, partitions]) => [id, partitions.size]));
  const scopeFilings = new Map([...scopePartitions].map(([id, scopes]) => [id, [...scopes].sort()]));
  return { signalItems, scopeFilings, quarantine, items };
}

/** Expected quarantine reasons, by what was wrong with the record. */
export const POISON_REASON: Readonly<Record<PoisonKind, RegExp>> = {
  'bad-base64': /not valid base64/,
  'truncated-json': /JSON|empty/,
  'wrong-types': /detail\.(status|startDate|executionArn)/,
};

/**
 * Every kept signal under each subject it is filed under and under each of its reference scopes,
 * once: nothing lost, nothing doubled, nothing filed under a state machine it does not belong to.
 */
export function expectEachSignalFiledOnce(contents: TableContents, workload: ReliabilityWorkload): void {
  const withSubjects = [...workload.signals].filter(([, subjects]) => subjects.length > 0);
  expect(contents.signalItems.size).toBe(withSubjects.length);
  for (const [signalId, subjects] of withSubjects)
    expect(contents.signalItems.get(signalId)).toBe(subjects.length);
  for (const [signalId, scopes] of workload.scopes)
    expect(contents.scopeFilings.get(signalId) ?? []).toEqual(scopes);
}

export { Random };
