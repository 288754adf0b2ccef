import { type CorrelationConfig, trafficPolicyOf } from '../config.ts';
import { correlateScope } from '../incident/correlate.ts';
import { incidentDigest } from '../incident/digest.ts';
import type { Incident } from '../incident/types.ts';
import { isHealthyRun } from '../signals/run-status.ts';
import type { Signal } from '../signals/types.ts';
import type { Topology } from '../topology/graph.ts';
import {
  foldTraffic,
  minuteOf,
  type TrafficFold,
  type TrafficMinute,
  trafficView,
  withHistory,
} from '../traffic/traffic.ts';
import type { ScopeChange, ScopeState, StoredIncidentSummary } from './ports.ts';
import type { ScopeView } from './read-scope.ts';
import { lateDecisiveSignals, nextSeal, sealedThroughOf, sealedViewStartMs } from './seal.ts';

/**
 * The pure half of evolving a scope (docs/architecture.md, "Deciding a scope"): `planScope` folds
 * a batch into the scope's state and says whether any incident can change; `decideScope` turns the
 * kept context into the change to commit; `evolveState` is the state that commit leaves. The
 * handler around them (evolve-scope.ts) only reads, writes and retries.
 */

/**
 * Why a scope is evolved. A batch brings signals and moves on event time only; a sweep brings none
 * and uses the wall clock as the watermark, so incidents whose workflow simply stopped failing (and
 * never ran again) resolve after their quiet period.
 */
export type ScopeWork =
  | { readonly mode: 'batch'; readonly signals: readonly Signal[] }
  | { readonly mode: 'sweep'; readonly asOfMs: number };

export interface ScopePlan {
  readonly fold: TrafficFold;
  /**
   * Where the context read starts when incidents must be re-derived; undefined when nothing in the
   * work can change one (healthy traffic far from any incident), so only the summary is written.
   * A horizon before the batch's earliest signal or open incident, or one look-back before the
   * scope's seal when that is later.
   */
  readonly deriveSinceMs: number | undefined;
  /**
   * Stored incidents that opened before this are left as they are: those that began before half
   * a horizon into the view (derived from a partial view), and every sealed one.
   */
  readonly frozenBeforeMs: number;
  /** Triggers at or before this belong to sealed incidents (seal.ts). */
  readonly sealedThroughMs: number;
  /** Decisive signals of the batch at or before the seal: kept as context, counted as late. */
  readonly lateDecisive: number;
}

/** The hour before an incident, whose traffic its `traffic.hourBefore` counts. */
const MINUTES_BEFORE = 60;

export function planScope(state: ScopeState, work: ScopeWork, config: CorrelationConfig): ScopePlan {
  const signals = work.mode === 'batch' ? work.signals : [];
  const fold = foldTraffic(state.traffic, signals, trafficPolicyOf(config));
  const open = state.incidents.filter((incident) => incident.status === 'OPEN');
  const mustDerive =
    open.length > 0 ||
    (work.mode === 'batch' && signals.some((signal) => !isHealthyRun(signal))) ||
    fold.folded.some((signal) => state.incidents.some((incident) => countsOn(incident, signal.eventTimeMs)));
  const sealedThroughMs = sealedThroughOf(state.seal);
  const lateDecisive = lateDecisiveSignals(state.seal, signals);
  const frozenBySeal = sealedThroughMs + 1;
  if (!mustDerive)
    return { fold, deriveSinceMs: undefined, frozenBeforeMs: frozenBySeal, sealedThroughMs, lateDecisive };
  // The view starts a horizon before the batch's earliest signal or the earliest open incident.
  let earliest = Number.POSITIVE_INFINITY;
  for (const signal of signals) earliest = Math.min(earliest, signal.eventTimeMs);
  for (const incident of open) earliest = Math.min(earliest, Date.parse(incident.openedAt));
  const horizonStartMs = earliest - config.contextHorizonMs;
  // Incidents that began before the horizon were derived from a partial view: leave them as stored.
  // (An unbounded horizon, as offline, freezes nothing.)
  const frozenByHorizon = Number.isFinite(horizonStartMs)
    ? horizonStartMs + config.contextHorizonMs / 2
    : Number.NEGATIVE_INFINITY;
  return {
    fold,
    deriveSinceMs: Math.max(horizonStartMs, sealedViewStartMs(state.seal, config)),
    frozenBeforeMs: Math.max(frozenByHorizon, frozenBySeal),
    sealedThroughMs,
    lateDecisive,
  };
}

/**
 * Whether a healthy run at `atMs` counts on the incident: in the minutes it was open (whole ones,
 * as IncidentTraffic counts them) or the hour before.
 */
function countsOn(incident: StoredIncidentSummary, atMs: number): boolean {
  const minute = minuteOf(atMs);
  if (minute < minuteOf(Date.parse(incident.openedAt)) - MINUTES_BEFORE) return false;
  // An entry that does not know its resolution is re-derived: that writes it anew, with it.
  if (incident.resolvedAt === null || incident.resolvedAt === undefined) return true;
  return minute <= minuteOf(Date.parse(incident.resolvedAt));
}

