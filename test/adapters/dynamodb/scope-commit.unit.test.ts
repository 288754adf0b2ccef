import { describe, expect, it } from 'vitest';
import { DEFAULT_ITEM_LIMITS } from '../../../src/adapters/dynamodb/incident-items.ts';
import type { ScopeStateItem } from '../../../src/adapters/dynamodb/item-schemas.ts';
import {
  type CommitPlanInput,
  DEFAULT_TRANSACTION_LIMITS,
  planCommit,
  recentAfter,
} from '../../../src/adapters/dynamodb/scope-commit.ts';
import { minutes, stateMachineArn } from '../../builders/signals.ts';
import { incident, timelineEntry } from './builders.ts';

const SCOPE = stateMachineArn();
const at = (n: number) => new Date(minutes(n)).toISOString();

function input(overrides: Partial<CommitPlanInput>): CommitPlanInput {
  return {
    tableName: 'incidents',
    stateMachineArn: SCOPE,
    expectedVersion: 0,
    change: { incidents: [], superseded: [] },
    previous: undefined,
    storedTimelineKeys: new Map(),
    updatedAt: '2026-03-02T12:00:00.000Z',
    maxRecentIncidents: 20,
    itemLimits: DEFAULT_ITEM_LIMITS,
    transactionLimits: DEFAULT_TRANSACTION_LIMITS,
    ...overrides,
  };
}

function previousState(
  version: number,
  recent: ScopeStateItem['recent'],
  openIncidentId?: string,
): ScopeStateItem {
  return {
    pk: `SCOPE#${SCOPE}`,
    sk: 'STATE',
    type: 'SCOPE',
    stateMachineArn: SCOPE,
    version,
    recent,
    openIncidentId,
    updatedAt: '2026-03-02T11:00:00.000Z',
  };
}

