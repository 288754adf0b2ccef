import { parseAlarmArn } from '../arn.ts';
import type { CorrelationConfig } from '../config.ts';
import type { ContextClass } from '../context/context-class.ts';
import { episodesOf, resolutionAnchorsOf } from '../incident/episodes.ts';
import { collectScopeSignals } from '../incident/scope-signals.ts';
import type { Signal } from '../signals/types.ts';
import type { Topology } from '../topology/graph.ts';
import { isStateMachineArn } from '../topology/links.ts';
import type { ContextRange, IncidentStore } from './ports.ts';

export interface ScopeView {
  /** Every signal the scope's incidents depend on (and possibly a few more, which change nothing). */
  readonly signals: readonly Signal[];
  /** False when a capped read cut something: the view is then known to be partial. */
  readonly complete: boolean;
}

/**
 * Reads what one scope's incidents are derived from, without reading its healthy traffic whole
 * (docs/architecture.md, "Reading a scope"). The projection over the complete signal set depends
 * only on:
 * - every decisive signal (failed runs, alarm transitions and configuration changes) of the horizon;
 * - the newest signal of each class, for the event-time watermark;
 * - the first success after each trigger that a gap follows, which decides resolution;
 * - the successes inside each incident's window and the API calls inside its look-back window.
 * So those are read, in rounds: each round's reads follow from what the previous rounds found, and
 * the result is the projection of the complete set, however busy the state machine is.
 */
export async function readScope(
  store: IncidentStore,
  stateMachineArn: string,
  topology: Topology,
  sinceMs: number,
  batchSignals: readonly Signal[],
  config: CorrelationConfig,
  asOfMs: number | undefined,
): Promise<ScopeView> {
  const subjects = topology.subjectsOf(stateMachineArn);
  // Runs are filed under their state machine; the scope's other subjects hold no executions. API
  // calls (Step Functions' CloudTrail events) never name an alarm: its partitions hold none.
  const runSubjects = subjects.filter(isStateMachineArn);
  const callSubjects = subjects.filter((subject) => parseAlarmArn(subject) === undefined);
  const view = new Map<string, Signal>();
  let complete = true;
  const add = (signal: Signal | undefined) => {
    if (signal !== undefined) view.set(signal.signalId, signal);
  };
  const read = async (range: ContextRange) => {
    const found = await store.contextBetween(range);
    complete &&= found.complete;
    for (const signal of found.signals) add(signal);
  };
  const edge = async (range: ContextRange, which: 'first' | 'last') =>
    add(await store.contextEdge(range, which));
  const range = (contextClass: ContextClass, fromMs: number, toMs?: number): ContextRange => ({
    subjects:
      contextClass === 'running' || contextClass === 'succeeded'
        ? runSubjects
        : contextClass === 'api-call'
          ? callSubjects
          : subjects,
    contextClass,
    fromMs,
    ...(toMs === undefined || !Number.isFinite(toMs) ? {} : { toMs }),
  });

  await Promise.all([
    read(range('decisive', sinceMs)),
    edge(range('running', sinceMs), 'last'),
    edge(range('succeeded', sinceMs), 'last'),
    edge(range('api-call', sinceMs), 'last'),
  ]);
  for (const signal of batchSignals) add(signal);

  const anchors = resolutionAnchorsOf(collectScopeSignals(stateMachineArn, view.values(), topology), config);
  await Promise.all(
    anchors.map(({ afterMs, beforeMs }) =>
      edge(range('succeeded', afterMs + 1, beforeMs === undefined ? undefined : beforeMs - 1), 'first'),
    ),
  );

  const episodes = episodesOf(collectScopeSignals(stateMachineArn, view.values(), topology), config, asOfMs);
  const windows = (lookbackMs: number) =>
    mergeRanges(episodes.map((episode) => ({ fromMs: episode.startMs - lookbackMs, toMs: episode.endMs })));
  await Promise.all([
    ...windows(0).map((w) => read(range('succeeded', w.fromMs, w.toMs))),
    ...windows(config.apiCallLookbackMs).map((w) => read(range('api-call', w.fromMs, w.toMs))),
  ]);
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
