import { perSecond, round } from './stats.ts';

/**
 * First tenth against last tenth of the measured batches: the bench's test of "flat". A consumer
 * whose per-batch cost grows with the history it has seen is slower, and reads more, at the end
 * of a run than at its start; one whose cost is flat is not. A tenth is at least one batch.
 */

/** What one measured batch took. */
export interface BatchSample {
  readonly events: number;
  readonly ms: number;
}

export interface TenthThroughput {
  /** Events over the whole measured run, divided by the time spent in batches. */
  readonly eventsPerSecond: number;
  readonly firstTenthEventsPerSecond: number;
  readonly lastTenthEventsPerSecond: number;
  /** last / first: the target is ≥ 0.8 (≤ 25 % slower at the end). */
  readonly lastOverFirst: number;
  readonly batchesPerTenth: number;
}

/**
 * The batches the tenths compare: all but a trailing partial one (the run's remainder, fewer events
 * than the first batch). A batch has fixed costs (the topology version, the bulk read), so a short
 * last batch reads as slower per event and as reading less per batch, whatever the history did.
 */
export function comparableBatches<T>(batches: readonly T[], eventsOf: (batch: T) => number): T[] {
  const [first] = batches;
  const last = batches.at(-1);
  if (batches.length < 2 || first === undefined || last === undefined) return [...batches];
  return eventsOf(last) < eventsOf(first) ? batches.slice(0, -1) : [...batches];
}

export function batchesPerTenth(batches: number): number {
  return Math.max(1, Math.floor(batches / 10));
}

/** The first and the last tenth of `values` (they overlap when there are fewer than two tenths). */
export function tenthsOf<T>(values: readonly T[]): { readonly first: T[]; readonly last: T[] } {
  const size = batchesPerTenth(values.length);
  return { first: values.slice(0, size), last: values.slice(-size) };
}

function sum<T>(values: readonly T[], of: (value: T) => number): number {
  return values.reduce((total, value) => total + of(value), 0);
}

function rateOf(samples: readonly BatchSample[]): number {
  return perSecond(
    sum(samples, (sample) => sample.events),
    sum(samples, (sample) => sample.ms),
  );
}

export function tenthThroughput(samples: readonly BatchSample[]): TenthThroughput {
  const { first, last } = tenthsOf(samples);
  const firstRate = rateOf(first);
  const lastRate = rateOf(last);
  return {
    eventsPerSecond: round(rateOf(samples), 0),
    firstTenthEventsPerSecond: round(firstRate, 0),
    lastTenthEventsPerSecond: round(lastRate, 0),
    lastOverFirst: round(lastRate / firstRate, 3),
    batchesPerTenth: batchesPerTenth(samples.length),
  };
}

export interface TenthMeans {
  readonly meanPerBatch: number;
  readonly firstTenthPerBatch: number;
  readonly lastTenthPerBatch: number;
  /** last / first; NaN (null in the JSON) when the first tenth read nothing. */
  readonly lastOverFirst: number;
  readonly maxPerBatch: number;
}

/** Mean of a per-batch amount (bytes read, read units) over the first and the last tenth. */
export function tenthMeans(perBatch: readonly number[], digits = 0): TenthMeans {
  const { first, last } = tenthsOf(perBatch);
  const mean = (values: readonly number[]) =>
    values.length === 0 ? Number.NaN : sum(values, (value) => value) / values.length;
  const firstMean = mean(first);
  const lastMean = mean(last);
  return {
    meanPerBatch: round(mean(perBatch), digits),
    firstTenthPerBatch: round(firstMean, digits),
    lastTenthPerBatch: round(lastMean, digits),
    lastOverFirst: firstMean > 0 ? round(lastMean / firstMean, 3) : Number.NaN,
    maxPerBatch: perBatch.length === 0 ? Number.NaN : round(Math.max(...perBatch), digits),
  };
}
