import type { CorrelationConfig } from '../config.ts';
import { isHealthyRun } from '../signals/run-status.ts';
import type { Signal } from '../signals/types.ts';
import { Topology } from '../topology/graph.ts';
import { type Link, linkKey, linksFromSignal } from '../topology/links.ts';
import { linksReachableFrom } from './load-topology.ts';
import type { BatchPlan } from './plan-batch.ts';
import type { IncidentStore } from './ports.ts';

/** A signal bound for a scope, with the records it came from. */
export interface ScopeAssignment {
  readonly stateMachineArn: string;
  readonly signal: Signal;
  readonly recordIds: readonly string[];
}

export interface PreparedBatch {
  readonly plan: BatchPlan;
  readonly learnedLinks: readonly Link[];
  readonly assignments: readonly ScopeAssignment[];
}

/**
 * The batch-wide store work, done in bulk before any scope is evolved: quarantine poison items,
 * learn links, keep the decisive signals and API calls as context, and find each signal's scopes.
 * Writing them first is what lets a concurrent consumer of the same scope see them when it
 * re-derives; healthy runs reach a concurrent consumer through the scope's version instead.
 */
export async function prepareBatch(
  plan: BatchPlan,
  store: IncidentStore,
  config: CorrelationConfig,
): Promise<PreparedBatch> {
  if (plan.quarantine.length > 0) await store.quarantine(plan.quarantine);
  const signals = plan.signals.map((s) => s.signal);
  const learned = uniqueLinks(signals.flatMap((signal) => linksFromSignal(signal, config)));
  if (learned.length > 0) await store.saveLinks(learned);
  // Healthy runs are not context: they reach incidents through the scopes' traffic summaries.
  const kept = signals.filter((signal) => !isHealthyRun(signal));
  if (kept.length > 0) await store.saveSignals(kept);

  const subjects = [...new Set(signals.flatMap((signal) => signal.subjects))];
  const topology = new Topology(await linksReachableFrom(store, subjects, learned, config));
  const assignments = plan.signals.flatMap(({ signal, recordIds }) =>
    topology
      .scopesOf(signal.subjects)
      .map((scope) => ({ stateMachineArn: scope.stateMachineArn, signal, recordIds })),
  );
  return { plan, learnedLinks: learned, assignments };
}

function uniqueLinks(links: readonly Link[]): Link[] {
  return [...new Map(links.map((link) => [linkKey(link), link])).values()];
}
