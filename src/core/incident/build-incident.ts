import { createHash } from 'node:crypto';
import type { CorrelationConfig } from '../config.ts';
import { firedAndNotSuppressed } from '../signals/alarm-rules.ts';
import { compareSignals } from '../signals/order.ts';
import { isFailedStatus } from '../signals/run-status.ts';
import type { AlarmStateSignal, ApiCallSignal, ExecutionSignal, Signal } from '../signals/types.ts';
import { type HealthyTraffic, MINUTE_MS, minuteOf } from '../traffic/traffic.ts';
import { iso, shortName } from './describe.ts';
import type { Episode } from './episodes.ts';
import { hintsFor } from './hints.ts';
import type { ScopedAlarm, ScopeSignals } from './scope-signals.ts';
import { severityOf } from './severity.ts';
import { timelineFor } from './timeline.ts';
import type {
  Incident,
  IncidentActor,
  IncidentAlarm,
  IncidentApiCall,
  IncidentExecution,
  IncidentTraffic,
} from './types.ts';

/** Stable across replays: the scope plus the earliest trigger, never a counter or a clock. */
export function incidentIdFor(stateMachineArn: string, firstTriggerSignalId: string): string {
  return `inc-${createHash('sha256').update(`${stateMachineArn}|${firstTriggerSignalId}`).digest('hex').slice(0, 20)}`;
}

export function buildIncident(
  scope: ScopeSignals,
  episode: Episode,
  traffic: HealthyTraffic,
  config: CorrelationConfig,
): Incident {
  const first = episode.triggers[0];
  if (first === undefined) throw new Error('an episode always has a trigger');
  const inRange = (signal: Signal, lookbackMs: number): boolean =>
    signal.eventTimeMs >= episode.startMs - lookbackMs && signal.eventTimeMs <= episode.endMs;

  const runs = latestRuns(scope.executions.filter((e) => inRange(e, 0)));
  const failedRuns = runs.filter((e) => isFailedStatus(e.status));
  const abortedRuns = runs.filter((e) => e.status === 'ABORTED');
  const around = trafficAround(scope, episode, traffic, failedRuns.length);
  const counts: Record<string, number> = {};
  for (const run of runs) counts[run.status] = (counts[run.status] ?? 0) + 1;
  if (around.succeeded > 0) counts.SUCCEEDED = (counts.SUCCEEDED ?? 0) + around.succeeded;

  const alarmWindows = [...scope.alarms.values()]
    .map((alarm) => ({
      alarm,
      transitionsInWindow: alarm.states.filter((s) => inRange(s, config.alarmLookbackMs)),
      configsInWindow: alarm.configs.filter((c) => inRange(c, config.alarmLookbackMs)),
    }))
    .filter((w) => w.transitionsInWindow.length > 0 || w.configsInWindow.length > 0);
  const apiCalls = scope.apiCalls.filter((call) => inRange(call, config.apiCallLookbackMs));
  const alarmConfigChanges = alarmWindows.flatMap((w) => w.configsInWindow);

  const alarmFired = alarmWindows.some((w) => w.transitionsInWindow.some(firedAndNotSuppressed));
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
      firstFailureMs: [...failedRuns, ...abortedRuns].reduce(
        (earliest, e) => Math.min(earliest, e.eventTimeMs),
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
  // A loop, not Math.max(...spread): an outage can have more failed runs than the stack has room for.
  const lastSignalMs = contributing.reduce(
    (latest, s) => Math.max(latest, s.eventTimeMs),
    episode.lastTriggerMs,
  );
  const { entries, omitted } = timelineFor(contributing, episode, config.limits.timeline);
  const resolvedAt = episode.resolvedAtMs === undefined ? null : iso(episode.resolvedAtMs);

  return {
    id: incidentIdFor(scope.stateMachineArn, first.signal.signalId),
    stateMachineArn: scope.stateMachineArn,
    title: titleFor(scope.stateMachineArn, failedRuns, abortedRuns, first.signal, around),
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
    traffic: around,
  };
}

/**
 * Runs while the incident was open (up to the watermark if it still is) and in the hour before it,
 * in whole minutes: healthy runs come from the traffic summary, failed ones are counted exactly.
 */
function trafficAround(
  scope: ScopeSignals,
  episode: Episode,
  traffic: HealthyTraffic,
  failedWhileOpen: number,
): IncidentTraffic {
  const watermarkMs = Math.max(scope.latestEventMs, traffic.watermarkMs ?? Number.NEGATIVE_INFINITY);
  const openUntilMs = Number.isFinite(episode.endMs) ? episode.endMs : Math.max(watermarkMs, episode.startMs);
  const open = traffic.runsBetween(episode.startMs, openUntilMs);
  const openingMinute = minuteOf(episode.startMs);
  const hourFromMs = (openingMinute - 60) * MINUTE_MS;
  const hourToMs = openingMinute * MINUTE_MS - 1;
  const before = traffic.runsBetween(hourFromMs, hourToMs);
  const finishedBefore = latestRuns(
    scope.executions.filter((e) => e.eventTimeMs >= hourFromMs && e.eventTimeMs <= hourToMs),
  ).filter((e) => isFailedStatus(e.status) || e.status === 'ABORTED');
  const failedBefore = finishedBefore.filter((e) => isFailedStatus(e.status)).length;
  return {
    started: open.started,
    succeeded: open.succeeded,
    failed: failedWhileOpen,
    hourBefore: { finished: before.succeeded + finishedBefore.length, failed: failedBefore },
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
  return [...runs.values()].sort(compareSignals);
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

/** "orders: 20 of 240 runs failed (8%); 0.2% in the hour before (States.TaskFailed)". */
function titleFor(
  stateMachineArn: string,
  failed: readonly ExecutionSignal[],
  aborted: readonly ExecutionSignal[],
  firstTrigger: Signal,
  traffic: IncidentTraffic,
): string {
  const name = shortName(stateMachineArn);
  if (failed.length > 0) {
    const errors = [...new Set(failed.map((e) => e.error).filter((e) => e !== undefined))];
    const detail =
      errors.length === 0 ? '' : ` (${errors.slice(0, 2).join(', ')}${errors.length > 2 ? ', …' : ''})`;
    const finished = failed.length + aborted.length + traffic.succeeded;
    const before =
      traffic.hourBefore.finished === 0
        ? 'no runs finished in the hour before'
        : `${percent(traffic.hourBefore.failed, traffic.hourBefore.finished)} in the hour before`;
    return `${name}: ${failed.length} of ${finished} runs failed (${percent(failed.length, finished)}); ${before}${detail}`;
  }
  if (aborted.length > 0) return `${name}: ${aborted.length} execution(s) aborted`;
  if (firstTrigger.kind === 'alarm-state') return `${name}: alarm ${firstTrigger.alarmName} in ALARM`;
  return `${name}: incident`;
}

/** Whole percents, one decimal below 10% so a low rate does not read as zero. */
function percent(part: number, whole: number): string {
  const value = (100 * part) / whole;
  if (value === 0 || value >= 10) return `${Math.round(value)}%`;
  return `${Math.round(value * 10) / 10}%`;
}
