import type { KinesisStreamRecord } from 'aws-lambda';
import { pino } from 'pino';
import { expect } from 'vitest';
import { type CorrelationConfig, DEFAULT_CONFIG, withConfig } from '../../src/core/config.ts';
import type { Incident } from '../../src/core/incident/types.ts';
import type { IncidentStore } from '../../src/core/pipeline/ports.ts';
import { normalizeEvent } from '../../src/core/signals/normalize.ts';
import type { Signal } from '../../src/core/signals/types.ts';
import { Topology } from '../../src/core/topology/graph.ts';
import { linksFromSignal } from '../../src/core/topology/links.ts';
import { createKinesisConsumer } from '../../src/runtime/kinesis-consumer.ts';
import type { JsonObject } from '../../src/workloads/events.ts';
import { kinesisRecords, type RecordSpec, recordSpecOf } from '../../src/workloads/kinesis-framing.ts';
import { Random } from '../../src/workloads/random.ts';
import { driveLikeLambda } from '../reliability/lambda-driver.ts';
import { byOpening, referenceIncidents } from './reference-model.ts';

/**
 * The differential harness: a workload's events go through the real consumer (Kinesis framing, the
 * real parser, the pipeline, a real store) delivered the ways a stream really delivers them — cut
 * into random batches, reordered, redelivered, late, raced by several consumers — and what the
 * store ends up holding must equal the reference model's incidents for the same events.
 */

export interface Delivery {
  readonly seed: number;
  /** Records per Lambda batch (1 to 10,000 in AWS; 500 is a common production setting). */
  readonly batchSize: number;
  /** `window`: reordered within a few batches, as a lagging shard or a retry does; `full`: any order. */
  readonly reorder: 'none' | 'window' | 'full';
  /**
   * With `window`: a window also ends before its signals would span more than this much event time,
   * so reordering delays no record by more than it. Without it a window is three batches, whatever
   * they span: a sparse workload's three batches can span more than the allowed lateness.
   */
  readonly reorderSpanMs?: number;
  /** Share of records delivered a second time, somewhere later. */
  readonly duplicateRate: number;
  /** Share of records held back and delivered after everything else (late, e.g. a stuck shard). */
  readonly lateRate: number;
  /** Consumers racing on the same store, each taking every n-th batch (several shards, or retries). */
  readonly consumers: number;
  readonly scopeConcurrency: number;
}

/**
 * A delivery within the default hour of lateness: 500-record batches reordered within three and
 * within half an hour of event time, 2% of records delivered again anywhere later (a late copy is
 * recognized or late, never counted twice), one consumer. Under the default configuration the
 * store must then hold the reference's incidents.
 */
export const IN_LATENESS_SPAN_MS = 30 * 60 * 1000;

export const inLatenessWindow = (seed: number): Delivery => ({
  seed,
  batchSize: 500,
  reorder: 'window',
  reorderSpanMs: IN_LATENESS_SPAN_MS,
  duplicateRate: 0.02,
  lateRate: 0,
  consumers: 1,
  scopeConcurrency: 8,
});

/**
 * For deliveries in any order: every healthy run within a day of the watermark is folded. The
 * default allowed lateness (an hour, at most 4,096 remembered runs) is exceeded on purpose here:
 * `full` reordering, held-back records and racing consumers drifting apart deliver runs hours late,
 * and these tests check that merging is order-free for whatever arrives within the lateness. What
 * happens past it is tested on its own (test/core/traffic/late-traffic.unit.test.ts).
 */
export const ANY_ORDER_CONFIG: CorrelationConfig = withConfig({
  allowedLatenessMs: 24 * 60 * 60_000,
  limits: { ...DEFAULT_CONFIG.limits, rememberedHealthySignals: 1_000_000 },
});

/**
 * The precision the engine documents for resolution (docs/architecture.md, "Healthy traffic"): a
 * resolution decided by a success is at most a minute after the exact one, never before it.
 */
export function expectResolutionWithinAMinute(
  toTheMinute: readonly Incident[],
  exact: readonly Incident[],
): number {
  const exactById = new Map(exact.map((incident) => [incident.id, incident]));
  let compared = 0;
  for (const incident of toTheMinute) {
    const truth = exactById.get(incident.id);
    if (truth === undefined || incident.resolvedAt === null || truth.resolvedAt === null) continue;
    const lateByMs = Date.parse(incident.resolvedAt) - Date.parse(truth.resolvedAt);
    expect(lateByMs, `resolution of ${incident.id}`).toBeGreaterThanOrEqual(0);
    expect(lateByMs, `resolution of ${incident.id}`).toBeLessThan(60_000);
    compared++;
  }
  return compared;
}

/** The signals a workload's events normalize to (what the reference model is given). */
export function signalsOfEvents(events: readonly JsonObject[]): Signal[] {
  const signals: Signal[] = [];
  for (const event of events) {
    const result = normalizeEvent(event, []);
    if (result.result === 'signal') signals.push(result.signal);
  }
  return signals;
}

