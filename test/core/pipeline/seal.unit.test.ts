import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/core/config.ts';
import type { Incident } from '../../../src/core/incident/types.ts';
import {
  MAX_CARRIED_SIGNALS,
  nextSeal,
  QUIET_SEAL_STEP_MS,
  viewLookbackMs,
} from '../../../src/core/pipeline/seal.ts';
import type { Signal } from '../../../src/core/signals/types.ts';
import {
  alarmState,
  execution,
  metricAlarmConfiguration,
  minutes,
  stateMachineArn,
} from '../../builders/signals.ts';
import { ANY_ORDER_CONFIG } from '../../reference/differential.ts';
import { referenceIncidents } from '../../reference/reference-model.ts';

/**
 * Given/when/then for `nextSeal` (docs/architecture.md, "Sealed incidents"): where the seal moves,
 * what blocks it, and what it carries. Incidents come from the reference model, not the engine.
 */
const ORDERS = stateMachineArn();
const ALARM = metricAlarmConfiguration('AWS/States', { StateMachineArn: ORDERS });
const REACH_MS = Math.max(DEFAULT_CONFIG.reopenWindowMs, DEFAULT_CONFIG.incidentGapMs);

const outage = (id: string, atMinute: number): Signal[] => [
  execution(`${id}-1`, minutes(atMinute), 'FAILED', { error: 'Lambda.Unknown' }),
  execution(`${id}-2`, minutes(atMinute + 1), 'FAILED', { error: 'Lambda.Unknown' }),
  execution(`${id}-ok`, minutes(atMinute + 3), 'SUCCEEDED'),
];

function resolvedAtMs(incident: Incident | undefined): number {
  if (incident?.resolvedAt === null || incident === undefined) throw new Error('expected a resolution');
  return Date.parse(incident.resolvedAt);
}

function sealAfter(signals: readonly Signal[], watermarkMs: number, config = DEFAULT_CONFIG) {
  const incidents = referenceIncidents(signals, config);
  return {
    incidents,
    seal: nextSeal({
      seal: undefined,
      derived: incidents,
      stored: incidents,
      viewSignals: signals,
      openStored: false,
      watermarkMs,
      config,
    }),
  };
}

