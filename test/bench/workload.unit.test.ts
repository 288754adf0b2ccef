import { describe, expect, it } from 'vitest';
import { buildWorkload } from '../../bench/workload.ts';

/**
 * The benchmark's workloads: a slice is measured against the history before it, so the preload
 * and the measured records must together be the stream in order, and the slice must hold the
 * outage it is meant to measure.
 */

const failedIn = (records: readonly { kinesis: { data: string } }[]) =>
  records.filter((record) =>
    Buffer.from(record.kinesis.data, 'base64').toString('utf8').includes('"status":"FAILED"'),
  ).length;

describe('bench workloads', () => {
  it('measures all of the mix and fleet, in batches of the asked size', () => {
    const mix = buildWorkload({ profile: 'mix', events: 1_200 }, 42, 500);
    expect(mix.records).toHaveLength(1_200);
    expect(mix.batches.map((batch) => batch.length)).toEqual([500, 500, 200]);
    expect(mix.preloadedEvents).toBe(0);
    expect(mix.measured).toBe(
      `all 1,200 events in 3 batches of 500; ${mix.failedRunsMeasured} FAILED run(s) in it`,
    );

    const fleet = buildWorkload({ profile: 'fleet', stateMachines: 120, minutes: 10 }, 42, 500);
    expect(fleet.stateMachines).toBe(120);
    expect(fleet.failedRunsMeasured).toBe(40);
    expect(fleet.stateMachinesPerBatch).toBeGreaterThan(60);
  });

  it('measures a busy slice from just before the last outage, after preloading set-up and the time before it', () => {
    const busy = buildWorkload(
      {
        profile: 'busy',
        hours: 2,
        slice: { from: 'last-outage', measuredMinutes: 10, preloadedMinutes: 20 },
      },
      42,
      500,
    );
    expect(busy.failedRunsMeasured).toBe(20);
    expect(failedIn(busy.records)).toBe(20);
    expect(busy.failedRunsPerBatch).toEqual(busy.batches.map(failedIn));
    // 10 minutes at 2 runs/s, two events a run, plus the outage's failures and alarms.
    expect(busy.records.length).toBeGreaterThan(2_350);
    expect(busy.records.length).toBeLessThan(2_500);
    const preload = [...busy.preloadBatches(1_000)].flat();
    expect(preload).toHaveLength(busy.preloadedEvents);
    // Set-up (6 events) and 20 minutes of traffic.
    expect(busy.preloadedEvents).toBeGreaterThan(4_700);
    expect(busy.preloadedEvents).toBeLessThan(4_900);
    const sequence = [...preload, ...busy.records].map((record) => BigInt(record.kinesis.sequenceNumber));
    expect(sequence.every((value, index) => index === 0 || value > (sequence[index - 1] ?? 0n))).toBe(true);
    expect(busy.measured).toMatch(
      /^\d\d:\d\d–\d\d:\d\d of the traffic \(10 min, from a minute before its last outage\): [\d,]+ events in \d+ batches of 500, after preloading set-up \+ \d\d:\d\d–\d\d:\d\d \([\d,]+ events, untimed\); traffic before \d\d:\d\d and after \d\d:\d\d left out; 20 FAILED run\(s\) in it$/,
    );
  });

  it('measures the whole busy day when the slice is as long', () => {
    const busy = buildWorkload(
      { profile: 'busy', hours: 1, slice: { from: 'last-outage', measuredMinutes: 60 } },
      42,
      500,
    );
    expect(busy.preloadedEvents).toBe(0);
    expect(busy.measured).toMatch(/^all [\d,]+ events in \d+ batches of 500; 20 FAILED run\(s\) in it$/);
  });

  it('measures the first minutes of the traffic from its start, after the set-up only', () => {
    const busy = buildWorkload(
      { profile: 'busy', hours: 2, slice: { from: 'start', measuredMinutes: 30 } },
      42,
      500,
    );
    // Set-up only: 6 events.
    expect(busy.preloadedEvents).toBeLessThan(20);
    expect([...busy.preloadBatches(1_000)].flat()).toHaveLength(busy.preloadedEvents);
    // 30 minutes at 2 runs/s, two events a run.
    expect(busy.records.length).toBeGreaterThan(7_000);
    expect(busy.records.length).toBeLessThan(7_400);
    expect(busy.measured).toMatch(
      /^00:00–00:30 of the traffic \(30 min, from its start\): [\d,]+ events in \d+ batches of 500, after preloading set-up only \(\d+ events, untimed\); traffic after 00:30 left out; \d+ FAILED run\(s\) in it$/,
    );
  });
});
