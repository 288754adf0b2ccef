import type { KinesisStreamRecord } from 'aws-lambda';
import { recordsFromKinesisEvent } from '../../src/adapters/kinesis-records.ts';
import { MemoryIncidentStore } from '../../src/adapters/memory-store.ts';
import { DEFAULT_CONFIG } from '../../src/core/config.ts';
import type { BatchRecord } from '../../src/core/pipeline/batch-types.ts';
import { normalizeBatchRecord } from '../../src/core/pipeline/normalize-batch-record.ts';
import { type PipelineDeps, processBatch } from '../../src/core/pipeline/process-batch.ts';
import { perSecond, round } from '../stats.ts';
import { buildWorkload, type Workload } from '../workload.ts';

/**
 * Core throughput: the in-process pipeline (base64 → decode → normalize → correlate, in-memory
 * store) against the floor every consumer pays on the same records: base64 decode + JSON.parse.
 * Single-threaded, so events/s here is events/s per core.
 */

export interface CoreResult {
  readonly events: number;
  readonly batches: number;
  /** Mean payload size of the generated events, as Kinesis meters them. */
  readonly avgEventBytes: number;
  readonly floorEventsPerSecond: number;
  /** Envelope decode + normalization only: what the pipeline costs before any correlation. */
  readonly normalizeEventsPerSecond: number;
  readonly coreEventsPerSecond: number;
  /** core / floor: the target is ≥ 0.5. */
  readonly ratio: number;
  /** Throughput over the first and the last quarter of the batches: correlation re-derives each scope from its stored signals, so it slows as they accumulate. */
  readonly firstQuarterEventsPerSecond: number;
  readonly lastQuarterEventsPerSecond: number;
  readonly microsPerEvent: number;
  readonly signals: number;
  readonly incidents: number;
  readonly failedRecords: number;
}

const FLOOR_ROUNDS = 3;

function deps(store: MemoryIncidentStore): PipelineDeps {
  return {
    store,
    config: DEFAULT_CONFIG,
    normalize: normalizeBatchRecord,
    now: Date.now,
    delay: async () => undefined,
    scopeConcurrency: 8,
    maxCommitAttempts: 6,
  };
}

function bestOf(rounds: number, work: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    work();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/** What any consumer must do with a record before it knows anything: decode and parse it. */
function floorPass(batches: readonly (readonly KinesisStreamRecord[])[]): number {
  let parsed = 0;
  for (const batch of batches) {
    for (const record of batch) {
      const value: unknown = JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8'));
      if (value !== null) parsed += 1;
    }
  }
  return parsed;
}

function normalizePass(batches: readonly (readonly KinesisStreamRecord[])[]): number {
  let results = 0;
  for (const batch of batches) {
    for (const record of recordsFromKinesisEvent({ Records: [...batch] })) {
      results += normalizeBatchRecord(record).length;
    }
  }
  return results;
}

async function corePass(workload: Workload, store: MemoryIncidentStore) {
  const batchMs: number[] = [];
  let signals = 0;
  let failed = 0;
  for (const batch of workload.batches) {
    const started = performance.now();
    const records: BatchRecord[] = recordsFromKinesisEvent({ Records: [...batch] });
    const report = await processBatch(records, deps(store));
    batchMs.push(performance.now() - started);
    signals += report.counts.signals;
    failed += report.counts.failed;
  }
  return { batchMs, signals, failed };
}

function quarterRate(workload: Workload, batchMs: readonly number[], which: 'first' | 'last'): number {
  const quarter = Math.max(1, Math.floor(batchMs.length / 4));
  const indexes = which === 'first' ? [0, quarter] : [batchMs.length - quarter, batchMs.length];
  const [from, to] = indexes as [number, number];
  const events = workload.batches.slice(from, to).reduce((sum, batch) => sum + batch.length, 0);
  const ms = batchMs.slice(from, to).reduce((sum, value) => sum + value, 0);
  return perSecond(events, ms);
}

export async function runCore(seed: number, events: number, batchSize: number): Promise<CoreResult> {
  const workload = buildWorkload(seed, events, batchSize);
  // Warm the JIT on other events first, so the measured pass is not its compile time.
  const warmup = buildWorkload(seed + 1, Math.min(2_000, events), batchSize);
  floorPass(warmup.batches);
  normalizePass(warmup.batches);
  await corePass(warmup, new MemoryIncidentStore());

  const floorMs = bestOf(FLOOR_ROUNDS, () => floorPass(workload.batches));
  const normalizeMs = bestOf(FLOOR_ROUNDS, () => normalizePass(workload.batches));
  const store = new MemoryIncidentStore();
  const core = await corePass(workload, store);
  const coreMs = core.batchMs.reduce((sum, value) => sum + value, 0);

  const floorEventsPerSecond = perSecond(events, floorMs);
  const coreEventsPerSecond = perSecond(events, coreMs);
  return {
    events,
    batches: workload.batches.length,
    avgEventBytes: round(workload.payloadBytes / events, 0),
    floorEventsPerSecond: round(floorEventsPerSecond, 0),
    normalizeEventsPerSecond: round(perSecond(events, normalizeMs), 0),
    coreEventsPerSecond: round(coreEventsPerSecond, 0),
    ratio: round(coreEventsPerSecond / floorEventsPerSecond, 3),
    firstQuarterEventsPerSecond: round(quarterRate(workload, core.batchMs, 'first'), 0),
    lastQuarterEventsPerSecond: round(quarterRate(workload, core.batchMs, 'last'), 0),
    microsPerEvent: round((coreMs * 1000) / events, 1),
    signals: core.signals,
    incidents: store.allIncidents().length,
    failedRecords: core.failed,
  };
}
