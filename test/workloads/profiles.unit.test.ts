import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { busyShape, busyStream, generateBusy } from '../../src/workloads/busy.ts';
import { generateFleet } from '../../src/workloads/fleet.ts';
import type { GeneratedEvent } from '../../src/workloads/generated.ts';
import { generateEvents } from '../../src/workloads/mix.ts';
import { MINUTE, SECOND } from '../../src/workloads/simulated-account.ts';

/**
 * The workload profiles as the engine's tests and the benchmark rely on them: deterministic to
 * the byte, in event-time order, and exactly the shape asked for (runs, failures, alarms).
 */

const fingerprint = (events: Iterable<GeneratedEvent>) => {
  const hash = createHash('sha256');
  for (const generated of events) hash.update(`${generated.atMs} ${JSON.stringify(generated.event)}\n`);
  return hash.digest('hex');
};

const detailOf = (generated: GeneratedEvent): Record<string, unknown> => {
  const detail = generated.event.detail;
  return typeof detail === 'object' && detail !== null ? Object.fromEntries(Object.entries(detail)) : {};
};

const withStatus = (events: readonly GeneratedEvent[], status: string) =>
  events.filter((generated) => generated.family === 'execution' && detailOf(generated).status === status);

const inTimeOrder = (events: readonly GeneratedEvent[]) =>
  events.every((generated, index) => index === 0 || (events[index - 1]?.atMs ?? 0) <= generated.atMs);

/** 2 executions/s for 40 minutes with one outage: 20 FAILED runs over 2 minutes. */
const FORTY_MINUTES = { seed: 7, rate: 2, durationMs: 40 * MINUTE, outages: 1, failuresPerOutage: 20 };

describe('the mix profile', () => {
  it('gives the same bytes for the same seed and other bytes for another', () => {
    const once = generateEvents({ seed: 42, events: 3_000 });
    expect(fingerprint(generateEvents({ seed: 42, events: 3_000 }).events)).toBe(fingerprint(once.events));
    expect(fingerprint(generateEvents({ seed: 43, events: 3_000 }).events)).not.toBe(
      fingerprint(once.events),
    );
    expect(once.events).toHaveLength(3_000);
    expect(inTimeOrder(once.events)).toBe(true);
  });
});

