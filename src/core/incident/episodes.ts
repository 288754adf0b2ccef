import type { CorrelationConfig } from '../config.ts';
import { firedAndNotSuppressed } from '../signals/alarm-rules.ts';
import { compareSignals } from '../signals/order.ts';
import type { Signal } from '../signals/types.ts';
import type { HealthyTraffic } from '../traffic/traffic.ts';
import type { ScopedAlarm, ScopeSignals } from './scope-signals.ts';

/** A trigger opens or extends an incident: a failed execution or a linked alarm entering ALARM. */
export interface Trigger {
  readonly atMs: number;
  readonly signal: Signal;
}

/** One incident's life in event time, before it is dressed with context. */
export interface Episode {
  readonly triggers: readonly Trigger[];
  readonly startMs: number;
  readonly lastTriggerMs: number;
  /** Resolution that stuck, if any, as of the scope's watermark. */
  readonly resolvedAtMs: number | undefined;
  /** Resolutions that a later trigger undid within the reopen window. */
  readonly reopenings: readonly { readonly resolvedAtMs: number; readonly reopenedBy: Trigger }[];
  /** Where this episode's membership ends: its resolution, or the next episode's start. */
  readonly endMs: number;
}

/**
 * A scope's triggers after `sealedThroughMs`: those at or before it belong to sealed incidents,
 * which are final (src/core/pipeline/seal.ts); their signals stay in view as context only.
 */
export function triggersOf(
  scope: ScopeSignals,
  config: CorrelationConfig,
  sealedThroughMs = Number.NEGATIVE_INFINITY,
): Trigger[] {
  const statuses = new Set<string>(config.triggerStatuses);
  const triggers: Trigger[] = [];
  for (const execution of scope.executions) {
    if (statuses.has(execution.status) && execution.eventTimeMs > sealedThroughMs)
      triggers.push({ atMs: execution.eventTimeMs, signal: execution });
  }
  for (const alarm of scope.alarms.values()) {
    for (const transition of alarm.states) {
      // A suppressed alarm is in maintenance on purpose: context, not a page.
      if (firedAndNotSuppressed(transition) && transition.eventTimeMs > sealedThroughMs) {
        triggers.push({ atMs: transition.eventTimeMs, signal: transition });
      }
    }
  }
  // A trigger's time is its signal's event time: the signals' order is the triggers' order.
  return triggers.sort((a, b) => compareSignals(a.signal, b.signal));
}

/**
 * Splits a scope's triggers into incidents. A pure function of the signal set: the same signals in
 * any order, with any duplicates, give the same episodes.
 */
export function episodesOf(
  scope: ScopeSignals,
  traffic: HealthyTraffic,
  config: CorrelationConfig,
  asOfMs: number | undefined,
  sealedThroughMs = Number.NEGATIVE_INFINITY,
): Episode[] {
  const triggers = triggersOf(scope, config, sealedThroughMs);
  // Stream processing moves on event time only; the sweeper passes the wall clock.
  const watermark = Math.max(
    asOfMs ?? Number.NEGATIVE_INFINITY,
    scope.latestEventMs,
    traffic.watermarkMs ?? Number.NEGATIVE_INFINITY,
  );
  const resolution = resolutionFinder(scope, traffic, config);
  const drafts: {
    triggers: Trigger[];
    reopenings: { resolvedAtMs: number; reopenedBy: Trigger }[];
    resolvedAtMs?: number;
  }[] = [];

  for (const trigger of triggers) {
    const current = drafts.at(-1);
    const last = current?.triggers.at(-1);
    if (current === undefined || last === undefined) {
      drafts.push({ triggers: [trigger], reopenings: [] });
      continue;
    }
    if (trigger.atMs - last.atMs <= config.incidentGapMs) {
      current.triggers.push(trigger);
      continue;
    }
    const resolvedAtMs = resolution(last.atMs, trigger.atMs);
    if (resolvedAtMs === undefined) {
      current.triggers.push(trigger);
    } else if (trigger.atMs - resolvedAtMs <= config.reopenWindowMs) {
      current.triggers.push(trigger);
      current.reopenings.push({ resolvedAtMs, reopenedBy: trigger });
    } else {
      current.resolvedAtMs = resolvedAtMs;
      drafts.push({ triggers: [trigger], reopenings: [] });
    }
  }

  const last = drafts.at(-1);
  const lastTrigger = last?.triggers.at(-1);
  if (last !== undefined && lastTrigger !== undefined) {
    last.resolvedAtMs = resolution(lastTrigger.atMs, watermark + 1);
  }

  return drafts.map((draft, index): Episode => {
    const first = draft.triggers[0];
    const lastOfDraft = draft.triggers.at(-1);
    if (first === undefined || lastOfDraft === undefined) throw new Error('an episode always has a trigger');
    const nextStart = drafts[index + 1]?.triggers[0]?.atMs;
    return {
      triggers: draft.triggers,
      startMs: first.atMs,
      lastTriggerMs: lastOfDraft.atMs,
      resolvedAtMs: draft.resolvedAtMs,
      reopenings: draft.reopenings,
      endMs: draft.resolvedAtMs ?? (nextStart === undefined ? Number.POSITIVE_INFINITY : nextStart - 1),
    };
  });
}

/**
 * Finds when an incident resolved after its last trigger, strictly before `beforeMs`: the first
 * moment at which no linked alarm is in ALARM and either an execution has succeeded since the
 * trigger or the quiet period has passed.
 *
 * Whether an alarm is in ALARM changes only at alarm signals, so that moment is always the first
 * success after the trigger, an alarm signal's time or the end of the quiet period. Later successes
 * never decide it, which is why the traffic summary's first success of each minute is enough
 * (docs/architecture.md, "Healthy traffic").
 */
function resolutionFinder(scope: ScopeSignals, traffic: HealthyTraffic, config: CorrelationConfig) {
  const alarms = [...scope.alarms.values()];
  const alarmChanges = alarms.flatMap((alarm) => [
    ...alarm.states.map((s) => s.eventTimeMs),
    ...alarm.configs.filter((c) => c.operation === 'delete').map((c) => c.eventTimeMs),
  ]);

  return (lastTriggerMs: number, beforeMs: number): number | undefined => {
    const quietAt = lastTriggerMs + config.quietPeriodMs;
    const firstSuccess = traffic.firstSuccessAfter(lastTriggerMs);
    const recoveredFrom = Math.min(firstSuccess ?? Number.POSITIVE_INFINITY, quietAt);
    const candidates = [recoveredFrom, ...alarmChanges]
      .filter((at) => at >= recoveredFrom && at > lastTriggerMs && at < beforeMs)
      .sort((a, b) => a - b);
    return candidates.find((at) => !alarms.some((alarm) => isInAlarmAt(alarm, at)));
  };
}

export function isInAlarmAt(alarm: ScopedAlarm, atMs: number): boolean {
  const deleted = alarm.configs.some((c) => c.operation === 'delete' && c.eventTimeMs <= atMs);
  if (deleted) return false;
  let value: string | undefined;
  for (const transition of alarm.states) {
    if (transition.eventTimeMs <= atMs) value = transition.state.value;
  }
  return value === 'ALARM';
}
