import { z } from 'zod';
import { isHealthyRun } from '../signals/run-status.ts';
import type { Signal } from '../signals/types.ts';

/**
 * A scope's healthy traffic (RUNNING and SUCCEEDED runs), folded into per-minute summaries instead of
 * one stored item per signal per subject (docs/architecture.md, "Healthy traffic"). Everything in it
 * merges by set union, max or min, so the summary of a set of signals does not depend on their
 * order, their duplicates or how they were batched — for every signal that arrives within the
 * allowed lateness. It is bounded whatever the lateness is set to: the horizon bounds the minutes,
 * `rememberedSignals` bounds the ids kept to recognize redeliveries.
 */

export const MINUTE_MS = 60_000;

/** Epoch minute of an event time: the summaries' unit of time. */
export const minuteOf = (ms: number): number => Math.floor(ms / MINUTE_MS);

const count = z.number().int().nonnegative();
/** Milliseconds into the minute, or -1 for "no success in this minute". */
const offset = z
  .number()
  .int()
  .min(-1)
  .max(MINUTE_MS - 1);

/**
 * `[minute, started, succeeded, firstSuccessOffset, lastSuccessOffset]`: a tuple, not an object,
 * because the state is written once per batch and every byte of it costs write capacity.
 */
export const trafficMinuteSchema = z.tuple([z.number().int(), count, count, offset, offset]);

export const trafficStateSchema = z.object({
  format: z.literal(1),
  /** The newest event time of any signal the scope has seen: the scope's event-time watermark. */
  watermarkMs: z.number().nullable(),
  /** Healthy signals of earlier minutes are late: counted, not folded (null: nothing seen yet). */
  openFromMinute: z.number().int().nullable(),
  /** Minutes with traffic inside the horizon, oldest first. */
  minutes: z.array(trafficMinuteSchema),
  /** `[minute, ids]` of the healthy signals folded in each open minute, to recognize redeliveries. */
  seen: z.array(z.tuple([z.number().int(), z.array(z.string())])),
  /** Healthy signals that arrived after their minute had closed. */
  late: count,
  /**
   * Minutes before this one were moved to the scope's traffic history (whole closed hours, see
   * `TrafficHour`); absent or null: none were. Lets a reader skip the history read when it is empty.
   */
  historyBeforeMinute: z.number().int().nullable().optional(),
});

export type TrafficState = z.infer<typeof trafficStateSchema>;
export type TrafficMinute = z.infer<typeof trafficMinuteSchema>;

export const EMPTY_TRAFFIC: TrafficState = {
  format: 1,
  watermarkMs: null,
  openFromMinute: null,
  minutes: [],
  seen: [],
  late: 0,
};

export const HOUR_MINUTES = 60;

/**
 * The minutes of one closed hour, moved off the scope's state into its traffic history
 * (docs/architecture.md, "Traffic history"). Closed minutes never change again (a healthy run that
 * arrives for one is late: counted, not folded), so an hour is written once and is final.
 */
export interface TrafficHour {
  /** Epoch hour: `minute / 60`, rounded down. */
  readonly hour: number;
  readonly minutes: readonly TrafficMinute[];
}

export interface TrafficPolicy {
  /** How far behind the watermark a healthy signal may arrive and still be folded in. */
  readonly allowedLatenessMs: number;
  /** Minutes older than this behind the watermark are dropped. */
  readonly horizonMs: number;
  /**
   * Closed hours older than this behind the watermark move from the state to the history, so the
   * state a batch reads stays the same size whatever the horizon holds. Infinite keeps them all.
   */
  readonly keepOnStateMs: number;
  /**
   * Closed hours move only once together they hold at least this many minutes with traffic:
   * moving them makes the commit a transaction, which bills the STATE item twice, and is worth it
   * only when the minutes it takes off are many (a busy hour), not a quiet scope's few.
   */
  readonly archiveAtMinutes: number;
  /**
   * At most this many ids are remembered. Past it the oldest open minutes close early: the state
   * stays bounded and a redelivery is still never counted twice, only treated as late sooner.
   */
  readonly rememberedSignals: number;
}

export interface TrafficFold {
  readonly state: TrafficState;
  /** Whole closed hours this fold moved off the state: to be written with it, in the same commit. */
  readonly archived: readonly TrafficHour[];
  /** Healthy signals added to the summaries. */
  readonly folded: readonly Signal[];
  readonly duplicates: number;
  readonly late: number;
  /** Whether anything stored changed (a write is needed). */
  readonly changed: boolean;
}

/**
 * Folds a batch's signals of one scope into its traffic summary. Every signal moves the watermark;
 * healthy runs are counted in their minute unless their id was already folded (a redelivery) or
 * their minute had closed before this batch (late). Lateness is judged against the watermark the
 * batch found, so a batch that carries its own backlog is folded whole.
 */
