import { z } from 'zod';
import type { CorrelationConfig } from '../config.ts';
import type { DeepReadonly } from '../deep-readonly.ts';
import { compareAlarmTransitions } from '../incident/scope-signals.ts';
import type { Incident } from '../incident/types.ts';
import { compareSignals } from '../signals/order.ts';
import { isHealthyRun } from '../signals/run-status.ts';
import {
  type AlarmConfigSignal,
  type AlarmStateSignal,
  type Signal,
  signalSchema,
} from '../signals/types.ts';

/**
 * Sealing (docs/architecture.md, "Sealed incidents"): once an incident resolved so long ago that no
 * signal within the allowed lateness can reopen it or join it, it and every incident before it are
 * final. Derivations then start their view shortly before the seal instead of a whole horizon back,
 * so what a batch reads near an outage no longer grows with the outages earlier in the day.
 *
 * What a view that starts late would miss is carried on the seal: for each alarm, its latest
 * transition, configuration change and deletion before the view starts (an alarm's state at any
 * later moment is its latest transition, and "deleted" is any deletion before it).
 */
export const scopeSealSchema = z.object({
  /**
   * Triggers at or before this event time belong to sealed incidents: they never open, extend or
   * reopen an incident again. A decisive signal this old that arrives now is late.
   */
  throughMs: z.number(),
  /** Per alarm: its latest transition, configuration change and deletion before the view start. */
  carry: z.array(signalSchema),
});

export type ScopeSeal = DeepReadonly<z.infer<typeof scopeSealSchema>>;

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * Sealing carries at most this many signals (three per alarm for about 200 alarms). A scope with
 * more alarms than that is not sealed further: it reads the whole horizon, as without sealing.
 * This bounds the state item, never what an incident shows.
 */
export const MAX_CARRIED_SIGNALS = 600;

/** A quiet scope's seal moves by at least this much at a time (see `quietSealMs`). */
export const QUIET_SEAL_STEP_MS = 60 * MINUTE_MS;

/** Offline correlation and any unbounded lateness seal nothing: everything there is on time. */
export function sealingApplies(config: CorrelationConfig): boolean {
  return Number.isFinite(config.contextHorizonMs) && Number.isFinite(config.allowedLatenessMs);
}

/**
 * How far before an incident's opening its derivation looks: alarm transitions and API calls in
 * their look-backs, and the failed runs of the hour before its opening minute (whole minutes, so a
 * minute more).
 */
export function viewLookbackMs(config: CorrelationConfig): number {
  return Math.max(config.alarmLookbackMs, config.apiCallLookbackMs, HOUR_MS) + MINUTE_MS;
}

/** Where a derivation's view may start given the seal: one look-back before the first open time. */
export function sealedViewStartMs(seal: ScopeSeal | undefined, config: CorrelationConfig): number {
  return seal === undefined ? Number.NEGATIVE_INFINITY : seal.throughMs - viewLookbackMs(config);
}

export const sealedThroughOf = (seal: ScopeSeal | undefined): number =>
  seal?.throughMs ?? Number.NEGATIVE_INFINITY;

/** Decisive signals of a batch at or before the seal: kept as context, counted as late. */
export function lateDecisiveSignals(seal: ScopeSeal | undefined, signals: readonly Signal[]): number {
  const through = sealedThroughOf(seal);
  let late = 0;
  for (const signal of signals) if (!isHealthyRun(signal) && signal.eventTimeMs <= through) late++;
  return late;
}

export interface SealInput {
  readonly seal: ScopeSeal | undefined;
  /** Every incident the derivation gave, opening after the current seal. */
  readonly derived: readonly Incident[];
  /** Of those, the ones stored as derived (written by this commit or unchanged). */
  readonly stored: readonly Incident[];
  /** The view the derivation read, with the current seal's carry. */
  readonly viewSignals: readonly Signal[];
  /** Whether the scope has a stored incident still open (one the view may not have derived). */
  readonly openStored: boolean;
  /** The scope's event-time watermark. */
  readonly watermarkMs: number | null;
  readonly config: CorrelationConfig;
}

