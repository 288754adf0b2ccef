import { compareSignals } from '../signals/order.ts';
import { isHealthyRun } from '../signals/run-status.ts';
import type {
  AlarmConfigSignal,
  AlarmStateSignal,
  ApiCallSignal,
  ExecutionSignal,
  Signal,
} from '../signals/types.ts';
import type { Topology } from '../topology/graph.ts';

/** One alarm as the scope sees it: its transitions and configuration changes in event-time order. */
export interface ScopedAlarm {
  readonly alarmArn: string;
  readonly alarmName: string;
  readonly via: readonly string[];
  readonly states: readonly AlarmStateSignal[];
  readonly configs: readonly AlarmConfigSignal[];
}

/**
 * A scope's signals, deduplicated, sorted and split by family: with its traffic summary, the only
 * input incidents are derived from. Healthy runs are not among its executions: they reach incidents
 * through the summary only, whether or not a batch happens to carry them.
 */
export interface ScopeSignals {
  readonly stateMachineArn: string;
  readonly executions: readonly ExecutionSignal[];
  readonly alarms: ReadonlyMap<string, ScopedAlarm>;
  readonly apiCalls: readonly ApiCallSignal[];
  readonly latestEventMs: number;
}

export const bySignalTime = compareSignals;

/** Alarm transitions are ordered by the alarm's own timestamp, which is what "current state" means. */
export const compareAlarmTransitions = (a: AlarmStateSignal, b: AlarmStateSignal): number =>
  Date.parse(a.state.timestamp) - Date.parse(b.state.timestamp) || bySignalTime(a, b);

export function collectScopeSignals(
  stateMachineArn: string,
  signals: Iterable<Signal>,
  topology: Topology,
): ScopeSignals {
  const unique = new Map<string, Signal>();
  for (const signal of signals) unique.set(signal.signalId, signal);
  const sorted = [...unique.values()].sort(bySignalTime);

  const executions: ExecutionSignal[] = [];
  const apiCalls: ApiCallSignal[] = [];
  const alarms = new Map<
    string,
    { alarmName: string; via: readonly string[]; states: AlarmStateSignal[]; configs: AlarmConfigSignal[] }
  >();
  let latestEventMs = Number.NEGATIVE_INFINITY;

  // Membership by set lookup: walking the graph once per signal dominated large scopes.
  const members = new Set(topology.subjectsOf(stateMachineArn));
  const viaOf = new Map<string, readonly string[]>();
  const alarmVia = (alarmArn: string): readonly string[] => {
    const known = viaOf.get(alarmArn);
    if (known !== undefined) return known;
    const via =
      topology.scopesOf([alarmArn]).find((scope) => scope.stateMachineArn === stateMachineArn)?.via ?? [];
    viaOf.set(alarmArn, via);
    return via;
  };
  for (const signal of sorted) {
    if (!signal.subjects.some((subject) => members.has(subject))) continue;
    latestEventMs = Math.max(latestEventMs, signal.eventTimeMs);
    switch (signal.kind) {
      case 'execution':
        if (!isHealthyRun(signal)) executions.push(signal);
        break;
      case 'api-call':
        apiCalls.push(signal);
        break;
      case 'alarm-state':
      case 'alarm-config': {
        const alarm = alarms.get(signal.alarmArn) ?? {
          alarmName: signal.alarmName,
          via: alarmVia(signal.alarmArn),
          states: [],
          configs: [],
        };
        if (signal.kind === 'alarm-state') alarm.states.push(signal);
        else alarm.configs.push(signal);
        alarms.set(signal.alarmArn, alarm);
        break;
      }
    }
  }

  const scopedAlarms = new Map<string, ScopedAlarm>();
  for (const [alarmArn, alarm] of [...alarms.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    scopedAlarms.set(alarmArn, {
      alarmArn,
      ...alarm,
      states: alarm.states.sort(compareAlarmTransitions),
    });
  }
  return { stateMachineArn, executions, alarms: scopedAlarms, apiCalls, latestEventMs };
}
