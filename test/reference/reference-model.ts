import { type CorrelationConfig, DEFAULT_CONFIG } from '../../src/core/config.ts';
import { correlateScope } from '../../src/core/incident/correlate.ts';
import type { Incident } from '../../src/core/incident/types.ts';
import type { Signal } from '../../src/core/signals/types.ts';
import { Topology } from '../../src/core/topology/graph.ts';
import { type Link, linkKey, linksFromSignal, staticLinks } from '../../src/core/topology/links.ts';

/**
 * The reference model (DESIGN §3): the incidents a complete set of signals must give, computed with
 * no store, no caps, no batching, no concurrency and no horizon: every link learned from every
 * signal, then the pure projection over each scope's whole signal set. Pipeline tests compare with
 * this, never with another run of the pipeline, so a bug shared by two runs cannot hide.
 */
export function referenceIncidents(
  signals: Iterable<Signal>,
  config: CorrelationConfig = DEFAULT_CONFIG,
): Incident[] {
  const unique = new Map<string, Signal>();
  // A signal about no resource is ignored at the edge: it can belong to no scope.
  for (const signal of signals) if (signal.subjects.length > 0) unique.set(signal.signalId, signal);
  const all = [...unique.values()];

  const links = new Map<string, Link>();
  for (const link of [...all.flatMap((signal) => linksFromSignal(signal, config)), ...staticLinks(config)])
    links.set(linkKey(link), link);
  const topology = new Topology(links.values());

  const byScope = new Map<string, Signal[]>();
  for (const signal of all) {
    for (const { stateMachineArn } of topology.scopesOf(signal.subjects)) {
      const bucket = byScope.get(stateMachineArn);
      if (bucket === undefined) byScope.set(stateMachineArn, [signal]);
      else bucket.push(signal);
    }
  }
  return [...byScope]
    .flatMap(([stateMachineArn, scoped]) => correlateScope(stateMachineArn, scoped, topology, config))
    .sort(byOpening);
}

export const byOpening = (a: Incident, b: Incident): number =>
  a.openedAt < b.openedAt ? -1 : a.openedAt > b.openedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
