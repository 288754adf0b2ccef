import { describe, expect, it } from 'vitest';
import { batchesPerTenth, comparableBatches, tenthMeans, tenthThroughput } from '../../bench/tenths.ts';

/** The bench's "flat" figures: the first tenth of the batches against the last. */

describe('bench tenths', () => {
  it('takes a tenth of the batches, at least one', () => {
    expect(batchesPerTenth(100)).toBe(10);
    expect(batchesPerTenth(29)).toBe(2);
    expect(batchesPerTenth(3)).toBe(1);
  });

  it('compares whole batches: a trailing partial batch (the remainder) is left out, nothing else', () => {
    const batch = (events: number) => ({ events, ms: 100 });
    const of = (sample: { events: number }) => sample.events;
    expect(comparableBatches([batch(500), batch(500), batch(172)], of)).toEqual([batch(500), batch(500)]);
    expect(comparableBatches([batch(500), batch(500), batch(500)], of)).toHaveLength(3);
    expect(comparableBatches([batch(172)], of)).toEqual([batch(172)]);
    expect(comparableBatches([batch(500), batch(172), batch(500)], of)).toHaveLength(3);
    expect(comparableBatches([], of)).toEqual([]);
  });

  it('gives events/s over the first and the last tenth and their ratio', () => {
    // 20 batches of 500 events: the first two take 100 ms each, the last two 200 ms.
    const samples = Array.from({ length: 20 }, (_, index) => ({
      events: 500,
      ms: index < 2 ? 100 : index >= 18 ? 200 : 150,
    }));
    expect(tenthThroughput(samples)).toEqual({
      eventsPerSecond: Math.round((20 * 500 * 1000) / (2 * 100 + 2 * 200 + 16 * 150)),
      firstTenthEventsPerSecond: 5_000,
      lastTenthEventsPerSecond: 2_500,
      lastOverFirst: 0.5,
      batchesPerTenth: 2,
    });
  });

  it('averages a per-batch amount over the tenths; no ratio when the first tenth read nothing', () => {
    const bytes = [1_000, 1_000, 5_000, 1_100, 1_200, 1_300, 1_000, 1_000, 1_200, 1_200];
    expect(tenthMeans(bytes)).toEqual({
      meanPerBatch: 1_500,
      firstTenthPerBatch: 1_000,
      lastTenthPerBatch: 1_200,
      lastOverFirst: 1.2,
      maxPerBatch: 5_000,
    });
    expect(tenthMeans([0, 10]).lastOverFirst).toBeNaN();
  });
});
