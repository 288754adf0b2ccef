import { createHash } from 'node:crypto';
import type { CorrelationConfig } from '../config.ts';
import type { AlarmStateSignal, ApiCallSignal, ExecutionSignal, Signal } from '../signals/types.ts';
import { iso, shortName } from './describe.ts';
import type { Episode } from './episodes.ts';
import { hintsFor } from './hints.ts';
import type { ScopedAlarm, ScopeSignals } from './scope-signals.ts';
import { severityOf } from './severity.ts';
import { timelineFor } from './timeline.ts';
import type { Incident, IncidentActor, IncidentAlarm, IncidentApiCall, IncidentExecution } from './types.ts';

const FAILED = new Set(['FAILED', 'TIMED_OUT']);

/** Stable across replays: the scope plus the earliest trigger, never a counter or a clock. */
export function incidentIdFor(stateMachineArn: string, firstTriggerSignalId: string): string {
  return `inc-${createHash('sha256').update(`${stateMachineArn}|${firstTriggerSignalId}`).digest('hex').slice(0, 20)}`;
}

export function buildIncident(scope: ScopeSignals, episode: Episode, config: CorrelationConfig): Incident {
  const first = episode.triggers[0];
  if (first === undefined) throw new Error('an episode always has a trigger');
  const inRange = (signal: Signal, lookbackMs: number): boolean =>
    signal.eventTimeMs >= episode.startMs - lookbackMs && signal.eventTimeMs <= episode.endMs;

  const runs = latestRuns(scope.executions.filter((e) => e.status !== 'RUNNING' && inRange(e, 0)));
  const failedRuns = runs.filter((e) => FAILED.has(e.status));
  const abortedRuns = runs.filter((e) => e.status === 'ABORTED');
  const counts: Record<string, number> = {};
  for (const run of runs) counts[run.status] = (counts[run.status] ?? 0) + 1;

  const alarmWindows = [...scope.alarms.values()]
    .map((alarm) => ({
      alarm,
      transitionsInWindow: alarm.states.filter((s) => inRange(s, config.alarmLookbackMs)),
      configsInWindow: alarm.configs.filter((c) => inRange(c, config.alarmLookbackMs)),
    }))
    .filter((w) => w.transitionsInWindow.length > 0 || w.configsInWindow.length > 0);
  const apiCalls = scope.apiCalls.filter((call) => inRange(call, config.apiCallLookbackMs));
  const alarmConfigChanges = alarmWindows.flatMap((w) => w.configsInWindow);

  const alarmFired = alarmWindows.some((w) =>
    w.transitionsInWindow.some((t) => t.state.value === 'ALARM' && t.state.actionsSuppressedBy === undefined),
  );
  const flapCount = episode.reopenings.length;
  const severity = severityOf({
    failedRuns: failedRuns.length,
    abortedRuns: abortedRuns.length,
    alarmFired,
    flapCount,
  });
  const hints = hintsFor(
    {
      stateMachineArn: scope.stateMachineArn,
      firstFailureMs: Math.min(
        ...[...failedRuns, ...abortedRuns].map((e) => e.eventTimeMs),
        episode.lastTriggerMs,
      ),
      failedExecutions: failedRuns,
      abortedExecutions: abortedRuns,
      alarms: alarmWindows,
      alarmConfigChanges,
      apiCalls,
    },
    config,
  );

  const contributing: Signal[] = [
    ...runs,
    ...alarmWindows.flatMap((w) => [...w.transitionsInWindow, ...w.configsInWindow]),
    ...apiCalls,
  ];
  const lastSignalMs = Math.max(...contributing.map((s) => s.eventTimeMs), episode.lastTriggerMs);
  const { entries, omitted } = timelineFor(contributing, episode, config.limits.timeline);
  const resolvedAt = episode.resolvedAtMs === undefined ? null : iso(episode.resolvedAtMs);

  return {
    id: incidentIdFor(scope.stateMachineArn, first.signal.signalId),
    stateMachineArn: scope.stateMachineArn,
    title: titleFor(scope.stateMachineArn, failedRuns, abortedRuns, first.signal),
    status: resolvedAt === null ? 'OPEN' : 'RESOLVED',
    severity,
    openedAt: iso(episode.startMs),
    lastSignalAt: iso(lastSignalMs),
    resolvedAt,
    flapCount,
    counts,
    executions: listedRuns(runs, config.limits.executions).map(toIncidentExecution),
    alarms: alarmWindows
      .slice(0, config.limits.alarms)
      .map((w) => toIncidentAlarm(w.alarm, w.transitionsInWindow, episode)),
    apiCalls: apiCalls.slice(0, config.limits.apiCalls).map(toIncidentApiCall),
    actors: actorsOf(apiCalls),
    hints: hints.slice(0, config.limits.hints),
    timeline: entries,
    timelineOmitted: omitted,
    omitted: {
      executions: Math.max(0, runs.length - config.limits.executions),
      alarms: Math.max(0, alarmWindows.length - config.limits.alarms),
      apiCalls: Math.max(0, apiCalls.length - config.limits.apiCalls),
      hints: Math.max(0, hints.length - config.limits.hints),
    },
    signalCount: new Set(contributing.map((s) => s.signalId)).size,
  };
}

