import { parseAlarmArn } from '../arn.ts';
import type { CorrelationConfig } from '../config.ts';
import { episodesOf } from '../incident/episodes.ts';
import { collectScopeSignals } from '../incident/scope-signals.ts';
import type { Signal } from '../signals/types.ts';
import type { Topology } from '../topology/graph.ts';
import { membersDigest } from '../topology/members.ts';
import type { HealthyTraffic } from '../traffic/traffic.ts';
import type { ContextRange, IncidentStore } from './ports.ts';
import { type ScopeSeal, sealedThroughOf } from './seal.ts';

export interface ScopeView {
  /** Every signal the scope's incidents depend on (and possibly a few more, which change nothing). */
  readonly signals: readonly Signal[];
  /** False when a capped read cut something: the view is then known to be partial. */
  readonly complete: boolean;
  /** The members the scope's context partition is complete for after this read. */
  readonly membersDigest: string;
}

export interface ScopeRead {
  readonly stateMachineArn: string;
  readonly topology: Topology;
  /** Where the decisive read starts (inclusive). */
  readonly sinceMs: number;
  readonly batchSignals: readonly Signal[];
  readonly traffic: HealthyTraffic;
  /** The scope state's `membersDigest`: which members its partition already holds. */
  readonly storedMembers: string | undefined;
  /** The scope's seal: its carry joins the view, and triggers up to it open nothing (seal.ts). */
  readonly seal: ScopeSeal | undefined;
  readonly config: CorrelationConfig;
  readonly asOfMs: number | undefined;
}

/**
 * Reads the kept context one scope's incidents are derived from (docs/architecture.md, "Reading a
 * scope"): every decisive signal of the horizon from the scope's own partition, then the API calls
 * inside the look-back windows of the episodes those give. Healthy traffic is not read: the scope's
 * traffic summary, loaded with its state, stands for it. Nothing read here grows with a state
 * machine's healthy runs, nor with how many resources belong to it.
 *
 * When the topology gives the scope members its partition was not completed for (a link learned
 * since, a table written by an older engine), their own partitions are read once and what they
 * hold is filed under the scope: the commit then records the new members.
 */
export async function readScope(store: IncidentStore, input: ScopeRead): Promise<ScopeView> {
  const { stateMachineArn: scope, topology, sinceMs, config } = input;
  const subjects = topology.subjectsOf(scope);
  const members = membersDigest(subjects);
  const view = new Map<string, Signal>();
  let complete = true;
  const fetch = async (range: ContextRange) => {
    const found = await store.contextBetween(range);
    complete &&= found.complete;
    return found.signals;
  };
  const read = async (range: ContextRange) => {
    for (const signal of await fetch(range)) view.set(signal.signalId, signal);
  };
  const bounded = (fromMs: number, toMs: number) => (Number.isFinite(toMs) ? { fromMs, toMs } : { fromMs });

  if (members !== input.storedMembers) {
    // A horizon further back than this read needs, so a late signal soon after finds them too.
    const fromMs = sinceMs - config.contextHorizonMs;
    // API calls (Step Functions' CloudTrail events) never name an alarm: its partitions hold none.
    const callSubjects = subjects.filter((subject) => parseAlarmArn(subject) === undefined);
    // Only filed here: the view below reads the partition as any derivation does, so this path
    // derives exactly what the next one will.
    const found = [
      ...(await fetch({ subjects, contextClass: 'decisive', fromMs })),
      ...(await fetch({
        subjects: callSubjects,
        contextClass: 'api-call',
        fromMs: fromMs - config.apiCallLookbackMs,
      })),
    ];
    const ours = found.filter((signal) =>
      topology.scopesOf(signal.subjects).some((match) => match.stateMachineArn === scope),
    );
    if (ours.length > 0)
      await store.fileUnderScopes(ours.map((signal) => ({ stateMachineArn: scope, signal })));
  }
  await read({ scope, contextClass: 'decisive', fromMs: sinceMs });
  // A batch signal older than the view is late (seal.ts): a later derivation would not see it.
  for (const signal of input.batchSignals)
    if (signal.eventTimeMs >= sinceMs) view.set(signal.signalId, signal);
  for (const signal of input.seal?.carry ?? []) view.set(signal.signalId, signal);

  const scoped = collectScopeSignals(scope, view.values(), topology);
  const sealedThroughMs = sealedThroughOf(input.seal);
  const windows = mergeRanges(
    episodesOf(scoped, input.traffic, config, input.asOfMs, sealedThroughMs).map((episode) => ({
      fromMs: episode.startMs - config.apiCallLookbackMs,
      toMs: episode.endMs,
    })),
  );
  await Promise.all(
    windows.map((w) => read({ scope, contextClass: 'api-call', ...bounded(w.fromMs, w.toMs) })),
  );
  return { signals: [...view.values()], complete, membersDigest: members };
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