export function foldTraffic(
  before: TrafficState,
  signals: readonly Signal[],
  policy: TrafficPolicy,
): TrafficFold {
  let watermarkMs = before.watermarkMs;
  for (const signal of signals)
    if (watermarkMs === null || signal.eventTimeMs > watermarkMs) watermarkMs = signal.eventTimeMs;
  if (watermarkMs === null)
    return { state: before, archived: [], folded: [], duplicates: 0, late: 0, changed: false };

  const minutes = new Map(before.minutes.map((entry) => [entry[0], [...entry] as TrafficMinute]));
  const seen = new Map(before.seen.map(([minute, ids]) => [minute, new Set(ids)]));
  const folded: Signal[] = [];
  let duplicates = 0;
  let late = 0;
  for (const signal of signals) {
    if (!isHealthyRun(signal)) continue;
    const minute = minuteOf(signal.eventTimeMs);
    if (before.openFromMinute !== null && minute < before.openFromMinute) {
      late++;
      continue;
    }
    const ids = seen.get(minute) ?? new Set<string>();
    const id = rememberedId(signal);
    if (ids.has(id) || ids.has(rememberedIdBefore(signal))) {
      duplicates++;
      continue;
    }
    ids.add(id);
    seen.set(minute, ids);
    minutes.set(minute, addRun(minutes.get(minute), minute, signal));
    folded.push(signal);
  }

  const openFromMinute = closeMinutes(
    seen,
    Math.max(
      before.openFromMinute ?? Number.NEGATIVE_INFINITY,
      minuteOf(watermarkMs - policy.allowedLatenessMs),
    ),
    policy.rememberedSignals,
  );
  const oldestKept = minuteOf(watermarkMs - policy.horizonMs);
  const kept = [...minutes.values()].filter(([minute]) => minute >= oldestKept).sort((a, b) => a[0] - b[0]);
  // The boundary only moves forward (the open minutes and the watermark do), so an hour moves once.
  const due = archiveBoundary(openFromMinute, watermarkMs, policy);
  const eligible = hoursOf(kept.filter(([minute]) => minute < due));
  const eligibleMinutes = eligible.reduce((sum, hour) => sum + hour.minutes.length, 0);
  const boundary =
    eligible.length > 0 && eligibleMinutes >= policy.archiveAtMinutes ? due : Number.NEGATIVE_INFINITY;
  const archived = Number.isFinite(boundary) ? eligible : [];
  const historyBefore =
    archived.length > 0
      ? Math.max(boundary, before.historyBeforeMinute ?? Number.NEGATIVE_INFINITY)
      : (before.historyBeforeMinute ?? Number.NEGATIVE_INFINITY);
  const state: TrafficState = {
    format: 1,
    watermarkMs,
    openFromMinute,
    minutes: kept.filter(([minute]) => minute >= boundary),
    seen: [...seen.entries()]
      .filter(([minute]) => openFromMinute === null || minute >= openFromMinute)
      .sort((a, b) => a[0] - b[0])
      .map(([minute, ids]) => [minute, [...ids].sort()]),
    late: before.late + late,
    ...(Number.isFinite(historyBefore) ? { historyBeforeMinute: historyBefore } : {}),
  };
  // Closing, pruning and archiving follow the watermark: with it unchanged and nothing folded or
  // late, the state is as it was.
  const changed = folded.length > 0 || late > 0 || state.watermarkMs !== before.watermarkMs;
  return { state, archived, folded, duplicates, late, changed };
}

/**
 * The first minute that stays on the state: the start of the hour `keepOnStateMs` behind the
 * watermark, but never past the open minutes (only whole, closed hours move).
 */
function archiveBoundary(openFromMinute: number | null, watermarkMs: number, policy: TrafficPolicy): number {
  if (openFromMinute === null || !Number.isFinite(policy.keepOnStateMs)) return Number.NEGATIVE_INFINITY;
  const hourStart = (minute: number) => Math.floor(minute / HOUR_MINUTES) * HOUR_MINUTES;
  return Math.min(hourStart(openFromMinute), hourStart(minuteOf(watermarkMs - policy.keepOnStateMs)));
}

function hoursOf(minutes: readonly TrafficMinute[]): TrafficHour[] {
  const hours = new Map<number, TrafficMinute[]>();
  for (const entry of minutes) {
    const hour = Math.floor(entry[0] / HOUR_MINUTES);
    const list = hours.get(hour);
    if (list === undefined) hours.set(hour, [entry]);
    else list.push(entry);
  }
  return [...hours].map(([hour, list]) => ({ hour, minutes: list }));
}

/**
 * The summary as the horizon holds it: the state's minutes with the history's older ones (read
 * back for a derivation) in front, cut where the state itself would have dropped them.
 */
export function withHistory(
  state: TrafficState,
  history: readonly TrafficMinute[],
  horizonMs: number,
): TrafficState {
  if (history.length === 0 || state.watermarkMs === null) return state;
  const oldestKept = minuteOf(state.watermarkMs - horizonMs);
  const onState = new Set(state.minutes.map(([minute]) => minute));
  const older = history.filter(([minute]) => minute >= oldestKept && !onState.has(minute));
  return { ...state, minutes: [...older, ...state.minutes].sort((a, b) => a[0] - b[0]) };
}

