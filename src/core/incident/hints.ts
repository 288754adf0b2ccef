import type { CorrelationConfig } from '../config.ts';
import { firedAndNotSuppressed } from '../signals/alarm-rules.ts';
import type { AlarmConfigSignal, ApiCallSignal, ExecutionSignal } from '../signals/types.ts';
import { actorName, minutesBetween, shortName } from './describe.ts';
import type { ScopedAlarm } from './scope-signals.ts';
import type { Hint } from './types.ts';

export interface HintInput {
  readonly stateMachineArn: string;
  /** The first failed run, or the first trigger when only alarms opened the incident. */
  readonly firstFailureMs: number;
  readonly failedExecutions: readonly ExecutionSignal[];
  readonly abortedExecutions: readonly ExecutionSignal[];
  readonly alarms: readonly {
    readonly alarm: ScopedAlarm;
    readonly transitionsInWindow: ScopedAlarm['states'];
  }[];
  readonly alarmConfigChanges: readonly AlarmConfigSignal[];
  readonly apiCalls: readonly ApiCallSignal[];
}

const DEFINITION_CALLS = new Set(['CreateStateMachine', 'UpdateStateMachine', 'PublishStateMachineVersion']);
const ACCESS_DENIED = /AccessDenied|Unauthorized|NotAuthorized|Forbidden/i;

/** Root-cause clues, most telling first, each with the signals that back it. */
export function hintsFor(input: HintInput, config: CorrelationConfig): Hint[] {
  const cap = (ids: string[]): string[] => [...new Set(ids)].sort().slice(0, config.limits.evidencePerHint);
  const hints: Hint[] = [
    ...definitionHints(input, cap),
    ...stopHints(input, cap),
    ...alarmFiredHints(input, cap),
    ...accessDeniedHints(input, cap),
    ...alarmConfigHints(input, cap),
    ...suppressionHints(input, cap),
    ...commonErrorHints(input, cap),
  ];
  return hints;
}

type Cap = (ids: string[]) => string[];

function definitionHints(input: HintInput, cap: Cap): Hint[] {
  const updates = input.apiCalls.filter(
    (call) =>
      DEFINITION_CALLS.has(call.eventName) &&
      call.errorCode === undefined &&
      call.stateMachineArn === input.stateMachineArn,
  );
  return updates.map((call) => {
    const who = actorName(call.actor);
    const minutes = minutesBetween(call.eventTimeMs, input.firstFailureMs);
    const when =
      call.eventTimeMs <= input.firstFailureMs
        ? `${minutes} min before the first failure`
        : `${minutes} min after the first failure`;
    const verb = call.eventName === 'CreateStateMachine' ? 'created' : 'updated';
    return {
      kind: 'definition-updated' as const,
      message: `Definition ${verb} by ${who} ${when}`,
      evidence: cap([call.signalId]),
    };
  });
}

function stopHints(input: HintInput, cap: Cap): Hint[] {
  const stops = input.apiCalls.filter(
    (call) => call.eventName === 'StopExecution' && call.errorCode === undefined,
  );
  const hints: Hint[] = [];
  const explained = new Set<string>();
  for (const stop of stops) {
    const aborted = input.abortedExecutions.filter((e) => e.executionArn === stop.executionArn);
    for (const e of aborted) explained.add(e.signalId);
    const target =
      stop.executionArn === undefined ? 'an execution' : `execution ${shortName(stop.executionArn)}`;
    hints.push({
      kind: 'execution-stopped',
      message: `${capitalise(target)} stopped by ${actorName(stop.actor)}`,
      evidence: cap([stop.signalId, ...aborted.map((e) => e.signalId)]),
    });
  }
  const unexplained = input.abortedExecutions.filter((e) => !explained.has(e.signalId));
  if (unexplained.length > 0) {
    hints.push({
      kind: 'execution-stopped',
      message: `${unexplained.length} execution(s) aborted with no StopExecution call seen (CloudTrail may be late or not forwarded)`,
      evidence: cap(unexplained.map((e) => e.signalId)),
    });
  }
  return hints;
}

