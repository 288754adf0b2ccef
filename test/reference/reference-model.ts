import { type CorrelationConfig, DEFAULT_CONFIG } from '../../src/core/config.ts';
import { correlateScope } from '../../src/core/incident/correlate.ts';
import type { Incident } from '../../src/core/incident/types.ts';
import type { Signal } from '../../src/core/signals/types.ts';
import { Topology } from '../../src/core/topology/graph.ts';
import { type Link, linkKey, linksFromSignal, staticLinks } from '../../src/core/topology/links.ts';
import type { HealthyTraffic } from '../../src/core/traffic/traffic.ts';

/**
 * The reference model (DESIGN §3): the incidents a complete set of signals must give, computed with
 * no store, no caps, no batching, no concurrency and no horizon: every link learned from every
 * signal, then the pure projection over each scope's whole signal set, with the healthy traffic
 * taken straight from the scope's own healthy runs (not from a summary). Pipeline tests compare with
 * this, never with another run of the pipeline, so a bug shared by two runs cannot hide.
 *
 * `resolution: 'to-the-minute'` (the default) states the engine's documented precision: the first
 * success after a trigger is exact unless a success came before the trigger in the same minute, and
 * then it is that minute's last success. `'exact'` takes the true first success; the differential
 * tests check the two never differ by a minute or more.
 */
export function referenceIncidents(
  signals: Iterable<Signal>,
  config: CorrelationConfig = DEFAULT_CONFIG,
  resolution: 'to-the-minute' | 'exact' = 'to-the-minute',
): Incident[] {
  const unique = new Map<string, Signal>();
  // A signal about no resource is ignored at the edge: it can belong to no scope.
  for (const signal of signals) if (signal.subjects.length > 0) unique.set(signal.signalId, signal);
  const all = [...unique.values()];
  const topology = referenceTopology(all, config);

  const byScope = new Map<string, Signal[]>();
  for (const signal of all) {
    for (const { stateMachineArn } of topology.scopesOf(signal.subjects)) {
      const bucket = byScope.get(stateMachineArn);
      if (bucket === undefined) byScope.set(stateMachineArn, [signal]);
      else bucket.push(signal);
    }
  }
  return [...byScope]
    .flatMap(([stateMachineArn, scoped]) =>
      correlateScope(stateMachineArn, scoped, topology, referenceTraffic(scoped, resolution), config),
    )
    .sort(byOpening);
}

/** Every link learned from every signal, and the configured ones. */
function referenceTopology(signals: readonly Signal[], config: CorrelationConfig): Topology {
  const links = new Map<string, Link>();
  for (const link of [
    ...signals.flatMap((signal) => linksFromSignal(signal, config)),
    ...staticLinks(config),
  ])
    links.set(linkKey(link), link);
  return new Topology(links.values());
}

/** The scopes each signal belongs to once every link is known, by signal id, sorted. */
export function referenceScopes(
  signals: Iterable<Signal>,
  config: CorrelationConfig = DEFAULT_CONFIG,
): Map<string, string[]> {
  const all = [...signals];
  const topology = referenceTopology(all, config);
  return new Map(
    all.map((signal) => [
      signal.signalId,
      topology.scopesOf(signal.subjects).map((scope) => scope.stateMachineArn),
    ]),
  );
}

const MINUTE = 60_000;

/** Healthy traffic computed from the runs themselves, by the definitions in HealthyTraffic's doc. */
function referenceTraffic(scoped: readonly Signal[], resolution: 'to-the-minute' | 'exact'): HealthyTraffic {
  const runsWith = (status: string) =>
    scoped
      .filter((signal) => signal.kind === 'execution' && signal.status === status)
      .map((signal) => signal.eventTimeMs)
      .sort((a, b) => a - b);
  const successes = runsWith('SUCCEEDED');
  const starts = runsWith('RUNNING');
  const minute = (ms: number) => Math.floor(ms / MINUTE);
  const inMinutes = (times: readonly number[], fromMs: number, toMs: number) =>
    times.filter((at) => minute(at) >= minute(fromMs) && minute(at) <= minute(toMs)).length;
  return {
    watermarkMs:
      scoped.length === 0
        ? undefined
        : scoped.reduce((latest, signal) => Math.max(latest, signal.eventTimeMs), Number.NEGATIVE_INFINITY),
    firstSuccessAfter(afterMs) {
      const exact = successes.find((at) => at > afterMs);
      if (resolution === 'exact' || exact === undefined || minute(exact) !== minute(afterMs)) return exact;
      const sameMinute = successes.filter((at) => minute(at) === minute(afterMs));
      const first = Math.min(...sameMinute);
      return first > afterMs ? first : Math.max(...sameMinute);
    },
    runsBetween(fromMs, toMs) {
      return { started: inMinutes(starts, fromMs, toMs), succeeded: inMinutes(successes, fromMs, toMs) };
    },
  };
}

export const byOpening = (a: Incident, b: Incident): number =>
  a.openedAt < b.openedAt ? -1 : a.openedAt > b.openedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
