import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryIncidentStore } from '../../src/adapters/memory-store.ts';
import { DEFAULT_CONFIG } from '../../src/core/config.ts';
import type { Incident } from '../../src/core/incident/types.ts';
import { generateBusy } from '../../src/workloads/busy.ts';
import { generateEvents } from '../../src/workloads/mix.ts';
import {
  type Delivery,
  deliver,
  deliveredRecords,
  expectSameIncidents,
  IN_LATENESS_SPAN_MS,
  inLatenessWindow,
  referenceIncidents,
  signalsOfEvents,
} from './differential.ts';

/**
 * The differential property under the default configuration, where sealing applies
 * (docs/architecture.md, "Sealed incidents"): incidents resolved more than the allowed lateness plus
 * the reopen window behind the watermark are final, and later derivations read only from shortly
 * before the seal. Deliveries stay within the default hour of lateness (reordered within a few
 * batches, redelivered, never held back for hours), so the reference model's incidents are still
 * exactly what the store must hold. Coverage asserts that seals were made and that incidents opened
 * after them, so the sealed read path is what gave them.
 */

const HOUR = 60 * 60 * 1000;

interface SealCoverage {
  /** Scopes whose seal moved at least once. */
  readonly sealedScopes: number;
  /** Incidents that opened after their scope's seal, or that a later seal passed over. */
  readonly openedAfterSeal: number;
  /** Sealed scopes whose seal carries alarm state from before the view. */
  readonly carrying: number;
}

async function sealCoverage(
  store: MemoryIncidentStore,
  incidents: readonly Incident[],
): Promise<SealCoverage> {
  const scopes = [...new Set(incidents.map((incident) => incident.stateMachineArn))];
  let sealedScopes = 0;
  let openedAfterSeal = 0;
  let carrying = 0;
  for (const scope of scopes) {
    const { seal } = await store.loadScope(scope);
    if (seal === undefined) continue;
    sealedScopes++;
    if (seal.carry.length > 0) carrying++;
    // An incident opening after a seal was derived from a view that started at the seal, or an
    // earlier seal; one opening before was sealed by it. Both are counted when a scope has both.
    const ofScope = incidents.filter((incident) => incident.stateMachineArn === scope);
    if (ofScope.some((incident) => Date.parse(incident.openedAt) > seal.throughMs)) openedAfterSeal++;
  }
  return { sealedScopes, openedAfterSeal, carrying };
}

/**
 * Within the default hour of lateness: reorder inside a few batches of a workload spanning hours,
 * and inside half an hour of event time. Three batches of a sparse workload can span more than the
 * hour (20-record batches of 317 events over six hours do): runs reordered that far are late, and
 * the engine rightly leaves them out of the counts the reference model has.
 */
const inLatenessDelivery = (seed: number): fc.Arbitrary<Delivery> =>
  fc.record({
    seed: fc.constant(seed),
    batchSize: fc.integer({ min: 1, max: 20 }),
    reorder: fc.constantFrom('none', 'window'),
    reorderSpanMs: fc.constant(IN_LATENESS_SPAN_MS),
    duplicateRate: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.2, noNaN: true })),
    lateRate: fc.constant(0),
    consumers: fc.constant(1),
    scopeConcurrency: fc.constantFrom(1, 2, 8),
  });

describe('under the default allowed lateness, with sealing, the store equals the reference model', () => {
  it('for 60 generated six-hour workloads', async () => {
    const totals = { runs: 0, sealedScopes: 0, openedAfterSeal: 0, carrying: 0 };
    const workloads = fc
      .record({
        seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        events: fc.integer({ min: 300, max: 700 }),
        stateMachines: fc.integer({ min: 2, max: 6 }),
      })
      .chain((workload) => fc.tuple(fc.constant(workload), inLatenessDelivery(workload.seed ^ 0x5ea1)));
    await fc.assert(
      fc.asyncProperty(workloads, async ([workload, delivery]) => {
        const events = generateEvents(workload).events.map((generated) => generated.event);
        const signals = signalsOfEvents(events);
        const expected = referenceIncidents(signals, DEFAULT_CONFIG);
        const store = new MemoryIncidentStore();
        await deliver(store, deliveredRecords(events, delivery), delivery, DEFAULT_CONFIG);
        expectSameIncidents(store.allIncidents(), expected);
        const coverage = await sealCoverage(store, expected);
        totals.runs++;
        totals.sealedScopes += coverage.sealedScopes;
        totals.openedAfterSeal += coverage.openedAfterSeal;
        totals.carrying += coverage.carrying;
      }),
      { numRuns: 60 },
    );
    expect(totals.runs).toBe(60);
    expect(totals.sealedScopes).toBeGreaterThanOrEqual(30);
    expect(totals.openedAfterSeal).toBeGreaterThanOrEqual(15);
    expect(totals.carrying).toBeGreaterThanOrEqual(15);
  }, 300_000);

  it('a busy state machine for 24 hours: 500-record batches, reordered within three, redelivered', async () => {
    const busy = generateBusy({ seed: 9, rate: 2, durationMs: 24 * HOUR, outages: 6 });
    const events = busy.events.map((generated) => generated.event);
    const signals = signalsOfEvents(events);
    const expected = referenceIncidents(signals, DEFAULT_CONFIG);
    expect(expected).toHaveLength(6);
    const delivery = inLatenessWindow(5);
    const store = new MemoryIncidentStore();
    await deliver(store, deliveredRecords(events, delivery), delivery, DEFAULT_CONFIG);
    expectSameIncidents(store.allIncidents(), expected);
    // Every incident but the last two is out of reach by the end of the day: the seal is past the
    // fourth resolution, so the sixth incident was derived from a view starting after the third.
    const { seal } = await store.loadScope(expected[0]?.stateMachineArn ?? '');
    const fourthResolved = expected[3]?.resolvedAt;
    if (seal === undefined || fourthResolved === null || fourthResolved === undefined)
      throw new Error('expected a seal past the fourth resolution');
    expect(seal.throughMs).toBeGreaterThan(Date.parse(fourthResolved));
  }, 600_000);
});
