import { ScopeConflictError } from '../../errors.ts';
import type { CorrelationConfig } from '../config.ts';
import type { Incident } from '../incident/types.ts';
import { Topology } from '../topology/graph.ts';
import { type Link, staticLinks } from '../topology/links.ts';
import {
  minuteOf,
  type TrafficMinute,
  type TrafficState,
  trafficView,
  withHistory,
} from '../traffic/traffic.ts';
import { decideScope, planScope, type ScopePlan, type ScopeWork } from './decide-scope.ts';
import { linksInto } from './load-topology.ts';
import type { IncidentStore, ScopeState } from './ports.ts';
import { readScope } from './read-scope.ts';

export type { ScopeWork } from './decide-scope.ts';

/**
 * How a scope commit that lost a race is retried: reload, decide again, commit again, with a
 * jittered exponential backoff between attempts. Deciding is pure, so every retry converges.
 */
export interface CommitRetryPolicy {
  readonly maxAttempts: number;
  /** Waits between attempts; injected so the core has no timers of its own. */
  readonly delay: (ms: number) => Promise<void>;
}

export const backoffMs = (attempt: number): number =>
  Math.min(1000, 25 * 2 ** attempt) * (0.5 + ((attempt * 7919) % 100) / 200);

export interface EvolveDeps {
  readonly store: IncidentStore;
  readonly config: CorrelationConfig;
  readonly retry: CommitRetryPolicy;
  /** Links the batch learned (not necessarily stored yet when read back). */
  readonly learnedLinks: readonly Link[];
}

export interface EvolveResult {
  readonly changed: readonly Incident[];
  readonly attempts: number;
  /**
   * A capped read left the view partial, so the stored incidents were left exactly as they are:
   * deriving from a view known to be partial would supersede or rewrite what it cannot see.
   */
  readonly partial: boolean;
  /** Healthy runs that came after their minute had closed: counted, not folded. */
  readonly late: number;
}

/**
 * Evolves one scope: plan (fold the batch into its state), read the kept context if an incident
 * can change, decide, commit with the state's version as the condition. On a conflict (another
 * consumer committed first) it reloads and decides again. `preloaded` is the state the batch's bulk
 * read found, used for the first attempt.
 */
export async function evolveScope(
  stateMachineArn: string,
  work: ScopeWork,
  deps: EvolveDeps,
  preloaded?: ScopeState,
): Promise<EvolveResult> {
  const { store, config } = deps;
  const asOfMs = work.mode === 'sweep' ? work.asOfMs : undefined;
  const batchSignals = work.mode === 'batch' ? work.signals : [];
  for (let attempt = 1; attempt <= deps.retry.maxAttempts; attempt++) {
    const state =
      attempt === 1 && preloaded !== undefined ? preloaded : await store.loadScope(stateMachineArn);
    const plan = planScope(state, work, config);
    let view: Awaited<ReturnType<typeof readScope>> | undefined;
    let topology: Topology | undefined;
    let history: readonly TrafficMinute[] = [];
    if (plan.deriveSinceMs !== undefined) {
      history = await trafficHistoryFor(store, stateMachineArn, state.traffic, plan, config);
      // Configured links are never stored: without them here, a configured function's alarms
      // would scope to the state machine in the batch and be dropped from its incidents.
      const known = [...deps.learnedLinks, ...staticLinks(config)];
      topology = new Topology(await linksInto(store, stateMachineArn, known));
      view = await readScope(store, {
        stateMachineArn,
        topology,
        sinceMs: plan.deriveSinceMs,
        batchSignals,
        traffic: trafficView(withHistory(plan.fold.state, history, config.contextHorizonMs)),
        storedMembers: state.membersDigest,
        seal: state.seal,
        config,
        asOfMs,
      });
    }
    const decision = decideScope({ stateMachineArn, state, plan, view, history, topology, config, asOfMs });
    const late = plan.fold.late + plan.lateDecisive;
    if (decision.kind === 'unchanged') return { changed: [], attempts: attempt, partial: false, late };
    if (decision.kind === 'partial') return { changed: [], attempts: attempt, partial: true, late };
    const outcome = await store.commitScope(stateMachineArn, state.version, decision.change);
    if (outcome === 'committed')
      return { changed: decision.changed, attempts: attempt, partial: view?.complete === false, late };
    await deps.retry.delay(backoffMs(attempt));
  }
  throw new ScopeConflictError(stateMachineArn, deps.retry.maxAttempts);
}

/**
 * The history a derivation needs: the hours inside the horizon and the view (which starts shortly
 * before the seal, once there is one) that the summary moved off the state. The stored ones are
 * read only when some were moved, so a scope younger than that costs no read for it; the hours this
 * batch's fold moves are not stored yet and come from the fold (without them, the derivation that
 * archives them would see no traffic there).
 */
async function trafficHistoryFor(
  store: IncidentStore,
  stateMachineArn: string,
  stored: TrafficState,
  plan: ScopePlan,
  config: CorrelationConfig,
): Promise<readonly TrafficMinute[]> {
  const { state: traffic, archived } = plan.fold;
  if (traffic.watermarkMs === null || plan.deriveSinceMs === undefined) return [];
  const fromMinute = minuteOf(Math.max(traffic.watermarkMs - config.contextHorizonMs, plan.deriveSinceMs));
  const before = stored.historyBeforeMinute;
  const read =
    before === null || before === undefined || before <= fromMinute
      ? []
      : await store.trafficHistory(stateMachineArn, fromMinute);
  const moving = archived.flatMap((hour) => hour.minutes).filter(([minute]) => minute >= fromMinute);
  if (moving.length === 0) return read;
  // A retried commit may find the hours it moves already stored by a racing consumer: once each.
  const byMinute = new Map<number, TrafficMinute>(read.map((entry) => [entry[0], entry]));
  for (const entry of moving) byMinute.set(entry[0], entry);
  return [...byMinute.values()];
}