describe('the busy profile', () => {
  const busy = generateBusy(FORTY_MINUTES);
  const [stateMachineArn] = busy.stateMachineArns;

  it('runs 2 executions/s for 40 minutes, RUNNING then SUCCEEDED each, plus exactly 20 FAILED', () => {
    expect(busy.stateMachineArns).toHaveLength(1);
    expect(withStatus(busy.events, 'SUCCEEDED')).toHaveLength(4_800);
    expect(withStatus(busy.events, 'RUNNING')).toHaveLength(4_820);
    expect(withStatus(busy.events, 'FAILED')).toHaveLength(20);
    expect(busy.counts.execution).toBe(2 * 4_820);
    const executions = busy.events.filter((generated) => generated.family === 'execution');
    expect(new Set(executions.map((generated) => detailOf(generated).stateMachineArn))).toEqual(
      new Set([stateMachineArn]),
    );
    expect(busy.events).toHaveLength(busyShape(FORTY_MINUTES).events);
    expect(inTimeOrder(busy.events)).toBe(true);
  });

  it('sets the state machine and its alarms up before any run, so links are learned first', () => {
    const firstRun = busy.events.findIndex((generated) => generated.family === 'execution');
    const setUp = busy.events.slice(0, firstRun);
    expect(setUp.map((generated) => generated.family)).toEqual([
      'api-call',
      'alarm-config',
      'alarm-config',
      'alarm-config',
      'alarm-config',
      'alarm-config',
    ]);
    const alarmNamespaces = setUp
      .filter((generated) => generated.family === 'alarm-config')
      .map((generated) => JSON.stringify(detailOf(generated).configuration));
    expect(
      alarmNamespaces.filter((text) => text.includes('"AWS/Lambda"') && text.includes('"Errors"')),
    ).toHaveLength(3);
  });

  it("spreads the outage's failures over 2 minutes, its Lambda's Errors alarm ALARM during it and OK after", () => {
    const failed = withStatus(busy.events, 'FAILED');
    const firstFailureMs = failed[0]?.atMs ?? 0;
    const lastFailureMs = failed.at(-1)?.atMs ?? 0;
    expect(lastFailureMs - firstFailureMs).toBeGreaterThan(1.5 * MINUTE);
    expect(lastFailureMs - firstFailureMs).toBeLessThan(2 * MINUTE + 5 * SECOND);
    const transitions = busy.events
      .filter((generated) => generated.family === 'alarm-state')
      .map((generated) => {
        const detail = detailOf(generated);
        const state = detail.state as { value: string };
        return { atMs: generated.atMs, alarm: String(detail.alarmName), value: state.value };
      });
    const culprit = transitions.find((transition) => transition.alarm.endsWith('-errors'));
    const errorsAlarm = transitions.filter((transition) => transition.alarm === culprit?.alarm);
    expect(errorsAlarm.map((transition) => transition.value)).toEqual(['ALARM', 'OK']);
    const [alarm, ok] = errorsAlarm;
    expect(alarm?.atMs).toBeGreaterThan(firstFailureMs);
    expect(alarm?.atMs).toBeLessThan(lastFailureMs);
    expect((ok?.atMs ?? 0) - lastFailureMs).toBeGreaterThanOrEqual(2 * MINUTE);
    expect((ok?.atMs ?? 0) - lastFailureMs).toBeLessThanOrEqual(5 * MINUTE);
    // Successes go on through the outage.
    const duringOutage = withStatus(busy.events, 'SUCCEEDED').filter(
      (generated) => generated.atMs > firstFailureMs && generated.atMs < lastFailureMs,
    );
    expect(duringOutage.length).toBeGreaterThan(150);
  });

  it('streams the same events it collects, and again on every read', () => {
    const stream = busyStream(FORTY_MINUTES);
    expect(fingerprint(stream.events)).toBe(fingerprint(busy.events));
    expect(fingerprint(stream.events)).toBe(fingerprint(busy.events));
    expect(fingerprint(busyStream({ ...FORTY_MINUTES, seed: 8 }).events)).not.toBe(fingerprint(busy.events));
  });

  it('makes a day at 2/s (~350k events) without holding it', () => {
    const shape = busyShape({ seed: 1 });
    expect(shape.healthyRuns).toBe(172_800);
    expect(shape.failedRuns).toBe(6 * 20);
    expect(shape.events).toBeGreaterThan(345_000);
    expect(shape.events).toBeLessThan(355_000);
  });

  it('refuses outages that cannot fit', () => {
    expect(() => busyStream({ seed: 1, durationMs: 5 * MINUTE, outages: 3 })).toThrow(RangeError);
    expect(() => busyStream({ seed: 1, rate: 0 })).toThrow(RangeError);
  });
});

describe('the fleet profile', () => {
  const fleet = generateFleet({
    seed: 3,
    stateMachines: 300,
    durationMs: 20 * MINUTE,
    failing: 40,
    failuresPerMachine: 1,
  });

  it('sets up 300 state machines and runs healthy traffic on every one', () => {
    expect(fleet.stateMachineArns).toHaveLength(300);
    const created = fleet.events.filter(
      (generated) =>
        generated.family === 'api-call' && detailOf(generated).eventName === 'CreateStateMachine',
    );
    expect(created).toHaveLength(300);
    const running = new Set(
      withStatus(fleet.events, 'SUCCEEDED').map((generated) => detailOf(generated).stateMachineArn),
    );
    expect(running.size).toBe(300);
    expect(inTimeOrder(fleet.events)).toBe(true);
  });

  it('has 40 state machines each with one FAILED run, at about the same time', () => {
    const failed = withStatus(fleet.events, 'FAILED');
    expect(failed).toHaveLength(40);
    expect(new Set(failed.map((generated) => detailOf(generated).stateMachineArn)).size).toBe(40);
    expect((failed.at(-1)?.atMs ?? 0) - (failed[0]?.atMs ?? 0)).toBeLessThan(35 * SECOND);
  });

  it('touches hundreds of state machines in every 500-event batch of its traffic', () => {
    const traffic = fleet.events.filter((generated) => generated.family === 'execution');
    const batch = traffic.slice(1_000, 1_500);
    expect(new Set(batch.map((generated) => detailOf(generated).stateMachineArn)).size).toBeGreaterThan(150);
  });

  it('is the same for the same seed', () => {
    const again = generateFleet({
      seed: 3,
      stateMachines: 300,
      durationMs: 20 * MINUTE,
      failing: 40,
      failuresPerMachine: 1,
    });
    expect(fingerprint(again.events)).toBe(fingerprint(fleet.events));
  });
});
