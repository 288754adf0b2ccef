import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryIncidentStore } from '../../../src/adapters/memory-store.ts';
import { withConfig } from '../../../src/core/config.ts';

/**
 * The demo's events span 82 minutes of event time; with a lateness wider than that every order folds
 * every healthy run, which is what the property below needs (past the lateness, see late-traffic tests).
 */
const WITHIN_LATENESS = withConfig({ allowedLatenessMs: 2 * 60 * 60_000 });

import type { BatchRecord } from '../../../src/core/pipeline/batch-types.ts';
import { normalizeBatchRecord } from '../../../src/core/pipeline/normalize-batch-record.ts';
import { processBatch } from '../../../src/core/pipeline/process-batch.ts';
import { correlateOffline } from '../../../src/runtime/correlate-offline.ts';

const demoFile = new URL('../../../examples/scenarios/checkout-outage.ndjson', import.meta.url);
const demoBytes = readFileSync(demoFile);
const demoLines = demoBytes.toString('utf8').trim().split('\n');
const clock = () => Date.parse('2026-11-21T00:00:00.000Z');

async function viaKinesisBatches(lines: readonly string[], cuts: readonly number[]) {
  const store = new MemoryIncidentStore();
  const records: BatchRecord[] = lines.map((line, index) => ({
    recordId: String(index).padStart(6, '0'),
    position: ['Records', index, 'kinesis', 'data'],
    data: new TextEncoder().encode(line),
  }));
  let start = 0;
  for (const bound of [...cuts, records.length]) {
    const batch = records.slice(start, bound);
    start = bound;
    if (batch.length === 0) continue;
    const report = await processBatch(batch, {
      store,
      config: WITHIN_LATENESS,
      normalize: normalizeBatchRecord,
      now: clock,
      delay: async () => undefined,
      scopeConcurrency: 2,
      maxCommitAttempts: 3,
    });
    expect(report.counts.failed).toBe(0);
  }
  return store.allIncidents();
}

describe('the demo scenario (real events through the real parser)', () => {
  it('gives the one incident an on-call engineer would expect', async () => {
    const { incidents, report } = await correlateOffline(
      [{ name: 'demo', bytes: demoBytes }],
      WITHIN_LATENESS,
      clock,
    );
    expect(report.counts).toMatchObject({
      signals: demoLines.length - 1,
      ignored: 1,
      quarantined: 0,
      failed: 0,
    });
    expect(incidents).toHaveLength(1);
    const [incident] = incidents;
    expect(incident).toMatchObject({
      stateMachineArn: 'arn:aws:states:us-east-1:111122223333:stateMachine:checkout',
      status: 'RESOLVED',
      severity: 'SEV2',
      openedAt: '2026-11-20T08:58:30.000Z',
      resolvedAt: '2026-11-20T09:22:00.000Z',
      flapCount: 0,
      counts: { FAILED: 2, TIMED_OUT: 1, ABORTED: 1, SUCCEEDED: 1 },
    });
    expect(incident?.hints.map((h) => h.message)).toEqual([
      'Definition updated by alice@example.com 20 min before the first failure',
      'Definition updated by alice@example.com 13 min after the first failure',
      'Execution run-104 stopped by bob',
      'Alarm checkout-charge-card-errors (linked through checkout-charge-card) entered ALARM 2 min before the first failure',
      'Alarm checkout-executions-failed entered ALARM 3 min after the first failure',
      'Actions of alarm checkout-health suppressed by deploy-maintenance-window (Alarm): nobody was paged by it',
      expect.stringMatching(/^2 of 3 failed run\(s\) ended with PaymentGatewayTimeout: /),
    ]);
    expect(incident?.apiCalls.map((c) => [c.eventName, c.actor.arn, c.errorCode])).toEqual([
      ['UpdateStateMachine', expect.stringContaining('assumed-role/AWSReservedSSO_Developer'), undefined],
      ['StopExecution', 'arn:aws:iam::111122223333:user/bob', undefined],
      ['UpdateStateMachine', expect.stringContaining('assumed-role/AWSReservedSSO_Developer'), undefined],
    ]);
    expect(JSON.stringify(incidents)).not.toMatch(/ASIA|AKIA|orderId/);
  });

  it('is the same incident whatever the order, duplicates and batching of the Kinesis records (property)', async () => {
    const expected = JSON.stringify(await viaKinesisBatches(demoLines, []));
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(demoLines, { minLength: demoLines.length, maxLength: demoLines.length }),
        fc.array(fc.nat({ max: demoLines.length - 1 }), { maxLength: 6 }),
        fc.uniqueArray(fc.nat({ max: demoLines.length + 6 }), { maxLength: 5 }),
        async (shuffled, duplicates, cuts) => {
          const lines = [...shuffled, ...duplicates.map((i) => shuffled[i] ?? '')];
          const bounds = cuts.filter((c) => c <= lines.length).sort((a, b) => a - b);
          expect(JSON.stringify(await viaKinesisBatches(lines, bounds))).toBe(expected);
        },
      ),
      { numRuns: 40 },
    );
  });
});
