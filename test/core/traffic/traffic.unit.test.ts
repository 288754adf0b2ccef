import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Signal } from '../../../src/core/signals/types.ts';
import {
  EMPTY_TRAFFIC,
  foldTraffic,
  MINUTE_MS,
  minuteOf,
  type TrafficHour,
  type TrafficPolicy,
  type TrafficState,
  trafficView,
  withHistory,
} from '../../../src/core/traffic/traffic.ts';
import { execution, minutes } from '../../builders/signals.ts';

const POLICY: TrafficPolicy = {
  allowedLatenessMs: 10 * MINUTE_MS,
  horizonMs: 24 * 60 * MINUTE_MS,
  keepOnStateMs: Number.POSITIVE_INFINITY,
  archiveAtMinutes: 1,
  rememberedSignals: 4_096,
};

const foldAll = (batches: readonly (readonly Signal[])[], policy = POLICY): TrafficState =>
  batches.reduce((state, batch) => foldTraffic(state, batch, policy).state, EMPTY_TRAFFIC);

const ok = (id: string, atMs: number) => execution(id, atMs, 'SUCCEEDED');
const started = (id: string, atMs: number) => execution(`${id}-start`, atMs, 'RUNNING');

describe('folding healthy runs into per-minute summaries', () => {
  it('counts started and succeeded runs per minute, keeping the first and last success', () => {
    // Given two minutes of traffic, when it is folded, then each minute has its counts and edges.
    const state = foldAll([
      [started('a', minutes(0) + 1_000), ok('a', minutes(0) + 5_000), ok('b', minutes(0) + 40_000)],
      [started('c', minutes(1) + 2_000)],
    ]);
    expect(state.minutes).toEqual([
      [minuteOf(minutes(0)), 1, 2, 5_000, 40_000],
      [minuteOf(minutes(1)), 1, 0, -1, -1],
    ]);
    expect(state.watermarkMs).toBe(minutes(1) + 2_000);
  });

  it('recognizes a redelivered run by its id and does not count it twice', () => {
    const run = ok('a', minutes(0));
    const first = foldTraffic(EMPTY_TRAFFIC, [run], POLICY);
    const again = foldTraffic(first.state, [run], POLICY);
    expect(again).toMatchObject({ duplicates: 1, late: 0, changed: false });
    expect(again.state).toEqual(first.state);
  });

  it("remembers 32 bits of a signal's body digest, and still knows the 48 bits an earlier engine kept", () => {
    const digest = 'a1b2c3d4e5f60718293a4b5c';
    const run = { ...ok('a', minutes(0)), signalId: `evt-1#${digest}` };
    const folded = foldTraffic(EMPTY_TRAFFIC, [run], POLICY);
    expect(folded.state.seen).toEqual([[minuteOf(minutes(0)), [digest.slice(0, 8)]]]);
    // Given a summary written before, holding the 48-bit form, when the signal is redelivered,
    // then it is a duplicate, not a second run.
    const before: TrafficState = {
      ...folded.state,
      seen: [[minuteOf(minutes(0)), [digest.slice(0, 12)]]],
    };
    expect(foldTraffic(before, [run], POLICY)).toMatchObject({ duplicates: 1, folded: [], changed: false });
    // A different body in the same minute is a different run, whatever its event id.
    const other = { ...ok('b', minutes(0)), signalId: `evt-1#b1b2c3d4e5f60718293a4b5c` };
    expect(foldTraffic(folded.state, [other], POLICY).folded).toEqual([other]);
  });

  it('counts a run later than the allowed lateness as late and folds nothing of it', () => {
    // Given a watermark 30 minutes past an old minute, when a run of that minute arrives, then it is late.
    const before = foldAll([[ok('now', minutes(30))]]);
    const late = foldTraffic(before, [ok('old', minutes(5))], POLICY);
    expect(late).toMatchObject({ late: 1, folded: [] });
    expect(late.state.minutes).toEqual(before.minutes);
    expect(late.state.late).toBe(1);
  });

  it('folds a run within the allowed lateness, whatever arrived after it', () => {
    const before = foldAll([[ok('now', minutes(30))]]);
    const inTime = foldTraffic(before, [ok('recent', minutes(22))], POLICY);
    expect(inTime).toMatchObject({ late: 0, duplicates: 0 });
    expect(inTime.folded).toHaveLength(1);
  });

  it('is the same summary for any order, duplicates and batching within the lateness (property)', () => {
    const runs = Array.from({ length: 60 }, (_, index) =>
      index % 3 === 0 ? started(`r${index}`, minutes(index / 10)) : ok(`r${index}`, minutes(index / 10)),
    );
    const expected = foldAll([runs]);
    fc.assert(
      fc.property(
        fc.shuffledSubarray(runs, { minLength: runs.length, maxLength: runs.length }),
        fc.array(fc.nat({ max: runs.length - 1 }), { maxLength: 20 }),
        fc.array(fc.integer({ min: 1, max: 15 }), { minLength: 1, maxLength: 10 }),
        (shuffled, copies, sizes) => {
          const delivered = [...shuffled, ...copies.map((index) => shuffled[index] as Signal)];
          const batches: Signal[][] = [];
          for (let start = 0, turn = 0; start < delivered.length; turn++) {
            const size = sizes[turn % sizes.length] ?? 1;
            batches.push(delivered.slice(start, start + size));
            start += size;
          }
          const state = foldAll(batches);
          expect(state.minutes).toEqual(expected.minutes);
          expect(state.watermarkMs).toBe(expected.watermarkMs);
          expect(state.late).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('stays bounded at a busy rate: remembered ids never pass the limit by more than a minute of runs', () => {
    // Given 2 runs a second for six hours and a day's lateness, then the state remembers at most the
    // limit (plus the newest minute) and keeps one summary per minute of the horizon.
    const policy: TrafficPolicy = {
      ...POLICY,
      allowedLatenessMs: 24 * 60 * MINUTE_MS,
      rememberedSignals: 1_000,
    };
    let state = EMPTY_TRAFFIC;
    let largest = 0;
    for (let minute = 0; minute < 6 * 60; minute++) {
      const batch = Array.from({ length: 120 }, (_, index) =>
        ok(`m${minute}-${index}`, minutes(minute) + index * 500),
      );
      state = foldTraffic(state, batch, policy).state;
      largest = Math.max(
        largest,
        state.seen.reduce((sum, [, ids]) => sum + ids.length, 0),
      );
    }
    expect(largest).toBeLessThanOrEqual(1_000 + 120);
    expect(state.minutes).toHaveLength(6 * 60);
    expect(state.openFromMinute).toBeGreaterThan(minuteOf(minutes(6 * 60 - 10)));
  });

  it('drops minutes older than the horizon', () => {
    const policy = { ...POLICY, horizonMs: 60 * MINUTE_MS };
    const state = foldAll([[ok('old', minutes(0))], [ok('new', minutes(90))]], policy);
    expect(state.minutes.map(([minute]) => minute)).toEqual([minuteOf(minutes(90))]);
  });
});

describe('moving closed hours to the traffic history', () => {
  const ARCHIVING: TrafficPolicy = { ...POLICY, keepOnStateMs: 70 * MINUTE_MS };
  /** A run started and succeeded every `everyMs`, for `hours`, as seconds-apart signals. */
  const steady = (hours: number, everyMs: number) =>
    Array.from({ length: Math.floor((hours * 60 * MINUTE_MS) / everyMs) }, (_, index) => [
      started(`r${index}`, minutes(0) + index * everyMs),
      ok(`r${index}`, minutes(0) + index * everyMs + 7_000),
    ]).flat();

  it('moves each whole closed hour off the state once, and the history restores the whole summary', () => {
    // Given five hours of steady traffic folded in batches with a finite lateness, when closed hours
    // move to the history, then the state keeps only its last hours, each hour moved exactly once,
    // and the state with its history reads exactly as the summary that kept every minute.
    const signals = steady(5, 20_000);
    const batches = Array.from({ length: Math.ceil(signals.length / 97) }, (_, index) =>
      signals.slice(index * 97, index * 97 + 97),
    );
    let state = EMPTY_TRAFFIC;
    const archived: TrafficHour[] = [];
    for (const batch of batches) {
      const fold = foldTraffic(state, batch, ARCHIVING);
      archived.push(...fold.archived);
      state = fold.state;
    }
    const whole = foldAll(batches);
    const hours = archived.map(({ hour }) => hour);
    expect(new Set(hours).size).toBe(hours.length);
    expect(hours.length).toBeGreaterThanOrEqual(3);
    expect(state.minutes.length).toBeLessThan(whole.minutes.length);
    expect(state.minutes.length).toBeLessThanOrEqual(3 * 60);
    expect(state.historyBeforeMinute).toBe(state.minutes[0]?.[0]);
    const restored = withHistory(
      state,
      archived.flatMap(({ minutes: kept }) => kept),
      ARCHIVING.horizonMs,
    );
    expect(restored.minutes).toEqual(whole.minutes);
  });

  it('moves hours only once they hold as many minutes as the policy says, and then all that are due', () => {
    // Given a run a minute and hours moving at 180 minutes, when two hours are due, nothing moves;
    // when three are, all three do.
    const policy: TrafficPolicy = { ...ARCHIVING, archiveAtMinutes: 180 };
    const early = foldTraffic(EMPTY_TRAFFIC, steady(3.5, 60_000), policy);
    expect(early.archived).toEqual([]);
    expect(early.state.minutes).toHaveLength(foldAll([steady(3.5, 60_000)]).minutes.length);
    const later = foldTraffic(early.state, steady(5, 60_000).slice(early.state.minutes.length * 2), policy);
    expect(later.archived.map(({ hour }) => hour)).toHaveLength(3);
    expect(later.state.historyBeforeMinute).toBe(later.state.minutes[0]?.[0]);
  });

  it("leaves a quiet scope's few minutes on the state, where moving them would cost more than it saves", () => {
    // Given hours moving at an hour of minutes, when five hours of a run every 12 minutes are folded,
    // then nothing moves; when a run a minute is, the closed hours do.
    const policy: TrafficPolicy = { ...ARCHIVING, archiveAtMinutes: 60 };
    const quiet = foldTraffic(EMPTY_TRAFFIC, steady(5, 12 * MINUTE_MS), policy);
    expect(quiet.archived).toEqual([]);
    expect(quiet.state.minutes).toHaveLength(25);
    const busy = foldTraffic(EMPTY_TRAFFIC, steady(5, MINUTE_MS), policy);
    expect(busy.archived.length).toBeGreaterThanOrEqual(3);
  });

  it('never moves an open minute, whatever the lateness', () => {
    // Given a day's lateness, when an hour of traffic is folded, then nothing is closed, so nothing moves.
    const policy: TrafficPolicy = { ...ARCHIVING, allowedLatenessMs: 24 * 60 * MINUTE_MS };
    const fold = foldTraffic(EMPTY_TRAFFIC, steady(4, 60_000), policy);
    expect(fold.archived).toEqual([]);
    expect(fold.state.historyBeforeMinute).toBeUndefined();
  });

  it('keeps the history to the horizon when reading it back', () => {
    // Given history older than the horizon, when it is read back, then the state's horizon cuts it.
    const state = foldAll([[ok('now', minutes(600))]], { ...POLICY, horizonMs: 120 * MINUTE_MS });
    const history: TrafficState['minutes'] = [
      [minuteOf(minutes(100)), 3, 3, 0, 0],
      [minuteOf(minutes(500)), 2, 2, 0, 0],
    ];
    expect(withHistory(state, history, 120 * MINUTE_MS).minutes.map(([minute]) => minute)).toEqual([
      minuteOf(minutes(500)),
      minuteOf(minutes(600)),
    ]);
  });
});

describe('reading the summary', () => {
  const view = trafficView(
    foldAll([[ok('a', minutes(0) + 10_000), ok('b', minutes(0) + 50_000), ok('c', minutes(3) + 7_000)]]),
  );

  it('gives the exact first success after a moment before a minute’s first success', () => {
    expect(view.firstSuccessAfter(minutes(0) + 5_000)).toBe(minutes(0) + 10_000);
    expect(view.firstSuccessAfter(minutes(1))).toBe(minutes(3) + 7_000);
  });

  it('gives that minute’s last success when a success came earlier in the same minute (at most a minute late)', () => {
    // The true first success after 0:20 is 0:50, the last of its minute: here the bound is exact.
    expect(view.firstSuccessAfter(minutes(0) + 20_000)).toBe(minutes(0) + 50_000);
  });

  it('has nothing after the last success', () => {
    expect(view.firstSuccessAfter(minutes(3) + 7_000)).toBeUndefined();
  });

  it('counts runs in whole minutes', () => {
    expect(view.runsBetween(minutes(0) + 30_000, minutes(2))).toEqual({ started: 0, succeeded: 2 });
    expect(view.runsBetween(minutes(0), minutes(3) + 1)).toEqual({ started: 0, succeeded: 3 });
  });
});