describe('nextSeal', () => {
  it('given a resolved incident, seals it once its reach is the allowed lateness behind the watermark', () => {
    const signals = outage('a', 10);
    const resolved = resolvedAtMs(referenceIncidents(signals, DEFAULT_CONFIG)[0]);
    const due = resolved + REACH_MS + DEFAULT_CONFIG.allowedLatenessMs;

    expect(sealAfter(signals, due - 1).seal).toBeUndefined();
    expect(sealAfter(signals, due).seal?.throughMs).toBe(resolved + REACH_MS);
  });

  it('given a derived incident opening within the reach of a resolved one, does not seal it', () => {
    const signals = outage('a', 10);
    const [resolved] = referenceIncidents(signals, DEFAULT_CONFIG);
    if (resolved === undefined) throw new Error('expected an incident');
    // One the derivation gave but does not store (frozen or not yet written): it still blocks.
    const following: Incident = {
      ...resolved,
      id: 'inc-following',
      status: 'OPEN',
      openedAt: new Date(resolvedAtMs(resolved) + REACH_MS).toISOString(),
      resolvedAt: null,
    };
    const seal = nextSeal({
      seal: undefined,
      derived: [resolved, following],
      stored: [resolved],
      viewSignals: signals,
      openStored: false,
      watermarkMs: minutes(10_000),
      config: DEFAULT_CONFIG,
    });
    expect(seal).toBeUndefined();
  });

  it('given an open incident after a sealable one, seals the earlier one only', () => {
    const signals = [...outage('a', 10), execution('c-1', minutes(300), 'FAILED', { error: 'X' })];
    const { incidents, seal } = sealAfter(signals, minutes(301));
    expect(incidents.map((incident) => incident.status)).toEqual(['RESOLVED', 'OPEN']);
    expect(seal?.throughMs).toBe(resolvedAtMs(incidents[0]) + REACH_MS);
  });

  it('given no incident, seals a quiet scope through the lateness boundary, carrying its alarms’ state', () => {
    const transitions = [
      alarmState('t1', minutes(0), 'orders-errors', 'INSUFFICIENT_DATA', 'OK', ALARM),
      alarmState('t2', minutes(100), 'orders-errors', 'OK', 'INSUFFICIENT_DATA', ALARM),
    ];
    const watermarkMs = minutes(400);
    const { incidents, seal } = sealAfter(transitions, watermarkMs);
    expect(incidents).toEqual([]);
    expect(seal?.throughMs).toBe(watermarkMs - DEFAULT_CONFIG.allowedLatenessMs);
    expect(seal?.carry.map((signal) => signal.signalId)).toEqual([transitions[1]?.signalId]);
  });

  it('given every incident resolved a reach behind the boundary, seals through the boundary, not the last reach', () => {
    const signals = [...outage('a', 10), ...outage('b', 200)];
    const { incidents, seal } = sealAfter(signals, minutes(600));
    expect(incidents.map((incident) => incident.status)).toEqual(['RESOLVED', 'RESOLVED']);
    expect(resolvedAtMs(incidents[1]) + REACH_MS).toBeLessThan(
      minutes(600) - DEFAULT_CONFIG.allowedLatenessMs,
    );
    expect(seal?.throughMs).toBe(minutes(600) - DEFAULT_CONFIG.allowedLatenessMs);
  });

  it('moves a quiet seal only by a whole step, and not past a stored incident still open', () => {
    const signals = outage('a', 10);
    const first = sealAfter(signals, minutes(600)).seal;
    if (first === undefined) throw new Error('expected a seal');
    const sealAt = (watermarkMs: number, openStored = false) =>
      nextSeal({
        seal: first,
        derived: referenceIncidents(signals, DEFAULT_CONFIG),
        stored: [],
        viewSignals: signals,
        openStored,
        watermarkMs,
        config: DEFAULT_CONFIG,
      });
    expect(sealAt(minutes(600) + QUIET_SEAL_STEP_MS - 1)).toBe(first);
    expect(sealAt(minutes(600) + QUIET_SEAL_STEP_MS)?.throughMs).toBe(first.throughMs + QUIET_SEAL_STEP_MS);
    expect(sealAt(minutes(900), true)).toBe(first);
  });

  it('carries each alarm’s latest transition from before the view start, and nothing after it', () => {
    const before = [
      alarmState('t1', minutes(0), 'orders-errors', 'INSUFFICIENT_DATA', 'OK', ALARM),
      alarmState('t2', minutes(1), 'orders-errors', 'OK', 'INSUFFICIENT_DATA', ALARM),
    ];
    const after = alarmState('t3', minutes(500), 'orders-errors', 'INSUFFICIENT_DATA', 'OK', ALARM);
    const signals = [...before, ...outage('a', 200), after];
    const { seal } = sealAfter(signals, minutes(600));
    expect(seal).toBeDefined();
    expect(minutes(1)).toBeLessThan((seal?.throughMs ?? 0) - viewLookbackMs(DEFAULT_CONFIG));
    expect(seal?.carry.map((signal) => signal.signalId)).toEqual([before[1]?.signalId]);
  });

  it('does not move when the carry would pass its cap, and never under an unbounded lateness', () => {
    const alarms = Array.from({ length: MAX_CARRIED_SIGNALS + 1 }, (_, index) =>
      alarmState(
        `t-${index}`,
        minutes(0),
        `alarm-${index}`,
        'OK',
        'INSUFFICIENT_DATA',
        metricAlarmConfiguration('AWS/States', { StateMachineArn: ORDERS }),
      ),
    );
    const signals = [...alarms, ...outage('a', 200)];
    expect(sealAfter(signals, minutes(600)).seal).toBeUndefined();
    const unbounded = { ...ANY_ORDER_CONFIG, allowedLatenessMs: Number.POSITIVE_INFINITY };
    expect(sealAfter(outage('a', 10), minutes(10_000), unbounded).seal).toBeUndefined();
  });
});
