import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../../src/core/config.ts';
import { decideScope, evolveState, planScope } from '../../../src/core/pipeline/decide-scope.ts';
import { EMPTY_SCOPE_STATE, type ScopeState } from '../../../src/core/pipeline/ports.ts';
import type { Signal } from '../../../src/core/signals/types.ts';
import { Topology } from '../../../src/core/topology/graph.ts';
import { execution, minutes, stateMachineArn } from '../../builders/signals.ts';

/**
 * The pure half of evolving a scope, given / when / then: a state, a batch, what must be read and
 * what is committed. No store: the view is the set of kept signals a store would return.
 */
const ORDERS = stateMachineArn();
const NEW_SCOPE: ScopeState = EMPTY_SCOPE_STATE;
const MEMBERS = 'members-of-orders';
const topology = new Topology([]);

function decide(state: ScopeState, signals: readonly Signal[], kept: readonly Signal[] = []) {
  const plan = planScope(state, { mode: 'batch', signals }, DEFAULT_CONFIG);
  const view =
    plan.deriveSinceMs === undefined
      ? undefined
      : { signals: [...kept, ...signals], complete: true, membersDigest: MEMBERS };
  const decision = decideScope({
    stateMachineArn: ORDERS,
    state,
    plan,
    view,
    history: [],
    topology,
    config: DEFAULT_CONFIG,
    asOfMs: undefined,
  });
  return { plan, decision };
}

function committed(state: ScopeState, signals: readonly Signal[], kept: readonly Signal[] = []): ScopeState {
  const { decision } = decide(state, signals, kept);
  if (decision.kind !== 'commit') throw new Error(`expected a commit, got ${decision.kind}`);
  return evolveState(state, decision.change);
}

describe('deciding a scope', () => {
  it('given a quiet scope, when only healthy runs arrive, then only the summary is written', () => {
    const { plan, decision } = decide(NEW_SCOPE, [execution('ok', minutes(0), 'SUCCEEDED')]);
    expect(plan.deriveSinceMs).toBeUndefined();
    expect(decision).toMatchObject({
      kind: 'commit',
      changed: [],
      change: { incidents: [], superseded: [], membersDigest: undefined },
    });
  });

  it('given a scope whose members grew, when its view is read whole, then the commit records them', () => {
    const failure = execution('bad', minutes(0), 'FAILED');
    const open = committed(NEW_SCOPE, [failure]);
    expect(open.membersDigest).toBe(MEMBERS);
    // The same failure again changes no incident and no traffic; the members alone are news.
    const grown = { ...open, membersDigest: 'members-before-a-function-joined' };
    const { decision } = decide(grown, [failure]);
    expect(decision).toMatchObject({
      kind: 'commit',
      changed: [],
      change: { incidents: [], membersDigest: MEMBERS },
    });
    expect(decide(open, [failure]).decision).toEqual({ kind: 'unchanged' });
  });

  it('given a quiet scope, when a run fails, then an incident opens', () => {
    const { plan, decision } = decide(NEW_SCOPE, [execution('bad', minutes(0), 'FAILED')]);
    expect(plan.deriveSinceMs).toBe(minutes(0) - DEFAULT_CONFIG.contextHorizonMs);
    expect(decision.kind === 'commit' && decision.changed.map((incident) => incident.status)).toEqual([
      'OPEN',
    ]);
  });

  it('given an open incident, when a run succeeds, then the incident resolves at that success', () => {
    const failure = execution('bad', minutes(0), 'FAILED');
    const open = committed(NEW_SCOPE, [failure]);
    const { decision } = decide(open, [execution('ok', minutes(2), 'SUCCEEDED')], [failure]);
    if (decision.kind !== 'commit') throw new Error('expected a commit');
    expect(decision.changed).toHaveLength(1);
    expect(decision.changed[0]).toMatchObject({
      status: 'RESOLVED',
      resolvedAt: new Date(minutes(2)).toISOString(),
    });
  });

  it('given a resolved incident, when healthy runs arrive hours later, then nothing is re-derived', () => {
    const failure = execution('bad', minutes(0), 'FAILED');
    const resolved = committed(
      committed(NEW_SCOPE, [failure]),
      [execution('ok', minutes(2), 'SUCCEEDED')],
      [failure],
    );
    const { plan, decision } = decide(resolved, [execution('later', minutes(180), 'SUCCEEDED')], [failure]);
    expect(plan.deriveSinceMs).toBeUndefined();
    expect(decision).toMatchObject({ kind: 'commit', changed: [] });
  });

  it('given a resolved incident, when a healthy run of the minute it resolved in arrives, then its counts are re-derived', () => {
    const failure = execution('bad', minutes(0), 'FAILED');
    const resolved = committed(
      committed(NEW_SCOPE, [failure]),
      [execution('ok', minutes(2), 'SUCCEEDED')],
      [failure],
    );
    const { plan, decision } = decide(
      resolved,
      [execution('same-minute', minutes(2) + 30_000, 'SUCCEEDED')],
      [failure],
    );
    expect(plan.deriveSinceMs).toBeDefined();
    if (decision.kind !== 'commit') throw new Error('expected a commit');
    expect(decision.changed[0]?.traffic.succeeded).toBe(2);
  });

  it('given a capped view, then the incidents are left as stored and only the summary moves', () => {
    const signals = [execution('bad', minutes(0), 'FAILED')];
    const plan = planScope(NEW_SCOPE, { mode: 'batch', signals }, DEFAULT_CONFIG);
    const decision = decideScope({
      stateMachineArn: ORDERS,
      state: NEW_SCOPE,
      plan,
      view: { signals, complete: false, membersDigest: MEMBERS },
      history: [],
      topology,
      config: DEFAULT_CONFIG,
      asOfMs: undefined,
    });
    expect(decision).toMatchObject({
      kind: 'commit',
      changed: [],
      change: { incidents: [], superseded: [], membersDigest: undefined },
    });
  });

  it('given a scope whose members grew, when its view is read whole, then the commit records them', () => {
    const failure = execution('bad', minutes(0), 'FAILED');
    const open = committed(NEW_SCOPE, [failure]);
    expect(open.membersDigest).toBe(MEMBERS);
    // The same failure again changes no incident and no traffic; the members alone are news.
    const grown = { ...open, membersDigest: 'members-before-a-function-joined' };
    const { decision } = decide(grown, [failure]);
    expect(decision).toMatchObject({
      kind: 'commit',
      changed: [],
      change: { incidents: [], membersDigest: MEMBERS },
    });
    expect(decide(open, [failure]).decision).toEqual({ kind: 'unchanged' });
  });

  it('evolves the state a commit leaves: version, entries with their resolution, digests, summary', () => {
    const failure = execution('bad', minutes(0), 'FAILED');
    const open = committed(NEW_SCOPE, [failure]);
    expect(open.version).toBe(1);
    expect(open.incidents).toEqual([expect.objectContaining({ status: 'OPEN', resolvedAt: null })]);
    expect(open.digests.size).toBe(1);
    expect(open.traffic.watermarkMs).toBe(minutes(0));
  });
});