/**
 * The runs an incident lists when there are more than its cap: the ones that went wrong first (they
 * are the incident), then the healthy ones, earliest first; shown in event-time order.
 */
function listedRuns(runs: readonly ExecutionSignal[], limit: number): ExecutionSignal[] {
  if (runs.length <= limit) return [...runs];
  const wrong = runs.filter((run) => run.status !== 'SUCCEEDED');
  const healthy = runs.filter((run) => run.status === 'SUCCEEDED');
  const kept = new Set([...wrong, ...healthy].slice(0, limit));
  return runs.filter((run) => kept.has(run));
}

/** One entry per run: an execution ARN plus its redrive count, at its latest status. */
function latestRuns(executions: readonly ExecutionSignal[]): ExecutionSignal[] {
  const runs = new Map<string, ExecutionSignal>();
  for (const execution of executions) {
    const key = `${execution.executionArn}#${execution.redriveCount}`;
    const known = runs.get(key);
    if (
      known === undefined ||
      known.eventTimeMs < execution.eventTimeMs ||
      (known.eventTimeMs === execution.eventTimeMs && known.signalId < execution.signalId)
    ) {
      runs.set(key, execution);
    }
  }
  return [...runs.values()].sort(
    (a, b) =>
      a.eventTimeMs - b.eventTimeMs || (a.signalId < b.signalId ? -1 : a.signalId > b.signalId ? 1 : 0),
  );
}

function toIncidentExecution(e: ExecutionSignal): IncidentExecution {
  const started = e.startDate === undefined ? undefined : Date.parse(e.startDate);
  const stopped = e.stopDate === undefined ? undefined : Date.parse(e.stopDate);
  return {
    executionArn: e.executionArn,
    name: e.executionName,
    status: e.status,
    redriveCount: e.redriveCount,
    error: e.error,
    cause: e.cause,
    startDate: e.startDate,
    stopDate: e.stopDate,
    durationMs: started !== undefined && stopped !== undefined ? stopped - started : undefined,
    inputPreview: e.input.preview,
    outputPreview: e.output.preview,
    signalId: e.signalId,
  };
}

function toIncidentAlarm(
  alarm: ScopedAlarm,
  transitions: readonly AlarmStateSignal[],
  episode: Episode,
): IncidentAlarm {
  const upToEnd = alarm.states.filter((s) => s.eventTimeMs <= episode.endMs);
  const latest = upToEnd.at(-1);
  const latestConfig = [...alarm.configs].filter((c) => c.eventTimeMs <= episode.endMs).at(-1);
  const suppressor = latest?.configuration.actionsSuppressor ?? latestConfig?.configuration.actionsSuppressor;
  return {
    alarmArn: alarm.alarmArn,
    alarmName: alarm.alarmName,
    state: latest?.state.value ?? latestConfig?.state?.value ?? 'INSUFFICIENT_DATA',
    via: alarm.via,
    suppressor,
    deleted: alarm.configs.some((c) => c.operation === 'delete' && c.eventTimeMs <= episode.endMs),
    transitions: transitions.map((t) => ({
      at: t.state.timestamp,
      from: t.previousState?.value,
      to: t.state.value,
      reason: t.state.reason,
      suppressedBy: t.state.actionsSuppressedBy,
      signalId: t.signalId,
    })),
  };
}

function toIncidentApiCall(call: ApiCallSignal): IncidentApiCall {
  return {
    eventName: call.eventName,
    eventTime: call.eventTime,
    actor: call.actor,
    sourceIPAddress: call.sourceIPAddress,
    errorCode: call.errorCode,
    errorMessage: call.errorMessage,
    target: call.executionArn ?? call.stateMachineArn ?? call.activityArn,
    signalId: call.signalId,
  };
}

function actorsOf(calls: readonly ApiCallSignal[]): IncidentActor[] {
  const actors = new Map<string, { userName?: string; calls: number }>();
  for (const call of calls) {
    const arn = call.actor.arn ?? call.actor.invokedBy ?? call.actor.principalId ?? 'unknown';
    const known = actors.get(arn);
    actors.set(arn, { userName: call.actor.userName ?? known?.userName, calls: (known?.calls ?? 0) + 1 });
  }
  return [...actors.entries()]
    .map(([arn, a]) => ({ arn, userName: a.userName, calls: a.calls }))
    .sort((a, b) => b.calls - a.calls || (a.arn < b.arn ? -1 : 1));
}

function titleFor(
  stateMachineArn: string,
  failed: readonly ExecutionSignal[],
  aborted: readonly ExecutionSignal[],
  firstTrigger: Signal,
): string {
  const name = shortName(stateMachineArn);
  if (failed.length > 0) {
    const errors = [...new Set(failed.map((e) => e.error).filter((e) => e !== undefined))];
    const detail =
      errors.length === 0 ? '' : ` (${errors.slice(0, 2).join(', ')}${errors.length > 2 ? ', …' : ''})`;
    return `${name}: ${failed.length} execution(s) failed${detail}`;
  }
  if (aborted.length > 0) return `${name}: ${aborted.length} execution(s) aborted`;
  if (firstTrigger.kind === 'alarm-state') return `${name}: alarm ${firstTrigger.alarmName} in ALARM`;
  return `${name}: incident`;
}
