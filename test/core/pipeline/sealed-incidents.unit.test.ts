import { describe, expect, it } from 'vitest';
import { MemoryIncidentStore } from '../../../src/adapters/memory-store.ts';
import { DEFAULT_CONFIG } from '../../../src/core/config.ts';
import { processBatch } from '../../../src/core/pipeline/process-batch.ts';
import type { Signal } from '../../../src/core/signals/types.ts';
import { pipelineDeps, signalRecords } from '../../builders/pipeline.ts';
import {
  alarmConfig,
  alarmState,
  execution,
  metricAlarmConfiguration,
  minutes,
  stateMachineArn,
} from '../../builders/signals.ts';
import { referenceIncidents } from '../../reference/reference-model.ts';

/**
 * Sealing (docs/architecture.md, "Sealed incidents"), through the real pipeline on the memory store
 * with the default configuration: an incident resolved more than the allowed lateness plus the
 * reopen window behind the watermark is final. Later derivations read from shortly before it, yet
 * give exactly the reference model's incidents; a decisive signal at or before the seal is kept as
 * context and counted as late, and changes nothing.
 */
const ORDERS = stateMachineArn();
const ALARM = metricAlarmConfiguration('AWS/States', { StateMachineArn: ORDERS });

const outage = (id: string, atMinute: number): Signal[] => [
  execution(`${id}-1`, minutes(atMinute), 'FAILED', { error: 'Lambda.Unknown' }),
  execution(`${id}-2`, minutes(atMinute + 1), 'FAILED', { error: 'Lambda.Unknown' }),
];

/** Three outages over six hours, a success every minute between them, and one alarm. */
function day(): Signal[] {
  const healthy = Array.from({ length: 400 }, (_, minute) =>
    execution(`ok-${minute}`, minutes(minute) + 30_000, 'SUCCEEDED'),
  ).filter((run) => !(run.eventTimeMs > minutes(335) && run.eventTimeMs < minutes(337)));
  return [
    // The alarm's last transition is long before the third outage: its state there comes from the seal.
    alarmState('alarm-ok', minutes(0), 'orders-errors', 'OK', 'ALARM', ALARM),
    ...outage('first', 10),
    ...outage('second', 200),
    // Only a configuration change is inside the third outage's alarm look-back.
    alarmConfig('alarm-tuned', minutes(330), 'orders-errors', 'update', ALARM),
    ...outage('third', 335),
    ...healthy,
  ].sort((a, b) => a.eventTimeMs - b.eventTimeMs);
}

async function deliver(store: MemoryIncidentStore, signals: readonly Signal[], label: string, size = 40) {
  let late = 0;
  for (let start = 0; start < signals.length; start += size) {
    const batch = signals.slice(start, start + size);
    const report = await processBatch(signalRecords(batch, `${label}-${start}`), pipelineDeps(store));
    expect(report.counts.failed).toBe(0);
    late += report.counts.lateSignals;
  }
  return late;
}

describe('sealed incidents', () => {
  it('are final once out of reach, and later incidents still equal the reference model', async () => {
    const store = new MemoryIncidentStore();
    const signals = day();
    expect(await deliver(store, signals, 'day')).toBe(0);

    const expected = referenceIncidents(signals, DEFAULT_CONFIG);
    expect(expected).toHaveLength(3);
    expect(store.allIncidents()).toEqual(expected);
    // The second incident resolved at its first success; the configuration change 128 minutes
    // later moved the watermark far enough to seal it, through one reopen window past it.
    const second = expected[1];
    if (second?.resolvedAt === null || second === undefined) throw new Error('expected a resolution');
    const { seal } = await store.loadScope(ORDERS);
    expect(seal?.throughMs).toBe(Date.parse(second.resolvedAt) + DEFAULT_CONFIG.reopenWindowMs);
    expect(seal?.carry.map((signal) => signal.signalId)).toContain(
      signals.find((signal) => signal.kind === 'alarm-state')?.signalId,
    );
    // What the carry is for: the third incident shows the alarm in the state its last transition
    // (hours before the view) left it in, not the unknown state of a configuration change alone.
    expect(expected[2]?.alarms.map((alarm) => alarm.state)).toEqual(['OK']);
  });

  it('do not take a late failure at or before the seal: it is counted late and changes nothing', async () => {
    const store = new MemoryIncidentStore();
    const signals = day();
    await deliver(store, signals, 'day');
    const before = store.allIncidents();

    const lateFailures = [
      // Inside the first incident, and within its reopen window: both would rewrite it.
      execution('late-inside', minutes(11) + 30_000, 'FAILED'),
      execution('late-reopening', minutes(60), 'FAILED'),
    ];
    expect(await deliver(store, lateFailures, 'late')).toBe(2);
    expect(store.allIncidents()).toEqual(before);
    // Without the seal they would have: the reference model, given them, differs.
    expect(referenceIncidents([...signals, ...lateFailures], DEFAULT_CONFIG)).not.toEqual(before);
  });

  it('take a failure after the seal like any other, even one that merges two incidents', async () => {
    const store = new MemoryIncidentStore();
    const signals = day();
    await deliver(store, signals, 'day');

    // After the second incident's seal, and close enough before the third that it reopens into it.
    const afterSeal = execution('after-seal', minutes(280), 'FAILED');
    expect(await deliver(store, [afterSeal], 'after')).toBe(0);
    const expected = referenceIncidents([...signals, afterSeal], DEFAULT_CONFIG);
    expect(expected).toHaveLength(3);
    expect(expected[2]?.flapCount).toBe(1);
    expect(store.allIncidents()).toEqual(expected);
  });
});
