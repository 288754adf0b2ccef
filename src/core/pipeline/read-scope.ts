import { parseAlarmArn } from '../arn.ts';
import type { CorrelationConfig } from '../config.ts';
import { episodesOf } from '../incident/episodes.ts';
import { collectScopeSignals } from '../incident/scope-signals.ts';
import type { Signal } from '../signals/types.ts';
import type { Topology } from '../topology/graph.ts';
import type { HealthyTraffic } from '../traffic/traffic.ts';
import type { ContextRange, IncidentStore } from './ports.ts';

export interface ScopeView {
  /** Every signal the scope's incidents depend on (and possibly a few more, which change nothing). */
  readonly signals: readonly Signal[];
  /** False when a capped read cut something: the view is then known to be partial. */
  readonly complete: boolean;
}

/**
 * Reads the kept context one scope's incidents are derived from (docs/architecture.md, "Reading a
 * scope"): every decisive signal of the horizon, then the API calls inside the look-back windows of
 * the episodes those give. Healthy traffic is not read: the scope's traffic summary, loaded with
 * its state, stands for it. Nothing read here grows with a state machine's healthy runs.
 */
export async function readScope(
  store: IncidentStore,
  stateMachineArn: string,
  topology: Topology,
  sinceMs: number,
  batchSignals: readonly Signal[],
  traffic: HealthyTraffic,
  config: CorrelationConfig,
  asOfMs: number | undefined,
): Promise<ScopeView> {
  const subjects = topology.subjectsOf(stateMachineArn);
  // API calls (Step Functions' CloudTrail events) never name an alarm: its partitions hold none.
  const callSubjects = subjects.filter((subject) => parseAlarmArn(subject) === undefined);
  const view = new Map<string, Signal>();
  let complete = true;
  const read = async (range: ContextRange) => {
    const found = await store.contextBetween(range);
    complete &&= found.complete;
    for (const signal of found.signals) view.set(signal.signalId, signal);
  };
  const bounded = (fromMs: number, toMs: number) => (Number.isFinite(toMs) ? { fromMs, toMs } : { fromMs });

  await read({ subjects, contextClass: 'decisive', fromMs: sinceMs });
  for (const signal of batchSignals) view.set(signal.signalId, signal);

  const scope = collectScopeSignals(stateMachineArn, view.values(), topology);
  const windows = mergeRanges(
    episodesOf(scope, traffic, config, asOfMs).map((episode) => ({
      fromMs: episode.startMs - config.apiCallLookbackMs,
      toMs: episode.endMs,
    })),
  );
  await Promise.all(
    windows.map((w) =>
      read({ subjects: callSubjects, contextClass: 'api-call', ...bounded(w.fromMs, w.toMs) }),
    ),
  );
  return { signals: [...view.values()], complete };
}

interface TimeRange {
  readonly fromMs: number;
  readonly toMs: number;
}

/** Overlapping or touching ranges become one, so no signal is read twice. */
function mergeRanges(ranges: readonly TimeRange[]): TimeRange[] {
  const merged: { fromMs: number; toMs: number }[] = [];
  for (const next of [...ranges].sort((a, b) => a.fromMs - b.fromMs)) {
    const last = merged.at(-1);
    if (last !== undefined && next.fromMs <= last.toMs + 1) last.toMs = Math.max(last.toMs, next.toMs);
    else merged.push({ ...next });
  }
  return merged;
}
