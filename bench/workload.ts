import type { KinesisStreamRecord } from 'aws-lambda';
import { BUSY_DEFAULTS, busyShape } from '../src/workloads/busy.ts';
import { FLEET_DEFAULTS } from '../src/workloads/fleet.ts';
import type { GeneratedEvent, GeneratedStream } from '../src/workloads/generated.ts';
import { chunk, kinesisRecords, type RecordSpec, recordSpecOf } from '../src/workloads/kinesis-framing.ts';
import { type WorkloadProfile, type WorkloadRequest, workloadStream } from '../src/workloads/profiles.ts';
import { DEFAULT_START_MS, HOUR, MINUTE } from '../src/workloads/simulated-account.ts';

/**
 * The benchmark's workloads, one per profile: the generated events framed as Kinesis records and
 * split into what is measured (in Lambda-sized batches) and what is fed to the store before it,
 * untimed and unmetered, so a slice late in a busy day meets the history it really would. Each
 * workload says in words what was generated and what of it was measured.
 */

export type BenchWorkloadSpec = (
  | { readonly profile: 'mix'; readonly events: number }
  /** `hours` of traffic at the default 2 executions/s, with the default outages. */
  | { readonly profile: 'busy'; readonly hours: number }
  | { readonly profile: 'fleet'; readonly stateMachines: number; readonly minutes: number }
) & {
  /** Measure only a slice of the traffic (default: all of it). */
  readonly slice?: BenchSlice;
};

/**
 * Measure only `measuredMinutes` of the traffic. Set-up events, before the traffic, are always
 * preloaded: without them no link would be known. Traffic outside the slice is left out.
 *
 * - `from: 'start'`: the first minutes of the traffic, on a store holding only the set-up: how
 *   per-batch cost grows as history accumulates from nothing.
 * - `from: 'last-outage'`: from a minute before the workload's last outage (its first FAILED run),
 *   so the slice holds failures, alarms and recovery, the costly path; after the
 *   `preloadedMinutes` before them (default: all), so it meets the history it really would.
 */
export type BenchSlice =
  | { readonly from: 'start'; readonly measuredMinutes: number }
  | { readonly from: 'last-outage'; readonly measuredMinutes: number; readonly preloadedMinutes?: number };

export interface Workload {
  readonly profile: WorkloadProfile;
  /** What was generated, e.g. "busy: 24 h at 2 executions/s on 1 state machine, …, seed 42". */
  readonly generated: string;
  /** What of it was measured, e.g. "all 20,000 events in 40 batches of 500; 231 FAILED run(s) in it". */
  readonly measured: string;
  readonly stateMachines: number;
  /** Events fed before measuring (set-up included); `preloadBatches` yields them. */
  readonly preloadedEvents: number;
  /** Generates the preload again, framed, in batches of `size`: never all held at once. */
  preloadBatches(size: number): Iterable<KinesisStreamRecord[]>;
  readonly records: readonly KinesisStreamRecord[];
  readonly batches: readonly (readonly KinesisStreamRecord[])[];
  /** Payload bytes (decoded JSON) of the measured records, as Kinesis would meter them. */
  readonly payloadBytes: number;
  readonly failedRunsMeasured: number;
  /** FAILED runs in each measured batch: an outage's batches cost more than healthy ones. */
  readonly failedRunsPerBatch: readonly number[];
  /** Distinct state machines with execution events in a measured batch, on average: scopes per batch. */
  readonly stateMachinesPerBatch: number;
}

type Place = 'skip' | 'preload' | 'measure';

interface Cut {
  readonly placeOf: (generated: GeneratedEvent) => Place;
  readonly describe: (preloaded: number, measured: number, batches: number, batchSize: number) => string;
}

const count = (value: number) => value.toLocaleString('en-US');
/** 90 → "1.5 h", 60 → "1 h", 10 → "10 min". */
const span = (minutes: number) =>
  minutes >= 60 ? `${count(Math.round((minutes / 60) * 10) / 10)} h` : `${count(Math.round(minutes))} min`;
/** Event time into the traffic, as hh:mm. */
const clock = (ms: number) => {
  const minutes = Math.round((ms - DEFAULT_START_MS) / MINUTE);
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
};