export type ScopeDecision =
  | { readonly kind: 'unchanged' }
  /** A capped read: the stored incidents are left exactly as they are (but the summary is kept). */
  | { readonly kind: 'partial' }
  | { readonly kind: 'commit'; readonly change: ScopeChange; readonly changed: readonly Incident[] };

export interface DecideInput {
  readonly stateMachineArn: string;
  readonly state: ScopeState;
  readonly plan: ScopePlan;
  /** The kept context, when `plan.deriveSinceMs` asked for it. */
  readonly view: ScopeView | undefined;
  /** The scope's traffic history inside the horizon, read with the view (empty when none). */
  readonly history: readonly TrafficMinute[];
  readonly topology: Topology | undefined;
  readonly config: CorrelationConfig;
  readonly asOfMs: number | undefined;
}

export function decideScope(input: DecideInput): ScopeDecision {
  const { state, plan, view, topology, config } = input;
  const traffic = plan.fold.state;
  // A partial view records no members: its partition is not known to be complete for them.
  const membersDigest = view?.complete === true ? view.membersDigest : undefined;
  const membersMoved = membersDigest !== undefined && membersDigest !== state.membersDigest;
  const summaryOnly = (): ScopeDecision =>
    plan.fold.changed || membersMoved
      ? {
          kind: 'commit',
          change: { incidents: [], superseded: [], traffic, archived: plan.fold.archived, membersDigest },
          changed: [],
        }
      : { kind: 'unchanged' };
  if (plan.deriveSinceMs === undefined || view === undefined || topology === undefined) return summaryOnly();
  if (!view.complete) return plan.fold.changed ? summaryOnly() : { kind: 'partial' };

  const derived = correlateScope(
    input.stateMachineArn,
    view.signals,
    topology,
    trafficView(withHistory(traffic, input.history, config.contextHorizonMs)),
    config,
    input.asOfMs,
    plan.sealedThroughMs,
  );
  const { frozenBeforeMs } = plan;
  const writable = derived.filter((incident) => Date.parse(incident.openedAt) >= frozenBeforeMs);
  const changed = writable.filter((incident) => state.digests.get(incident.id) !== incidentDigest(incident));
  const derivedIds = new Set(derived.map((incident) => incident.id));
  // A stored incident the derivation no longer gives was merged into the one that now covers its
  // opening; one with no successor is left as it is (a late signal never erases an incident).
  const superseded = state.incidents
    .filter((old) => Date.parse(old.openedAt) >= frozenBeforeMs && !derivedIds.has(old.id))
    .map((old) => ({ id: old.id, mergedInto: mergedInto(old, derived) }))
    .filter((entry): entry is { id: string; mergedInto: string } => entry.mergedInto !== undefined);
  const seal = nextSeal({
    seal: state.seal,
    derived,
    stored: writable,
    viewSignals: view.signals,
    openStored: state.incidents.some((incident) => incident.status === 'OPEN'),
    watermarkMs: traffic.watermarkMs,
    config,
  });
  const sealMoved = seal !== state.seal;
  if (changed.length === 0 && superseded.length === 0 && !sealMoved) return summaryOnly();
  return {
    kind: 'commit',
    change: {
      incidents: changed,
      superseded,
      traffic,
      archived: plan.fold.archived,
      membersDigest,
      ...(sealMoved ? { seal } : {}),
    },
    changed,
  };
}

/** The derived incident that now covers the superseded one's opening time, if any. */
function mergedInto(old: StoredIncidentSummary, derived: readonly Incident[]): string | undefined {
  const openedMs = Date.parse(old.openedAt);
  return derived.find(
    (incident) =>
      Date.parse(incident.openedAt) <= openedMs &&
      (incident.resolvedAt === null || Date.parse(incident.resolvedAt) >= openedMs),
  )?.id;
}

/**
 * The state a committed change leaves: the superseded leave, the changed enter or replace their
 * entry, the summary is the change's. Stores that keep a bounded list apply their bound on top.
 */
export function evolveState(state: ScopeState, change: ScopeChange): ScopeState {
  const superseded = new Set(change.superseded.map(({ id }) => id));
  const incidents = new Map(
    state.incidents.filter(({ id }) => !superseded.has(id)).map((incident) => [incident.id, incident]),
  );
  const digests = new Map([...state.digests].filter(([id]) => !superseded.has(id)));
  for (const incident of change.incidents) {
    incidents.set(incident.id, summaryOf(incident));
    digests.set(incident.id, incidentDigest(incident));
  }
  return {
    incidents: [...incidents.values()],
    digests,
    traffic: change.traffic,
    membersDigest: change.membersDigest ?? state.membersDigest,
    seal: change.seal ?? state.seal,
    version: state.version + 1,
  };
}

export function summaryOf(incident: Incident): StoredIncidentSummary {
  const { id, status, openedAt, resolvedAt } = incident;
  return { id, status, openedAt, resolvedAt };
}
