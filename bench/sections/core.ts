import type { KinesisStreamRecord } from 'aws-lambda';
import { recordsFromKinesisEvent } from '../../src/adapters/kinesis-records.ts';
import { MemoryIncidentStore } from '../../src/adapters/memory-store.ts';
import { DEFAULT_CONFIG } from '../../src/core/config.ts';
import type { BatchRecord } from '../../src/core/pipeline/batch-types.ts';
import { normalizeBatchRecord } from '../../src/core/pipeline/normalize-batch-record.ts';
import { type PipelineDeps, processBatch } from '../../src/core/pipeline/process-batch.ts';
import type { WorkloadProfile } from '../../src/workloads/profiles.ts';
import { perSecond, round } from '../stats.ts';
import { type BatchSample, comparableBatches, type TenthThroughput, tenthThroughput } from '../tenths.ts';
import { type BenchWorkloadSpec, buildWorkload } from '../workload.ts';

/**
 * Core throughput: the in-process pipeline (base64 → decode → normalize → correlate, in-memory
 * store) against the floor every consumer pays on the same records: base64 decode + JSON.parse.
 * Single-threaded, so events/s here is events/s per core. Run once per workload profile; a slice
 * of a profile is measured after the events before it were fed to the same store, untimed.
 */

export interface CoreResult {
  readonly profile: WorkloadProfile;
  /** What was generated and what of it was measured, in words. */
  readonly workload: string;
  readonly measured: string;
  readonly stateMachines: number;
  /** Distinct state machines with execution events per measured batch, on average. */
  readonly stateMachinesPerBatch: number;
  /** Events fed to the store before the measured ones, and how long that took (not in any figure). */
  readonly preloadedEvents: number;
  readonly preloadSeconds: number;
  /** Measured events. */
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
  /**
   * Throughput over the first and the last tenth of the measured batches (target last / first ≥
   * 0.8): a pipeline whose per-batch cost grows with the history it has stored slows down.
   */
  readonly throughput: TenthThroughput;
  readonly microsPerEvent: number;
  /** Signals of the measured batches. */
  readonly signals: number;
  /** Incidents in the store at the end, the preload's included. */
  readonly incidents: number;
  /** Records the pipeline failed, in the preload or the measured batches: 0 on a healthy run. */
  readonly failedRecords: number;
}

const FLOOR_ROUNDS = 3;
/** The floor and normalize passes repeat for the best of three, but stop repeating past this. */
const FLOOR_BUDGET_MS = 15_000;
/** Preloading is untimed: big batches, so a day of history is fed in seconds, not minutes. */
const PRELOAD_BATCH = 5_000;

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
  const started = performance.now();
  for (
    let round = 0;
    round < rounds && (round === 0 || performance.now() - started < FLOOR_BUDGET_MS);
    round++
  ) {
    const roundStarted = performance.now();
    work();
    best = Math.min(best, performance.now() - roundStarted);
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

async function corePass(batches: Iterable<readonly KinesisStreamRecord[]>, store: MemoryIncidentStore) {
  const samples: BatchSample[] = [];
  let signals = 0;
  let failed = 0;
  for (const batch of batches) {
    const started = performance.now();
    const records: BatchRecord[] = recordsFromKinesisEvent({ Records: [...batch] });
    const report = await processBatch(records, deps(store));
    samples.push({ events: batch.length, ms: performance.now() - started });
    signals += report.counts.signals;
    failed += report.counts.failed;
  }
  return { samples, signals, failed };
}

export async function runCore(spec: BenchWorkloadSpec, seed: number, batchSize: number): Promise<CoreResult> {
  const workload = buildWorkload(spec, seed, batchSize);
  const events = workload.records.length;
  // Warm the JIT on other events first, so the measured pass is not its compile time.
  const warmup = buildWorkload({ profile: 'mix', events: 2_000 }, seed + 1, batchSize);
  floorPass(warmup.batches);
  normalizePass(warmup.batches);
  await corePass(warmup.batches, new MemoryIncidentStore());

  const floorMs = bestOf(FLOOR_ROUNDS, () => floorPass(workload.batches));
  const normalizeMs = bestOf(FLOOR_ROUNDS, () => normalizePass(workload.batches));
  const store = new MemoryIncidentStore();
  const preloadStarted = performance.now();
  const preload = await corePass(workload.preloadBatches(PRELOAD_BATCH), store);
  const preloadSeconds = (performance.now() - preloadStarted) / 1000;
  const core = await corePass(workload.batches, store);
  const coreMs = core.samples.reduce((sum, sample) => sum + sample.ms, 0);

  const floorEventsPerSecond = perSecond(events, floorMs);
  const coreEventsPerSecond = perSecond(events, coreMs);
  return {
    profile: workload.profile,
    workload: workload.generated,
    measured: workload.measured,
    stateMachines: workload.stateMachines,
    stateMachinesPerBatch: round(workload.stateMachinesPerBatch, 1),
    preloadedEvents: workload.preloadedEvents,
    preloadSeconds: round(preloadSeconds, 1),
    events,
    batches: workload.batches.length,
    avgEventBytes: round(workload.payloadBytes / events, 0),
    floorEventsPerSecond: round(floorEventsPerSecond, 0),
    normalizeEventsPerSecond: round(perSecond(events, normalizeMs), 0),
    coreEventsPerSecond: round(coreEventsPerSecond, 0),
    ratio: round(coreEventsPerSecond / floorEventsPerSecond, 3),
    throughput: tenthThroughput(comparableBatches(core.samples, (sample) => sample.events)),
    microsPerEvent: round((coreMs * 1000) / events, 1),
    signals: core.signals,
    incidents: store.allIncidents().length,
    // A record that failed while preloading would leave the measured slice without its history.
    failedRecords: core.failed + preload.failed,
  };
}