function requestOf(spec: BenchWorkloadSpec, seed: number): WorkloadRequest {
  switch (spec.profile) {
    case 'mix':
      return { profile: 'mix', options: { seed, events: spec.events } };
    case 'busy':
      return { profile: 'busy', options: { seed, durationMs: spec.hours * HOUR } };
    case 'fleet':
      return {
        profile: 'fleet',
        options: { seed, stateMachines: spec.stateMachines, durationMs: spec.minutes * MINUTE },
      };
  }
}

function generatedText(spec: BenchWorkloadSpec, seed: number, stateMachines: number): string {
  switch (spec.profile) {
    case 'mix':
      return `mix: ${count(spec.events)} events, ${stateMachines} state machines, seed ${seed}`;
    case 'busy': {
      const { outages } = busyShape({ seed, durationMs: spec.hours * HOUR });
      return `busy: ${span(spec.hours * 60)} at ${BUSY_DEFAULTS.rate} executions/s on 1 state machine, ${outages} outage(s) of ${BUSY_DEFAULTS.failuresPerOutage} FAILED runs, seed ${seed}`;
    }
    case 'fleet':
      return `fleet: ${stateMachines} state machines, ${span(spec.minutes)} of traffic, ${FLEET_DEFAULTS.failing} of them failing at about the same time, seed ${seed}`;
  }
}

/** How long the traffic runs, where the spec says (the mix ends when its events run out). */
function trafficMinutesOf(spec: BenchWorkloadSpec): number | undefined {
  switch (spec.profile) {
    case 'mix':
      return undefined;
    case 'busy':
      return spec.hours * 60;
    case 'fleet':
      return spec.minutes;
  }
}

const everything: Cut = {
  placeOf: () => 'measure',
  describe: (_preloaded, measured, batches, batchSize) =>
    `all ${count(measured)} events in ${batches} batches of ${batchSize}`,
};

/** Failures further apart than this belong to different outages. */
const OUTAGE_GAP_MS = 10 * MINUTE;

/** A pass over the events for their extent: where traffic ends and when the last outage starts. */
function extentOf(stream: GeneratedStream): {
  readonly lastMs: number;
  readonly lastOutageMs: number | undefined;
} {
  let lastMs = DEFAULT_START_MS;
  let lastFailureMs: number | undefined;
  let lastOutageMs: number | undefined;
  for (const generated of stream.events) {
    lastMs = Math.max(lastMs, generated.atMs);
    if (!isFailedRun(generated)) continue;
    if (lastFailureMs === undefined || generated.atMs - lastFailureMs > OUTAGE_GAP_MS)
      lastOutageMs = generated.atMs;
    lastFailureMs = generated.atMs;
  }
  return { lastMs, lastOutageMs };
}

function sliceCut(stream: GeneratedStream, slice: BenchSlice): Cut {
  const { lastMs, lastOutageMs } = extentOf(stream);
  const trafficEndMs = lastMs + 1;
  const measuredMs = slice.measuredMinutes * MINUTE;
  // From a minute before the last outage, as long as the traffic lasts; else the traffic's end.
  const measureFromMs =
    slice.from === 'start'
      ? DEFAULT_START_MS
      : Math.max(
          DEFAULT_START_MS,
          Math.min(
            trafficEndMs - measuredMs,
            lastOutageMs === undefined ? trafficEndMs : lastOutageMs - MINUTE,
          ),
        );
  const measureToMs = Math.min(trafficEndMs, measureFromMs + measuredMs);
  if (measureFromMs === DEFAULT_START_MS && measureToMs === trafficEndMs) return everything;
  const preloadFromMs =
    slice.from === 'start' || slice.preloadedMinutes === undefined
      ? DEFAULT_START_MS
      : Math.max(DEFAULT_START_MS, measureFromMs - slice.preloadedMinutes * MINUTE);
  const leftOut = [
    preloadFromMs > DEFAULT_START_MS ? `before ${clock(preloadFromMs)}` : '',
    measureToMs < trafficEndMs ? `after ${clock(measureToMs)}` : '',
  ].filter((text) => text.length > 0);
  const where =
    slice.from === 'start'
      ? 'from its start'
      : lastOutageMs === undefined
        ? 'the end of the traffic'
        : 'from a minute before its last outage';
  const preloadedTraffic =
    measureFromMs > preloadFromMs ? ` + ${clock(preloadFromMs)}–${clock(measureFromMs)}` : ' only';
  return {
    placeOf: (generated) => {
      if (generated.atMs < DEFAULT_START_MS) return 'preload';
      if (generated.atMs < preloadFromMs || generated.atMs >= measureToMs) return 'skip';
      return generated.atMs < measureFromMs ? 'preload' : 'measure';
    },
    describe: (preloaded, measured, batches, batchSize) =>
      `${clock(measureFromMs)}–${clock(measureToMs)} of the traffic (${span((measureToMs - measureFromMs) / MINUTE)}, ${where}): ` +
      `${count(measured)} events in ${batches} batches of ${batchSize}, after preloading set-up${preloadedTraffic} ` +
      `(${count(preloaded)} events, untimed)` +
      (leftOut.length > 0 ? `; traffic ${leftOut.join(' and ')} left out` : ''),
  };
}

