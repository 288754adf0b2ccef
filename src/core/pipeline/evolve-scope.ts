import { ScopeConflictError } from '../../errors.ts';
import type { CorrelationConfig } from '../config.ts';
import { correlateScope } from '../incident/correlate.ts';
import { incidentDigest } from '../incident/digest.ts';
import type { Incident } from '../incident/types.ts';
import type { Signal } from '../signals/types.ts';
import { Topology } from '../topology/graph.ts';
import type { Link } from '../topology/links.ts';
import { linksInto } from './load-topology.ts';
import type { IncidentStore, ScopeState, StoredIncidentSummary } from './ports.ts';
import { readScope } from './read-scope.ts';

export interface EvolveDeps {
  readonly store: IncidentStore;
  readonly config: CorrelationConfig;
  /** Waits between conflict retries; injected so the core has no timers of its own. */
  readonly delay: (ms: number) => Promise<void>;
  readonly maxAttempts: number;
}

/**
 * Why a scope is evolved. A batch brings signals and moves on event time only; a sweep brings none
 * and uses the wall clock as the watermark, so incidents whose workflow simply stopped failing (and
 * never ran again) resolve after their quiet period.
 */
export type ScopeWork =
  | { readonly mode: 'batch'; readonly signals: readonly Signal[]; readonly learnedLinks: readonly Link[] }
  | { readonly mode: 'sweep'; readonly asOfMs: number };

export interface EvolveResult {
  readonly changed: readonly Incident[];
  readonly attempts: number;
  /**
   * A capped read left the view partial, so the stored incidents were left exactly as they are:
   * deriving from a view known to be partial would supersede or rewrite what it cannot see.
   */
  readonly partial: boolean;
}

/**
 * Re-derives one scope's incidents from its signals and commits what changed with an optimistic
 * version check. On a conflict (another consumer committed first) it reloads and re-derives: the
 * derivation is a pure function of the signal set, so a retry converges on the same answer.
 */
export async function evolveScope(
  stateMachineArn: string,
  work: ScopeWork,
  deps: EvolveDeps,
): Promise<EvolveResult> {
  const { store, config } = deps;
  const batchSignals = work.mode === 'batch' ? work.signals : [];
  const asOfMs = work.mode === 'sweep' ? work.asOfMs : undefined;
  for (let attempt = 1; attempt <= deps.maxAttempts; attempt++) {
    // The version is read before the signals, so a signal committed by someone else after our read
    // always shows up as a version conflict rather than being lost.
    const state = await store.loadScope(stateMachineArn);
    const earliestMs = earliestOfInterest(state, batchSignals);
    if (earliestMs === undefined) return { changed: [], attempts: attempt, partial: false };
    const sinceMs = earliestMs - config.contextHorizonMs;
    const topology = new Topology(
      await linksInto(store, stateMachineArn, work.mode === 'batch' ? work.learnedLinks : []),
    );
    const view = await readScope(store, stateMachineArn, topology, sinceMs, batchSignals, config, asOfMs);
    if (!view.complete) return { changed: [], attempts: attempt, partial: true };
    const derived = correlateScope(stateMachineArn, view.signals, topology, config, asOfMs);

    // Incidents that began before the horizon were derived from a partial view: leave them as stored.
    // (An unbounded horizon, as offline, freezes nothing.)
    const frozenBeforeMs = Number.isFinite(sinceMs)
      ? sinceMs + config.contextHorizonMs / 2
      : Number.NEGATIVE_INFINITY;
    const writable = derived.filter((incident) => Date.parse(incident.openedAt) >= frozenBeforeMs);
    const changed = writable.filter(
      (incident) => state.digests.get(incident.id) !== incidentDigest(incident),
    );
    const derivedIds = new Set(derived.map((incident) => incident.id));
    const superseded = state.incidents
      .filter((old) => Date.parse(old.openedAt) >= frozenBeforeMs && !derivedIds.has(old.id))
      .map((old) => ({ id: old.id, mergedInto: mergedInto(old, derived) }));
    if (changed.length === 0 && superseded.length === 0)
      return { changed: [], attempts: attempt, partial: false };

    const outcome = await store.commitScope(stateMachineArn, state.version, {
      incidents: changed,
      superseded,
    });
    if (outcome === 'committed') return { changed, attempts: attempt, partial: false };
    await deps.delay(Math.min(1000, 25 * 2 ** attempt) * (0.5 + ((attempt * 7919) % 100) / 200));
  }
  throw new ScopeConflictError(stateMachineArn, deps.maxAttempts);
}

/**
 * Where the scope's view must start (before the horizon is subtracted): the batch's earliest signal
 * or the earliest open incident, whichever is first. A sweep of a scope with nothing open has
 * nothing to do.
 */
function earliestOfInterest(state: ScopeState, batchSignals: readonly Signal[]): number | undefined {
  let earliest: number | undefined;
  const consider = (ms: number) => {
    if (earliest === undefined || ms < earliest) earliest = ms;
  };
  for (const signal of batchSignals) consider(signal.eventTimeMs);
  for (const incident of state.incidents)
    if (incident.status === 'OPEN') consider(Date.parse(incident.openedAt));
  return earliest;
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