function alarmFiredHints(input: HintInput, cap: Cap): Hint[] {
  const hints: Hint[] = [];
  for (const { alarm, transitionsInWindow } of input.alarms) {
    // A suppressed transition gets its own hint: nobody was paged by it.
    const fired = transitionsInWindow.filter(firedAndNotSuppressed);
    const first = fired[0];
    if (first === undefined) continue;
    const through = alarm.via.length === 0 ? '' : ` (linked through ${alarm.via.map(shortName).join(' → ')})`;
    const minutes = minutesBetween(first.eventTimeMs, input.firstFailureMs);
    const when =
      first.eventTimeMs <= input.firstFailureMs
        ? minutes === 0
          ? 'at the first failure'
          : `${minutes} min before the first failure`
        : `${minutes} min after the first failure`;
    hints.push({
      kind: 'alarm-fired',
      message: `Alarm ${alarm.alarmName}${through} entered ALARM ${when}`,
      evidence: cap(fired.map((t) => t.signalId)),
    });
  }
  return hints;
}

function accessDeniedHints(input: HintInput, cap: Cap): Hint[] {
  const byActor = new Map<string, ApiCallSignal[]>();
  for (const call of input.apiCalls) {
    if (call.errorCode === undefined || !ACCESS_DENIED.test(call.errorCode)) continue;
    const key = call.actor.arn ?? actorName(call.actor);
    byActor.set(key, [...(byActor.get(key) ?? []), call]);
  }
  return [...byActor.values()].map((calls) => {
    const [first] = calls;
    const names = [...new Set(calls.map((c) => c.eventName))].sort().join(', ');
    return {
      kind: 'access-denied' as const,
      message: `${calls.length} ${first?.errorCode ?? 'AccessDenied'} call(s) by ${first === undefined ? 'unknown' : actorName(first.actor)}: ${names}`,
      evidence: cap(calls.map((c) => c.signalId)),
    };
  });
}

function alarmConfigHints(input: HintInput, cap: Cap): Hint[] {
  return input.alarmConfigChanges.flatMap((change): Hint[] => {
    if (change.operation === 'delete') {
      return [
        {
          kind: 'alarm-deleted',
          message: `Alarm ${change.alarmName} was deleted`,
          evidence: cap([change.signalId]),
        },
      ];
    }
    if (change.operation !== 'update') return [];
    const before = change.previousConfiguration?.threshold;
    const after = change.configuration.threshold;
    const message =
      before !== undefined && after !== undefined && before !== after
        ? `Threshold of alarm ${change.alarmName} changed from ${before} to ${after}`
        : `Alarm ${change.alarmName} configuration updated`;
    return [{ kind: 'alarm-changed', message, evidence: cap([change.signalId]) }];
  });
}

function suppressionHints(input: HintInput, cap: Cap): Hint[] {
  const hints: Hint[] = [];
  for (const { alarm, transitionsInWindow } of input.alarms) {
    const suppressed = transitionsInWindow.filter((t) => t.state.actionsSuppressedBy !== undefined);
    const first = suppressed[0];
    if (first === undefined) continue;
    const suppressor = first.configuration.actionsSuppressor;
    const by = suppressor === undefined ? '' : ` by ${suppressor}`;
    hints.push({
      kind: 'alarm-suppressed',
      message: `Actions of alarm ${alarm.alarmName} suppressed${by} (${first.state.actionsSuppressedBy}): nobody was paged by it`,
      evidence: cap(suppressed.map((t) => t.signalId)),
    });
  }
  return hints;
}

function commonErrorHints(input: HintInput, cap: Cap): Hint[] {
  const byError = new Map<string, ExecutionSignal[]>();
  for (const execution of input.failedExecutions) {
    const key = execution.error ?? execution.status;
    byError.set(key, [...(byError.get(key) ?? []), execution]);
  }
  const ranked = [...byError.entries()].sort(([a, x], [b, y]) => y.length - x.length || (a < b ? -1 : 1));
  const top = ranked[0];
  if (top === undefined) return [];
  const [error, executions] = top;
  const cause = executions.find((e) => e.cause !== undefined)?.cause;
  const suffix = cause === undefined ? '' : `: ${cause.length > 160 ? `${cause.slice(0, 157)}...` : cause}`;
  return [
    {
      kind: 'common-error',
      message: `${executions.length} of ${input.failedExecutions.length} failed run(s) ended with ${error}${suffix}`,
      evidence: cap(executions.map((e) => e.signalId)),
    },
  ];
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
