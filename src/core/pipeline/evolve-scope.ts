import { canonicalJson } from '../canonical-json.ts';
import type { CorrelationConfig } from '../config.ts';
import { correlateScope } from '../incident/correlate.ts';
import type { Incident } from '../incident/types.ts';
import type { Signal } from '../signals/types.ts';
import { Topology } from '../topology/graph.ts';
import type { Link } from '../topology/links.ts';
import { linksInto } from './load-topology.ts';
import type { IncidentStore } from './ports.ts';

export interface EvolveDeps {
  readonly store: IncidentStore;
  readonly config: CorrelationConfig;
  /** Waits between conflict retries; injected so the core has no timers of its own. */
  readonly delay: (ms: number) => Promise<void>;
  readonly maxAttempts: number;
  /** Quiet-period watermark: the sweeper passes the wall clock, stream processing leaves it out. */
  readonly asOfMs?: number;
}

export interface EvolveResult {
  readonly changed: readonly Incident[];
  readonly attempts: number;
}

export class ScopeConflictError extends Error {
  constructor(stateMachineArn: string, attempts: number) {
    super(`scope ${stateMachineArn} kept changing under us: gave up after ${attempts} attempts`);
    this.name = 'ScopeConflictError';
  }
}

/**
 * Re-derives one scope's incidents from its signals and commits what changed with an optimistic
 * version check. On a conflict (another consumer committed first) it reloads and re-derives: the
 * derivation is a pure function of the signal set, so a retry converges on the same answer.
 */
export async function evolveScope(
  stateMachineArn: string,
  batchSignals: readonly Signal[],
  batchLinks: readonly Link[],
  deps: EvolveDeps,
): Promise<EvolveResult> {
  const { store, config } = deps;
  const batchStartMs = Math.min(...batchSignals.map((s) => s.eventTimeMs));
  for (let attempt = 1; attempt <= deps.maxAttempts; attempt++) {
    // The version is read before the signals, so a signal committed by someone else after our read
    // always shows up as a version conflict rather than being lost.
    const state = await store.loadScope(stateMachineArn);
    const openSinceMs = Math.min(
      batchStartMs,
      ...state.incidents.filter((i) => i.status === 'OPEN').map((i) => Date.parse(i.openedAt)),
    );
    const sinceMs = openSinceMs - config.contextHorizonMs;
    const links = await linksInto(store, stateMachineArn, batchLinks);
    const topology = new Topology(links);
    const subjects = topology.subjectsOf(stateMachineArn);
    const stored = await store.signalsOf(subjects, sinceMs);
    const derived = correlateScope(
      stateMachineArn,
      [...stored, ...batchSignals],
      topology,
      config,
      deps.asOfMs,
    );

    // Incidents that began before the horizon were derived from a partial view: leave them as stored.
    const frozenBeforeMs = Number.isFinite(sinceMs) ? sinceMs + config.contextHorizonMs / 2 : sinceMs;
    const writable = derived.filter((incident) => Date.parse(incident.openedAt) >= frozenBeforeMs);
    const before = new Map(state.incidents.map((incident) => [incident.id, incident]));
    const changed = writable.filter((incident) => !sameIncident(before.get(incident.id), incident));
    const derivedIds = new Set(derived.map((incident) => incident.id));
    const superseded = state.incidents
      .filter((old) => Date.parse(old.openedAt) >= frozenBeforeMs && !derivedIds.has(old.id))
      .map((old) => ({ id: old.id, mergedInto: mergedInto(old, derived) }));
    if (changed.length === 0 && superseded.length === 0) return { changed: [], attempts: attempt };

    const outcome = await store.commitScope(stateMachineArn, state.version, {
      incidents: changed,
      superseded,
    });
    if (outcome === 'committed') return { changed, attempts: attempt };
    await deps.delay(Math.min(1000, 25 * 2 ** attempt) * (0.5 + ((attempt * 7919) % 100) / 200));
  }
  throw new ScopeConflictError(stateMachineArn, deps.maxAttempts);
}

function sameIncident(a: Incident | undefined, b: Incident): boolean {
  return a !== undefined && canonicalJson(a) === canonicalJson(b);
}

/** The derived incident that now covers the superseded one's opening time, if any. */
function mergedInto(old: Incident, derived: readonly Incident[]): string | undefined {
  const openedMs = Date.parse(old.openedAt);
  return derived.find(
    (incident) =>
      Date.parse(incident.openedAt) <= openedMs &&
      (incident.resolvedAt === null || Date.parse(incident.resolvedAt) >= openedMs),
  )?.id;
}
