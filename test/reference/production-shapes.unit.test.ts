import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryIncidentStore } from '../../src/adapters/memory-store.ts';
import { isHealthyRun } from '../../src/core/signals/run-status.ts';
import { generateBusy } from '../../src/workloads/busy.ts';
import { generateFleet } from '../../src/workloads/fleet.ts';
import {
  ANY_ORDER_CONFIG,
  type Delivery,
  deliver,
  deliveredRecords,
  expectSameIncidents,
  referenceIncidents,
  signalsOfEvents,
  widestBatchScopes,
} from './differential.ts';

/**
 * The differential property on the two production shapes the first version never tried, on the
 * memory store: a busy state machine (2 executions/s for hours: far more healthy runs inside the
 * horizon than any per-subject cap) and a fleet (hundreds of state machines, 500-record batches
 * touching dozens of scopes, more than the scope concurrency).
 */

const HOUR = 60 * 60 * 1000;

const deliveryArbitrary = (batchSizes: fc.Arbitrary<number>) =>
  fc.record<Delivery>({
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    batchSize: batchSizes,
    reorder: fc.constantFrom('none', 'window', 'full'),
    duplicateRate: fc.double({ min: 0, max: 0.1, noNaN: true }),
    lateRate: fc.double({ min: 0, max: 0.05, noNaN: true }),
    consumers: fc.integer({ min: 1, max: 2 }),
    scopeConcurrency: fc.constantFrom(2, 8),
  });

describe('production shapes on the memory store equal the reference model', () => {
  it('a busy state machine: 2 executions/s for 3 hours with two outages', async () => {
    const busy = generateBusy({ seed: 7, rate: 2, durationMs: 3 * HOUR, outages: 2 });
    const events = busy.events.map((generated) => generated.event);
    const signals = signalsOfEvents(events);
    const expected = referenceIncidents(signals, ANY_ORDER_CONFIG);
    const healthy = signals.filter(isHealthyRun);
    expect(healthy.length).toBeGreaterThanOrEqual(10_000);
    // Two outages 90 minutes apart: two incidents, every failure on one of them, both resolved.
    expect(expected).toHaveLength(2);
    expect(expected.reduce((sum, incident) => sum + (incident.counts.FAILED ?? 0), 0)).toBe(40);
    expect(expected.every((incident) => incident.status === 'RESOLVED')).toBe(true);

    await fc.assert(
      fc.asyncProperty(deliveryArbitrary(fc.integer({ min: 100, max: 500 })), async (delivery) => {
        const store = new MemoryIncidentStore();
        await deliver(store, deliveredRecords(events, delivery), delivery, ANY_ORDER_CONFIG);
        expectSameIncidents(store.allIncidents(), expected);
      }),
      { numRuns: 2 },
    );
  }, 300_000);

  it('a busy state machine for the whole 24-hour horizon: one delivery, raced, reordered, redelivered', async () => {
    const busy = generateBusy({ seed: 8, rate: 2, durationMs: 24 * HOUR, outages: 6 });
    const events = busy.events.map((generated) => generated.event);
    const signals = signalsOfEvents(events);
    expect(signals.filter(isHealthyRun).length).toBeGreaterThanOrEqual(300_000);
    const expected = referenceIncidents(signals, ANY_ORDER_CONFIG);
    expect(expected).toHaveLength(6);
    const delivery: Delivery = {
      seed: 3,
      batchSize: 500,
      reorder: 'window',
      duplicateRate: 0.02,
      lateRate: 0.001,
      consumers: 2,
      scopeConcurrency: 8,
    };
    const store = new MemoryIncidentStore();
    await deliver(store, deliveredRecords(events, delivery), delivery, ANY_ORDER_CONFIG);
    expectSameIncidents(store.allIncidents(), expected);
  }, 600_000);

  it('a fleet: 300 state machines for an hour, 40 failing at once, batches touching many scopes', async () => {
    const fleet = generateFleet({
      seed: 11,
      stateMachines: 300,
      durationMs: HOUR,
      runIntervalMs: 2 * 60_000,
      failing: 40,
    });
    const events = fleet.events.map((generated) => generated.event);
    const signals = signalsOfEvents(events);
    const expected = referenceIncidents(signals, ANY_ORDER_CONFIG);
    expect(expected).toHaveLength(40);

    await fc.assert(
      fc.asyncProperty(deliveryArbitrary(fc.constantFrom(100, 500)), async (delivery) => {
        const records = deliveredRecords(events, delivery);
        expect(widestBatchScopes(records, signals, delivery.batchSize)).toBeGreaterThanOrEqual(
          3 * delivery.scopeConcurrency,
        );
        const store = new MemoryIncidentStore();
        await deliver(store, records, delivery, ANY_ORDER_CONFIG);
        expectSameIncidents(store.allIncidents(), expected);
      }),
      { numRuns: 2 },
    );
  }, 300_000);
});
