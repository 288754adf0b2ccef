import { describe, expect, it } from 'vitest';
import { benchOptionsOf } from '../../src/cli/commands/bench.ts';
import { UsageError } from '../../src/errors.ts';

const raw = { memoryRecords: '10000', seed: '42', batchSize: '500', quick: false, out: 'bench/results' };

describe('incidents bench options', () => {
  it('measures every profile by default: the whole busy day and fleet hour in process, slices on DynamoDB Local', () => {
    const options = benchOptionsOf(raw);
    expect(options.profiles).toEqual(['mix', 'busy', 'fleet']);
    expect(options).toMatchObject({
      busyHours: 24,
      busyCoreMinutes: 24 * 60,
      busyStoreMinutes: 10,
      busyStorePreloadMinutes: 60,
      fleetStateMachines: 300,
      fleetMinutes: 60,
      fleetStoreMinutes: 5,
      fleetStorePreloadMinutes: 5,
      batchSize: 500,
    });
  });

  it('takes a subset of profiles and smaller sizes with --quick', () => {
    const options = benchOptionsOf({ ...raw, quick: true, profiles: 'busy, fleet' });
    expect(options.profiles).toEqual(['busy', 'fleet']);
    expect(options.busyHours).toBe(2);
    expect(options.busyCoreMinutes).toBeLessThan(options.busyHours * 60);
  });

  it('caps a busy slice at the day, and refuses unknown profiles', () => {
    expect(benchOptionsOf({ ...raw, busyHours: '1', busyCoreMinutes: '600' }).busyCoreMinutes).toBe(60);
    expect(() => benchOptionsOf({ ...raw, profiles: 'mix,storm' })).toThrow(UsageError);
    expect(() => benchOptionsOf({ ...raw, profiles: 'mix,storm' })).toThrow(/unknown profile\(s\) storm/);
  });
});