describe('planCommit', () => {
  it('creates the scope on a first commit: STATE only if absent, header, index, OPEN pointer', () => {
    const opened = incident('inc-a', { openedAt: at(0) });
    const plan = planCommit(input({ change: { incidents: [opened], superseded: [] } }));

    expect(plan.timelinePuts.map((item) => item.sk)).toEqual([
      `EVT#${at(0)}#incident-opened#-`,
      `EVT#${at(0)}#execution#run-1`,
    ]);
    expect(plan.transactions).toHaveLength(1);
    expect(plan.transactions[0]).toMatchObject([
      {
        Put: {
          ConditionExpression: 'attribute_not_exists(pk)',
          Item: {
            pk: `SCOPE#${SCOPE}`,
            sk: 'STATE',
            version: 1,
            recent: [{ id: 'inc-a', openedAt: at(0), status: 'OPEN' }],
            openIncidentId: 'inc-a',
          },
        },
      },
      { Put: { Item: { sk: 'OPEN', type: 'OPEN_POINTER', incidentId: 'inc-a', openedAt: at(0) } } },
      { Put: { Item: { pk: 'INC#inc-a', sk: 'HEAD', scopeVersion: 1 } } },
      { Put: { Item: { pk: 'INC#inc-a', sk: 'TIMELINE' } } },
    ]);
  });

  it('writes only new timeline entries and deletes, in the transaction, those that fell out', () => {
    const kept = timelineEntry(minutes(0), 'incident-opened');
    const added = timelineEntry(minutes(2), 'execution', 'run-2');
    const changed = incident('inc-a', { openedAt: at(0), timeline: [kept, added] });
    const plan = planCommit(
      input({
        expectedVersion: 3,
        previous: previousState(3, [{ id: 'inc-a', openedAt: at(0), status: 'OPEN' }], 'inc-a'),
        storedTimelineKeys: new Map([
          ['inc-a', [`EVT#${at(0)}#incident-opened#-`, `EVT#${at(1)}#incident-resolved#-`]],
        ]),
        change: { incidents: [changed], superseded: [] },
      }),
    );
    expect(plan.timelinePuts.map((item) => item.sk)).toEqual([`EVT#${at(2)}#execution#run-2`]);
    expect(plan.transactions[0]).toMatchObject([
      {
        Put: {
          ConditionExpression: '#version = :expected',
          ExpressionAttributeValues: { ':expected': 3 },
          Item: { version: 4 },
        },
      },
      { Put: { Item: { sk: 'HEAD' } } },
      {
        Put: {
          Item: {
            sk: 'TIMELINE',
            entries: [`EVT#${at(0)}#incident-opened#-`, `EVT#${at(2)}#execution#run-2`],
          },
        },
      },
      { Delete: { Key: { pk: 'INC#inc-a', sk: `EVT#${at(1)}#incident-resolved#-` } } },
    ]);
    // The pointer already names inc-a: no action for it.
    expect(plan.transactions[0]).toHaveLength(4);
  });

  it('rewrites neither the index nor any entry when the timeline did not change', () => {
    const same = incident('inc-a', { openedAt: at(0), signalCount: 12 });
    const plan = planCommit(
      input({
        expectedVersion: 1,
        previous: previousState(1, [{ id: 'inc-a', openedAt: at(0), status: 'OPEN' }], 'inc-a'),
        storedTimelineKeys: new Map([
          ['inc-a', [`EVT#${at(0)}#incident-opened#-`, `EVT#${at(0)}#execution#run-1`]],
        ]),
        change: { incidents: [same], superseded: [] },
      }),
    );
    expect(plan.timelinePuts).toEqual([]);
    expect(plan.transactions[0]?.map((action) => action.Put?.Item?.sk)).toEqual(['STATE', 'HEAD']);
  });

  it('marks superseded headers, moves the OPEN pointer, and deletes it when nothing is open', () => {
    const previous = previousState(
      2,
      [
        { id: 'inc-b', openedAt: at(5), status: 'OPEN' },
        { id: 'inc-a', openedAt: at(0), status: 'RESOLVED' },
      ],
      'inc-b',
    );
    const merged = incident('inc-a', { openedAt: at(0), status: 'OPEN' });
    const plan = planCommit(
      input({
        expectedVersion: 2,
        previous,
        change: { incidents: [merged], superseded: [{ id: 'inc-b', mergedInto: 'inc-a' }] },
      }),
    );
    const actions = plan.transactions[0] ?? [];
    expect(actions[0]?.Put?.Item).toMatchObject({
      recent: [{ id: 'inc-a', status: 'OPEN' }],
      openIncidentId: 'inc-a',
    });
    expect(actions[1]?.Put?.Item).toMatchObject({ sk: 'OPEN', incidentId: 'inc-a' });
    expect(actions.at(-1)?.Update).toMatchObject({
      Key: { pk: 'INC#inc-b', sk: 'HEAD' },
      UpdateExpression:
        'SET #status = :superseded, gsi1pk = :gsi1pk, updatedAt = :updatedAt, scopeVersion = :scopeVersion, mergedInto = :mergedInto',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: {
        ':superseded': 'SUPERSEDED',
        ':gsi1pk': 'STATUS#SUPERSEDED',
        ':mergedInto': 'inc-a',
        ':scopeVersion': 3,
      },
    });

    const resolved = { ...merged, status: 'RESOLVED' as const, resolvedAt: at(9) };
    const closing = planCommit(
      input({
        expectedVersion: 3,
        previous: previousState(3, [{ id: 'inc-a', openedAt: at(0), status: 'OPEN' }], 'inc-a'),
        change: { incidents: [resolved], superseded: [{ id: 'inc-c', mergedInto: undefined }] },
      }),
    );
    const closingActions = closing.transactions[0] ?? [];
    expect(closingActions[0]?.Put?.Item).not.toHaveProperty('openIncidentId');
    expect(closingActions[1]).toEqual({
      Delete: { TableName: 'incidents', Key: { pk: `SCOPE#${SCOPE}`, sk: 'OPEN' } },
    });
    expect(closingActions.at(-1)?.Update?.UpdateExpression).toMatch(/ REMOVE mergedInto$/);
  });

  it('never puts two actions on one item when an incident is both changed and superseded', () => {
    const plan = planCommit(
      input({
        change: { incidents: [incident('inc-a')], superseded: [{ id: 'inc-a', mergedInto: undefined }] },
      }),
    );
    expect(plan.transactions[0]?.some((action) => action.Update !== undefined)).toBe(false);
    expect(plan.transactions[0]?.[0]?.Put?.Item).toMatchObject({ recent: [{ id: 'inc-a' }] });
  });

  it('splits a change too large for one transaction, each part conditioned on the version before it', () => {
    const incidents = ['inc-a', 'inc-b', 'inc-c'].map((id, index) => incident(id, { openedAt: at(index) }));
    const plan = planCommit(
      input({
        expectedVersion: 5,
        previous: previousState(5, []),
        change: { incidents, superseded: [] },
        transactionLimits: { maxActions: 4, maxBytes: 3_500_000 },
      }),
    );
    expect(plan.transactions.map((actions) => actions.length)).toEqual([4, 3, 3]);
    expect(
      plan.transactions.map((actions) => [
        actions[0]?.Put?.ExpressionAttributeValues?.[':expected'],
        actions[0]?.Put?.Item?.version,
      ]),
    ).toEqual([
      [5, 6],
      [6, 7],
      [7, 8],
    ]);
    // Each incident's header and index travel together.
    expect(
      plan.transactions[1]?.slice(1).map((action) => [action.Put?.Item?.pk, action.Put?.Item?.sk]),
    ).toEqual([
      ['INC#inc-b', 'HEAD'],
      ['INC#inc-b', 'TIMELINE'],
    ]);
  });

  it('keeps an oversized group within the action limit by leaving some stale entries behind', () => {
    const stale = Array.from({ length: 10 }, (_, i) => `EVT#${at(i)}#execution#old-${i}`);
    const plan = planCommit(
      input({
        expectedVersion: 1,
        previous: previousState(1, [{ id: 'inc-a', openedAt: at(0), status: 'OPEN' }], 'inc-a'),
        storedTimelineKeys: new Map([['inc-a', stale]]),
        change: { incidents: [incident('inc-a', { openedAt: at(0) })], superseded: [] },
        transactionLimits: { maxActions: 6, maxBytes: 3_500_000 },
      }),
    );
    expect(plan.transactions).toHaveLength(1);
    expect(plan.transactions[0]?.map((action) => (action.Put ? 'put' : 'delete'))).toEqual([
      'put',
      'put',
      'put',
      'delete',
      'delete',
      'delete',
    ]);
  });
});

describe('recentAfter', () => {
  it('keeps the newest incidents first, replaces changed ones, drops superseded ones, within the bound', () => {
    const before = [
      { id: 'inc-c', openedAt: at(10), status: 'RESOLVED' as const },
      { id: 'inc-b', openedAt: at(5), status: 'OPEN' as const },
      { id: 'inc-a', openedAt: at(0), status: 'RESOLVED' as const },
    ];
    const change = {
      incidents: [
        incident('inc-d', { openedAt: at(20) }),
        incident('inc-a', { openedAt: at(0), status: 'OPEN' }),
      ],
      superseded: [{ id: 'inc-b', mergedInto: 'inc-a' }],
    };
    expect(recentAfter(before, change, 3)).toEqual([
      { id: 'inc-d', openedAt: at(20), status: 'OPEN' },
      { id: 'inc-c', openedAt: at(10), status: 'RESOLVED' },
      { id: 'inc-a', openedAt: at(0), status: 'OPEN' },
    ]);
    expect(recentAfter(before, change, 2).map((entry) => entry.id)).toEqual(['inc-d', 'inc-c']);
  });
});
