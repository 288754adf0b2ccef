import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryIncidentStore } from '../../src/adapters/memory-store.ts';
import { generateEvents } from '../../src/workloads/mix.ts';
import {
  ANY_ORDER_CONFIG,
  type Delivery,
  deliver,
  deliveredRecords,
  expectResolutionWithinAMinute,
  expectSameIncidents,
  referenceIncidents,
  signalsOfEvents,
  widestBatchScopes,
} from './differential.ts';

/**
 * The pipeline on the memory store against the reference model, over generated workloads delivered
 * the ways streams deliver: random batch sizes, reordering, redelivery, late records and racing
 * consumers, with more scopes per batch than the scope concurrency. Coverage is asserted, not
 * hoped for: the runs must include wide batches, flaps, composite alarms and alarms linked through
 * Lambda functions, or the test fails.
 */

const deliveryArbitrary = (seed: number): fc.Arbitrary<Delivery> =>
  fc.record({
    seed: fc.constant(seed),
    batchSize: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 100, max: 500 })),
    reorder: fc.constantFrom('none', 'window', 'full'),
    duplicateRate: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.3, noNaN: true })),
    lateRate: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.1, noNaN: true })),
    consumers: fc.integer({ min: 1, max: 3 }),
    scopeConcurrency: fc.constantFrom(1, 2, 4, 8),
  });

const workloadArbitrary = fc
  .record({
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    events: fc.integer({ min: 120, max: 700 }),
    stateMachines: fc.integer({ min: 2, max: 30 }),
  })
  .chain((workload) => fc.tuple(fc.constant(workload), deliveryArbitrary(workload.seed ^ 0x5eed)));

describe('the pipeline on the memory store equals the reference model', () => {
  it('for 200 generated workloads, however they are delivered', async () => {
    const coverage = {
      runs: 0,
      wide: 0,
      flaps: 0,
      composite: 0,
      viaFunction: 0,
      incidents: 0,
      resolutions: 0,
    };
    await fc.assert(
      fc.asyncProperty(workloadArbitrary, async ([workload, delivery]) => {
        const mix = generateEvents(workload);
        const events = mix.events.map((generated) => generated.event);
        const signals = signalsOfEvents(events);
        const expected = referenceIncidents(signals, ANY_ORDER_CONFIG);
        const records = deliveredRecords(events, delivery);
        const store = new MemoryIncidentStore();

        await deliver(store, records, delivery, ANY_ORDER_CONFIG);

        expectSameIncidents(store.allIncidents(), expected);
        coverage.resolutions += expectResolutionWithinAMinute(
          expected,
          referenceIncidents(signals, ANY_ORDER_CONFIG, 'exact'),
        );
        coverage.runs += 1;
        coverage.incidents += expected.length;
        if (widestBatchScopes(records, signals, delivery.batchSize) >= 3 * delivery.scopeConcurrency)
          coverage.wide += 1;
        if (expected.some((incident) => incident.flapCount > 0)) coverage.flaps += 1;
        if (expected.some((incident) => incident.alarms.some((alarm) => alarm.alarmName.endsWith('-health'))))
          coverage.composite += 1;
        if (expected.some((incident) => incident.alarms.some((alarm) => alarm.via.length > 0)))
          coverage.viaFunction += 1;
      }),
      { numRuns: 200 },
    );
    expect(coverage.runs).toBe(200);
    expect(coverage.wide).toBeGreaterThanOrEqual(20);
    expect(coverage.flaps).toBeGreaterThanOrEqual(5);
    expect(coverage.composite).toBeGreaterThanOrEqual(20);
    expect(coverage.viaFunction).toBeGreaterThanOrEqual(20);
    expect(coverage.resolutions).toBeGreaterThanOrEqual(100);
  }, 300_000);
});
