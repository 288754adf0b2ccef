import { describe, expect, it } from 'vitest';
import { benchOptionsOf } from '../../src/cli/commands/bench.ts';
import { UsageError } from '../../src/errors.ts';

const raw = { memoryRecords: '10000', seed: '42', batchSize: '500', quick: false, out: 'bench/results' };

describe('incidents bench options', () => {
  it('measures every profile by default: the whole busy day and fleet hour in process, slices on DynamoDB Local', () => {
    const options = benchOptionsOf(raw);
    expect(options.profiles).toEqual(['mix', 'busy', 'fleet']);
    expect(options.sections).toEqual(['core', 'dynamodb', 'e2e', 'memory']);
    expect(options).toMatchObject({
      busyHours: 24,
      busyCoreMinutes: 24 * 60,
      fleetStateMachines: 300,
      fleetMinutes: 60,
      dynamodbMixEvents: 20_000,
      dynamodbBusyHours: 24,
      dynamodbFleetMinutes: 10,
      dynamodbFleetPreloadMinutes: 5,
      dynamodbBaselineEvents: 2_000,
      memoryRecords: 10_000,
      batchSize: 500,
    });
  });

  it('takes fractions of an hour for the DynamoDB busy slice, capped at the busy day', () => {
    expect(benchOptionsOf({ ...raw, dynamodbBusyHours: '0.5' }).dynamodbBusyHours).toBe(0.5);
    expect(benchOptionsOf({ ...raw, busyHours: '2', dynamodbBusyHours: '6' }).dynamodbBusyHours).toBe(2);
    expect(() => benchOptionsOf({ ...raw, dynamodbBusyHours: '0' })).toThrow(UsageError);
  });

  it('takes a subset of profiles and smaller sizes with --quick', () => {
    const options = benchOptionsOf({ ...raw, quick: true, profiles: 'busy, fleet' });
    expect(options.profiles).toEqual(['busy', 'fleet']);
    expect(options.busyHours).toBe(2);
    expect(options.busyCoreMinutes).toBeLessThan(options.busyHours * 60);
    expect(options.dynamodbBusyHours).toBeLessThan(4);
    expect(options.dynamodbBaselineEvents).toBeLessThan(2_000);
  });

  it('caps a busy slice at the day, and refuses unknown profiles', () => {
    expect(benchOptionsOf({ ...raw, busyHours: '1', busyCoreMinutes: '600' }).busyCoreMinutes).toBe(60);
    expect(() => benchOptionsOf({ ...raw, profiles: 'mix,storm' })).toThrow(UsageError);
    expect(() => benchOptionsOf({ ...raw, profiles: 'mix,storm' })).toThrow(/unknown profile\(s\) storm/);
  });
});