function isFailedRun(generated: GeneratedEvent): boolean {
  const detail = generated.event.detail;
  return typeof detail === 'object' && detail !== null && 'status' in detail && detail.status === 'FAILED';
}

function stateMachineOf(record: KinesisStreamRecord): string | undefined {
  // The rules partition execution events by their state machine (see recordSpecOf).
  const key = record.kinesis.partitionKey;
  return key.startsWith('arn:aws:states:') ? key : undefined;
}

function meanStateMachinesPerBatch(batches: readonly (readonly KinesisStreamRecord[])[]): number {
  if (batches.length === 0) return 0;
  const total = batches.reduce(
    (sum, batch) => sum + new Set(batch.map(stateMachineOf).filter((arn) => arn !== undefined)).size,
    0,
  );
  return total / batches.length;
}

function* preloadOf(stream: GeneratedStream, cut: Cut, size: number): Generator<KinesisStreamRecord[]> {
  let pending: RecordSpec[] = [];
  let next = 0;
  for (const generated of stream.events) {
    if (cut.placeOf(generated) !== 'preload') continue;
    pending.push(recordSpecOf(generated.event));
    if (pending.length === size) {
      yield kinesisRecords(pending, next);
      next += pending.length;
      pending = [];
    }
  }
  if (pending.length > 0) yield kinesisRecords(pending, next);
}

export function buildWorkload(spec: BenchWorkloadSpec, seed: number, batchSize: number): Workload {
  const stream = workloadStream(requestOf(spec, seed));
  const cut =
    spec.slice === undefined ||
    spec.slice.measuredMinutes >= (trafficMinutesOf(spec) ?? Number.POSITIVE_INFINITY)
      ? everything
      : sliceCut(stream, spec.slice);
  let preloadedEvents = 0;
  let failedRunsMeasured = 0;
  const measuredSpecs: RecordSpec[] = [];
  const failedRunsPerBatch: number[] = [];
  for (const generated of stream.events) {
    const place = cut.placeOf(generated);
    if (place === 'preload') preloadedEvents += 1;
    if (place !== 'measure') continue;
    measuredSpecs.push(recordSpecOf(generated.event));
    if (isFailedRun(generated)) {
      failedRunsMeasured += 1;
      const batch = Math.floor((measuredSpecs.length - 1) / batchSize);
      failedRunsPerBatch[batch] = (failedRunsPerBatch[batch] ?? 0) + 1;
    }
  }
  // Measured records come after the preload on the shard, as they would have arrived.
  const records = kinesisRecords(measuredSpecs, preloadedEvents);
  const batches = chunk(records, batchSize);
  const payloadBytes = records.reduce(
    (sum, record) => sum + Math.floor((record.kinesis.data.length * 3) / 4),
    0,
  );
  const stateMachines = stream.stateMachineArns.length;
  return {
    profile: spec.profile,
    generated: generatedText(spec, seed, stateMachines),
    measured: `${cut.describe(preloadedEvents, records.length, batches.length, batchSize)}; ${failedRunsMeasured} FAILED run(s) in it`,
    stateMachines,
    preloadedEvents,
    preloadBatches: (size) => ({ [Symbol.iterator]: () => preloadOf(stream, cut, size) }),
    records,
    batches,
    payloadBytes,
    failedRunsMeasured,
    failedRunsPerBatch: batches.map((_, index) => failedRunsPerBatch[index] ?? 0),
    stateMachinesPerBatch: meanStateMachinesPerBatch(batches),
  };
}
