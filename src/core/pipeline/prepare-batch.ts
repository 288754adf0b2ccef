import { TransientStoreError } from '../../errors.ts';
import type { CorrelationConfig } from '../config.ts';
import { isHealthyRun } from '../signals/run-status.ts';
import type { Signal } from '../signals/types.ts';
import { Topology } from '../topology/graph.ts';
import { type Link, linkKey, linksFromSignal } from '../topology/links.ts';
import { linksReachableFrom } from './load-topology.ts';
import type { BatchPlan } from './plan-batch.ts';
import type { IncidentStore, ScopeFiling } from './ports.ts';

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

/** How often a batch re-walks the topology because links landed while it was filing its signals. */
const MAX_TOPOLOGY_PASSES = 3;

/**
 * The batch-wide store work, done in bulk before any scope is evolved: quarantine poison items,
 * learn links, keep the decisive signals and API calls as context, and find each signal's scopes.
 * Writing them first is what lets a concurrent consumer of the same scope see them when it
 * re-derives; healthy runs reach a concurrent consumer through the scope's version instead.
 *
 * Kept signals are filed under their subjects and under their scopes. A link another consumer
 * stored after this batch walked the topology would leave a signal out of a scope it belongs to;
 * so the topology version is read again once the signals are filed, and if it moved, the walk is
 * redone and what it newly scopes is filed too (docs/architecture.md, "Topology once per batch").
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
  // After this batch's own links, so they do not count as a move of the topology below.
  let version = await store.topologyVersion();
  // Healthy runs are not context: they reach incidents through the scopes' traffic summaries.
  const kept = signals.filter((signal) => !isHealthyRun(signal));
  if (kept.length > 0) await store.saveSignals(kept);

  const subjects = [...new Set(signals.flatMap((signal) => signal.subjects))];
  const filed = new Set<string>();
  for (let pass = 1; ; pass++) {
    const topology = new Topology(await linksReachableFrom(store, subjects, learned, config));
    const assignments = plan.signals.flatMap(({ signal, recordIds }) =>
      topology
        .scopesOf(signal.subjects)
        .map((scope) => ({ stateMachineArn: scope.stateMachineArn, signal, recordIds })),
    );
    const filings = assignments
      .filter(({ signal }) => !isHealthyRun(signal))
      .filter((filing) => !filed.has(filingKey(filing)));
    if (filings.length > 0) await store.fileUnderScopes(filings);
    for (const filing of filings) filed.add(filingKey(filing));
    if (kept.length === 0) return { plan, learnedLinks: learned, assignments };
    const now = await store.topologyVersion();
    if (now === version) return { plan, learnedLinks: learned, assignments };
    if (pass >= MAX_TOPOLOGY_PASSES)
      throw new TransientStoreError(`the topology kept changing while the batch was filed (${pass} walks)`);
    version = now;
  }
}

const filingKey = (filing: ScopeFiling): string => `${filing.stateMachineArn}|${filing.signal.signalId}`;

function uniqueLinks(links: readonly Link[]): Link[] {
  return [...new Map(links.map((link) => [linkKey(link), link])).values()];
}