/**
 * The seal after a derivation: moved forward to the latest stored incident that nothing within the
 * allowed lateness can reopen or extend any more, or left as it was. An incident resolved at R is
 * sealed through R + max(reopen window, incident gap) once that is at least the allowed lateness
 * behind the watermark and no incident opens between R and it; a quiet scope's moves to the
 * lateness boundary itself (`quietSealMs`).
 */
export function nextSeal(input: SealInput): ScopeSeal | undefined {
  const { seal, config } = input;
  if (!sealingApplies(config) || input.watermarkMs === null) return seal;
  const boundaryMs = input.watermarkMs - config.allowedLatenessMs;
  const reachMs = Math.max(config.reopenWindowMs, config.incidentGapMs);
  const openings = input.derived.map((incident) => Date.parse(incident.openedAt));
  let throughMs = sealedThroughOf(seal);
  for (const incident of input.stored) {
    if (incident.resolvedAt === null) continue;
    const resolvedMs = Date.parse(incident.resolvedAt);
    const candidate = resolvedMs + reachMs;
    if (candidate > boundaryMs || candidate <= throughMs) continue;
    if (openings.some((openedMs) => openedMs > resolvedMs && openedMs <= candidate)) continue;
    throughMs = candidate;
  }
  const quietThroughMs = quietSealMs(input, throughMs, boundaryMs, reachMs);
  if (quietThroughMs !== undefined) throughMs = quietThroughMs;
  if (throughMs === sealedThroughOf(seal)) return seal;
  const carry = carriedBefore(throughMs - viewLookbackMs(config), input.viewSignals);
  if (carry.length > MAX_CARRIED_SIGNALS) return seal;
  return { throughMs, carry };
}

/**
 * A quiet scope seals through the lateness boundary. Every trigger after the seal belongs to a
 * derived incident (episodes partition the triggers), so when every derived incident resolved at
 * least its reach behind the boundary, or there is none, no trigger lies between the last of them
 * and the boundary: an on-time trigger can only open a fresh incident, whose look-back starts after
 * the view that a seal at the boundary leaves. Without this, a scope's seal stayed at its last
 * incident while the watermark moved on, and each derivation read every alarm transition and API
 * call since (docs/architecture.md, "Sealed incidents"). It moves in steps of `QUIET_SEAL_STEP_MS`
 * so that a scope deriving with every batch does not rewrite its seal with every batch.
 */
function quietSealMs(
  input: SealInput,
  throughMs: number,
  boundaryMs: number,
  reachMs: number,
): number | undefined {
  if (boundaryMs - throughMs < QUIET_SEAL_STEP_MS) return undefined;
  if (input.openStored) return undefined;
  for (const incident of input.derived) {
    if (incident.resolvedAt === null) return undefined;
    if (Date.parse(incident.resolvedAt) + reachMs > boundaryMs) return undefined;
  }
  return boundaryMs;
}

/** Per alarm, what its state after `beforeMs` depends on from before it. */
function carriedBefore(beforeMs: number, signals: readonly Signal[]): Signal[] {
  const transitions = new Map<string, AlarmStateSignal>();
  const configs = new Map<string, AlarmConfigSignal>();
  const deletions = new Map<string, AlarmConfigSignal>();
  for (const signal of signals) {
    if (signal.eventTimeMs >= beforeMs) continue;
    if (signal.kind === 'alarm-state') keepLatest(transitions, signal, compareAlarmTransitions);
    if (signal.kind === 'alarm-config') {
      keepLatest(configs, signal, compareSignals);
      if (signal.operation === 'delete') keepLatest(deletions, signal, compareSignals);
    }
  }
  const carried = new Map<string, Signal>();
  for (const signal of [...transitions.values(), ...configs.values(), ...deletions.values()])
    carried.set(signal.signalId, signal);
  return [...carried.values()].sort(compareSignals);
}

function keepLatest<T extends AlarmStateSignal | AlarmConfigSignal>(
  latest: Map<string, T>,
  signal: T,
  compare: (a: T, b: T) => number,
): void {
  const known = latest.get(signal.alarmArn);
  if (known === undefined || compare(signal, known) > 0) latest.set(signal.alarmArn, signal);
}