/**
 * The minute from which signals stay open: at least `floor`, later if the ids of the open minutes
 * would pass `limit` (the newest minute always stays open).
 */
function closeMinutes(
  seen: ReadonlyMap<number, ReadonlySet<string>>,
  floor: number,
  limit: number,
): number | null {
  const open = [...seen.entries()].filter(([minute]) => minute >= floor).sort((a, b) => b[0] - a[0]);
  let remembered = 0;
  let from = floor;
  for (const [index, [minute, ids]] of open.entries()) {
    remembered += ids.size;
    if (remembered > limit && index > 0) {
      from = minute + 1;
      break;
    }
  }
  // An unbounded lateness (offline correlation) closes nothing until the limit does.
  return Number.isFinite(from) ? from : null;
}

function addRun(known: TrafficMinute | undefined, minute: number, signal: Signal): TrafficMinute {
  const entry: TrafficMinute = known ?? [minute, 0, 0, -1, -1];
  if (signal.kind !== 'execution') return entry;
  if (signal.status === 'RUNNING') return [minute, entry[1] + 1, entry[2], entry[3], entry[4]];
  const at = signal.eventTimeMs - minute * MINUTE_MS;
  return [
    minute,
    entry[1],
    entry[2] + 1,
    entry[3] === -1 ? at : Math.min(entry[3], at),
    Math.max(entry[4], at),
  ];
}

/**
 * What is remembered of a folded signal: 32 bits of the body digest of its id. The ids are most of
 * a quiet scope's STATE item, which is written with nearly every batch and billed by the kilobyte
 * (docs/architecture.md, "What a batch costs"), and random bits do not compress. Ids are compared
 * within one minute of one scope only, so a false match needs two different healthy signals of a
 * scope in the same minute sharing 32 bits: about n²/2^33 a minute with n signals in it, one
 * healthy run uncounted (a count one short, a resolution no earlier) in about 100 days of a state
 * machine at 2 runs a second.
 */
function rememberedId(signal: Signal): string {
  return digestOf(signal, 8);
}

/**
 * The 48 bits engines before kept: a summary written by one still holds them for its open minutes,
 * so a redelivery of a signal it folded is recognized across the upgrade.
 */
function rememberedIdBefore(signal: Signal): string {
  return digestOf(signal, 12);
}

function digestOf(signal: Signal, hexChars: number): string {
  const hash = signal.signalId.lastIndexOf('#');
  // Ids built by hand (tests, tools) may have no digest: then the whole id is what is remembered.
  return hash === -1 ? signal.signalId : signal.signalId.slice(hash + 1, hash + 1 + hexChars);
}

/** Healthy traffic as incidents ask about it. `runsBetween` counts whole minutes (see below). */
export interface HealthyTraffic {
  readonly watermarkMs: number | undefined;
  /**
   * The first success after `afterMs`, to the minute: exact unless a success came before `afterMs`
   * in the same minute, in which case it is that minute's last success (at most a minute late).
   */
  firstSuccessAfter(afterMs: number): number | undefined;
  /** Runs started and succeeded in the minutes from `fromMs`'s to `toMs`'s, both included. */
  runsBetween(fromMs: number, toMs: number): { readonly started: number; readonly succeeded: number };
}

export function trafficView(state: TrafficState): HealthyTraffic {
  const minutes = state.minutes;
  const firstFrom = (minute: number): number => {
    let low = 0;
    let high = minutes.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((minutes[mid]?.[0] ?? Number.POSITIVE_INFINITY) < minute) low = mid + 1;
      else high = mid;
    }
    return low;
  };
  return {
    watermarkMs: state.watermarkMs ?? undefined,
    firstSuccessAfter(afterMs) {
      const minute = minuteOf(afterMs);
      for (let index = firstFrom(minute); index < minutes.length; index++) {
        const entry = minutes[index];
        if (entry === undefined || entry[2] === 0) continue;
        const base = entry[0] * MINUTE_MS;
        const first = base + entry[3];
        const last = base + entry[4];
        if (first > afterMs) return first;
        if (last > afterMs) return last;
      }
      return undefined;
    },
    runsBetween(fromMs, toMs) {
      let started = 0;
      let succeeded = 0;
      const last = minuteOf(toMs);
      for (let index = firstFrom(minuteOf(fromMs)); index < minutes.length; index++) {
        const entry = minutes[index];
        if (entry === undefined || entry[0] > last) break;
        started += entry[1];
        succeeded += entry[2];
      }
      return { started, succeeded };
    },
  };
}

/** The summary of a complete set of signals, with nothing late and nothing forgotten (for tests and tools). */
export function summarizeTraffic(signals: readonly Signal[]): HealthyTraffic {
  const unbounded = {
    allowedLatenessMs: Number.POSITIVE_INFINITY,
    horizonMs: Number.POSITIVE_INFINITY,
    keepOnStateMs: Number.POSITIVE_INFINITY,
    archiveAtMinutes: 1,
    rememberedSignals: Number.POSITIVE_INFINITY,
  };
  return trafficView(foldTraffic(EMPTY_TRAFFIC, signals, unbounded).state);
}