/** The record stream a delivery plan makes of the events: reordered, duplicated, late. */
export function deliveredRecords(events: readonly JsonObject[], delivery: Delivery): KinesisStreamRecord[] {
  const random = new Random(delivery.seed);
  let order = events.map((event) => recordSpecOf(event));
  const late = order.filter(() => random.chance(delivery.lateRate));
  const lateSet = new Set(late);
  order = order.filter((spec) => !lateSet.has(spec));
  if (delivery.reorder === 'full') order = random.shuffle(order);
  if (delivery.reorder === 'window') {
    const reordered: typeof order = [];
    for (const window of reorderWindows(order, delivery)) reordered.push(...random.shuffle(window));
    order = reordered;
  }
  order.push(...random.shuffle(late));
  const withCopies = [...order];
  for (const [index, spec] of order.entries()) {
    if (random.chance(delivery.duplicateRate))
      withCopies.splice(random.int(index + 1, withCopies.length), 0, spec);
  }
  return kinesisRecords(withCopies);
}

/** Consecutive records, three batches at most, spanning at most `reorderSpanMs` of event time. */
function reorderWindows(order: readonly RecordSpec[], delivery: Delivery): RecordSpec[][] {
  const size = Math.max(2, delivery.batchSize * 3);
  const span = delivery.reorderSpanMs ?? Number.POSITIVE_INFINITY;
  const windows: RecordSpec[][] = [];
  let current: RecordSpec[] = [];
  let earliest = Number.POSITIVE_INFINITY;
  let latest = Number.NEGATIVE_INFINITY;
  for (const spec of order) {
    // Only a span needs event times: without one a window is just three batches.
    const timeMs = Number.isFinite(span) ? (signalOf(spec.data)?.eventTimeMs ?? Number.NaN) : Number.NaN;
    const nextEarliest = Number.isNaN(timeMs) ? earliest : Math.min(earliest, timeMs);
    const nextLatest = Number.isNaN(timeMs) ? latest : Math.max(latest, timeMs);
    if (current.length >= size || nextLatest - nextEarliest > span) {
      windows.push(current);
      current = [];
      earliest = Number.isNaN(timeMs) ? Number.POSITIVE_INFINITY : timeMs;
      latest = Number.isNaN(timeMs) ? Number.NEGATIVE_INFINITY : timeMs;
    } else {
      earliest = nextEarliest;
      latest = nextLatest;
    }
    current.push(spec);
  }
  if (current.length > 0) windows.push(current);
  return windows;
}

/** The signal the pipeline makes of a record's base64 data; undefined for a record that is none. */
function signalOf(data: string): Signal | undefined {
  const event: unknown = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
  const result = normalizeEvent(event, []);
  return result.result === 'signal' ? result.signal : undefined;
}

/**
 * Delivers the records to `consumers` racing consumers of one store, each driven the way Lambda's
 * event source mapping drives it (batch item failures are retried from the lowest failed record),
 * and checks nothing was given up on. A busy emulator may time out or throttle now and then: that
 * is a transient failure, retried, and the end state must still be the reference's.
 */
export async function deliver(
  store: IncidentStore,
  records: readonly KinesisStreamRecord[],
  delivery: Delivery,
  config: CorrelationConfig = DEFAULT_CONFIG,
  clock: () => number = () => Date.parse('2026-03-03T00:00:00.000Z'),
): Promise<number> {
  const consumer = createKinesisConsumer({
    store,
    config,
    logger: pino({ level: 'silent' }),
    clock,
    scopeConcurrency: delivery.scopeConcurrency,
    // Racing consumers conflict; give them the budget a real deployment has and then some.
    maxCommitAttempts: 50,
  });
  const batches: KinesisStreamRecord[][] = [];
  for (let start = 0; start < records.length; start += delivery.batchSize)
    batches.push(records.slice(start, start + delivery.batchSize));
  const lanes = Array.from({ length: delivery.consumers }, (_, lane) =>
    batches.filter((_, index) => index % delivery.consumers === lane),
  );
  await Promise.all(
    lanes.map(async (lane) => {
      for (const batch of lane) {
        const report = await driveLikeLambda(consumer, batch, { maximumRetryAttempts: 50 });
        expect(report.discarded).toEqual([]);
      }
    }),
  );
  return batches.length;
}

/** The most state machines one batch of the plan touches, by the reference topology. */
export function widestBatchScopes(
  records: readonly KinesisStreamRecord[],
  signals: readonly Signal[],
  batchSize: number,
): number {
  const topology = new Topology(signals.flatMap((signal) => linksFromSignal(signal, DEFAULT_CONFIG)));
  let widest = 0;
  for (let start = 0; start < records.length; start += batchSize) {
    const scopes = new Set<string>();
    for (const record of records.slice(start, start + batchSize)) {
      const signal = signalOf(record.kinesis.data);
      if (signal === undefined) continue;
      for (const scope of topology.scopesOf(signal.subjects)) scopes.add(scope.stateMachineArn);
    }
    widest = Math.max(widest, scopes.size);
  }
  return widest;
}

/**
 * Field by field: the same incidents, each equal to the reference's in every field. On a mismatch
 * the first differing incident is compared alone, so the failure names the field.
 */
export function expectSameIncidents(actual: readonly Incident[], expected: readonly Incident[]): void {
  const sortedActual = [...actual].sort(byOpening);
  const byId = new Map(sortedActual.map((incident) => [incident.id, incident]));
  for (const incident of expected) expect(byId.get(incident.id), `incident ${incident.id}`).toEqual(incident);
  expect(sortedActual.map((incident) => incident.id)).toEqual(expected.map((incident) => incident.id));
}

export { referenceIncidents };
