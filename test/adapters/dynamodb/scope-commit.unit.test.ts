import { describe, expect, it } from 'vitest';
import { signalsOfContextItem } from '../../../src/adapters/dynamodb/context-packs.ts';
import { DEFAULT_STORE_OPTIONS } from '../../../src/adapters/dynamodb/dynamodb-store.ts';
import { DEFAULT_ITEM_LIMITS } from '../../../src/adapters/dynamodb/incident-items.ts';
import {
  parseScopeStateItem,
  parseTimelineIndexItem,
  type ScopeStateItem,
  type TimelineIndex,
} from '../../../src/adapters/dynamodb/item-schemas.ts';
import { serializedSize } from '../../../src/adapters/dynamodb/item-size.ts';
import {
  type CommitPlanInput,
  DEFAULT_TRANSACTION_LIMITS,
  planCommit,
  recentAfter,
} from '../../../src/adapters/dynamodb/scope-commit.ts';
import { incidentDigest } from '../../../src/core/incident/digest.ts';
import { EMPTY_TRAFFIC } from '../../../src/core/traffic/traffic.ts';
import { alarmState, metricAlarmConfiguration, minutes, stateMachineArn } from '../../builders/signals.ts';
import { incident, timelineEntry } from './builders.ts';

const SCOPE = stateMachineArn();
const at = (n: number) => new Date(minutes(n)).toISOString();

function input(overrides: Partial<CommitPlanInput>): CommitPlanInput {
  return {
    tableName: 'incidents',
    stateMachineArn: SCOPE,
    expectedVersion: 0,
    change: { incidents: [], superseded: [], traffic: EMPTY_TRAFFIC },
    previous: undefined,
    storedTimelines: new Map(),
    updatedAt: '2026-03-02T12:00:00.000Z',
    historyRetentionMs: 14 * 24 * 3_600_000,
    maxRecentIncidents: 20,
    itemLimits: DEFAULT_ITEM_LIMITS,
    transactionLimits: DEFAULT_TRANSACTION_LIMITS,
    ...overrides,
  };
}

/** A timeline index as engines before timeline packs wrote it: every entry an item of its own. */
const legacyIndex = (incidentId: string, entries: readonly string[]): TimelineIndex => ({
  incidentId,
  entries,
  packs: [],
  packOf: entries.map(() => -1),
});

const PACK_SK = /^EVTP#[0-9a-f]{16}$/;

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
  it('creates the scope on a first commit: STATE only if absent, header, listing, index, OPEN pointer', () => {
    const opened = incident('inc-a', { openedAt: at(0) });
    const plan = planCommit(
      input({ change: { incidents: [opened], superseded: [], traffic: EMPTY_TRAFFIC } }),
    );

    // The timeline's entries as one pack, put before the transaction that indexes them.
    expect(plan.putsBeforeCommit.map((item) => [item.type, item.count])).toEqual([['TIMELINE_PACK', 2]]);
    expect(String(plan.putsBeforeCommit[0]?.sk)).toMatch(PACK_SK);
    expect(plan.transactions).toHaveLength(1);
    expect(plan.transactions[0]).toMatchObject([
      {
        Put: {
          ConditionExpression: 'attribute_not_exists(pk)',
          Item: {
            pk: `SCOPE#${SCOPE}`,
            sk: 'STATE',
            version: 1,
            recent: [
              { id: 'inc-a', openedAt: at(0), status: 'OPEN', digest: incidentDigest(opened), listed: true },
            ],
            openIncidentId: 'inc-a',
          },
        },
      },
      { Put: { Item: { sk: 'OPEN', type: 'OPEN_POINTER', incidentId: 'inc-a', openedAt: at(0) } } },
      { Put: { Item: { pk: 'INC#inc-a', sk: 'HEAD', scopeVersion: 1 } } },
      {
        Put: {
          Item: {
            pk: 'INC#inc-a',
            sk: 'LIST',
            type: 'LISTING',
            status: 'OPEN',
            gsi1pk: 'STATUS#OPEN',
            gsi1sk: `${at(0)}#inc-a`,
            gsi2pk: `SM#${SCOPE}`,
            gsi2sk: `${at(0)}#inc-a`,
          },
        },
      },
      { Put: { Item: { pk: 'INC#inc-a', sk: 'TIMELINE' } } },
    ]);
    // The indexes list the incident by its listing alone: the header carries no index key.
    const header = plan.transactions[0]?.find((action) => action.Put?.Item?.sk === 'HEAD')?.Put?.Item;
    expect(Object.keys(header ?? {}).filter((name) => name.startsWith('gsi'))).toEqual([]);
  });

  it('writes the listing only when the status or the opening changed, or the scope never listed it', () => {
    const open = incident('inc-a', { openedAt: at(0), signalCount: 12 });
    const sks = (previousEntry: ScopeStateItem['recent'][number], changed = open) =>
      planCommit(
        input({
          expectedVersion: 1,
          previous: previousState(1, [previousEntry], 'inc-a'),
          storedTimelines: new Map([
            [
              'inc-a',
              legacyIndex('inc-a', [`EVT#${at(0)}#incident-opened#-`, `EVT#${at(0)}#execution#run-1`]),
            ],
          ]),
          change: { incidents: [changed], superseded: [], traffic: EMPTY_TRAFFIC },
        }),
      ).transactions[0]?.map((action) => action.Put?.Item?.sk ?? action.Delete?.Key?.sk);
    const listed = { id: 'inc-a', openedAt: at(0), status: 'OPEN' as const, listed: true as const };
    expect(sks(listed)).toEqual(['STATE', 'HEAD']);
    // Written by an engine before listings: its header carried the index keys, this one does not.
    expect(sks({ id: 'inc-a', openedAt: at(0), status: 'OPEN' })).toEqual(['STATE', 'HEAD', 'LIST']);
    // Resolved: the OPEN pointer goes, and the listing moves to the RESOLVED partition.
    expect(sks(listed, { ...open, status: 'RESOLVED', resolvedAt: at(9) })).toEqual([
      'STATE',
      'OPEN',
      'HEAD',
      'LIST',
    ]);
    // A late failure moved the opening earlier: both indexes sort by it.
    const earlier = { ...open, openedAt: at(-3) };
    expect(sks(listed, earlier)).toEqual(['STATE', 'HEAD', 'LIST']);
  });

  it('keeps the digest of every entry in STATE: new ones from the commit, carried ones as they were', () => {
    const changed = incident('inc-c', { openedAt: at(20), status: 'RESOLVED', resolvedAt: at(40) });
    const previous = previousState(
      7,
      [
        { id: 'inc-c', openedAt: at(20), status: 'OPEN', digest: 'digest-before-the-change' },
        { id: 'inc-b', openedAt: at(10), status: 'RESOLVED', digest: 'digest-of-b' },
        // Written before digests were kept in STATE: carried over without one.
        { id: 'inc-a', openedAt: at(0), status: 'RESOLVED' },
      ],
      'inc-c',
    );
    const plan = planCommit(
      input({
        expectedVersion: 7,
        previous,
        change: { incidents: [changed], superseded: [], traffic: EMPTY_TRAFFIC },
      }),
    );
    const [statePut] = plan.transactions[0] ?? [];
    expect(statePut?.Put?.ConditionExpression).toBe('#version = :expected');
    expect(statePut?.Put?.ExpressionAttributeValues).toEqual({ ':expected': 7 });
    expect(statePut?.Put?.Item?.recent).toEqual([
      {
        id: 'inc-c',
        openedAt: at(20),
        status: 'RESOLVED',
        resolvedAt: changed.resolvedAt,
        digest: incidentDigest(changed),
        listed: true,
      },
      { id: 'inc-b', openedAt: at(10), status: 'RESOLVED', digest: 'digest-of-b' },
      { id: 'inc-a', openedAt: at(0), status: 'RESOLVED' },
    ]);
    // What is written parses back as what loadScope reads.
    expect(parseScopeStateItem(statePut?.Put?.Item ?? {}).recent).toEqual(statePut?.Put?.Item?.recent);
  });

  it('gives the digest of the incident as derived, also when its header had to be shrunk', () => {
    const big = incident('inc-big', {
      executions: Array.from({ length: 150 }, (_, i) => ({
        executionArn: `arn:aws:states:us-east-1:111122223333:execution:orders:run-${i}`,
        name: `run-${i}`,
        status: 'FAILED' as const,
        redriveCount: 0,
        cause: 'c'.repeat(1500),
        signalId: `run-${i}`,
      })),
    });
    const plan = planCommit(
      input({
        change: { incidents: [big], superseded: [], traffic: EMPTY_TRAFFIC },
        itemLimits: { maxHeaderBytes: 20_000, maxTimelineIndexBytes: 2_000 },
      }),
    );
    const actions = plan.transactions[0] ?? [];
    const header = actions.find((action) => action.Put?.Item?.sk === 'HEAD')?.Put?.Item;
    expect(header).toMatchObject({ shrunk: true, derivedDigest: incidentDigest(big) });
    expect(actions[0]?.Put?.Item?.recent).toEqual([
      {
        id: 'inc-big',
        openedAt: big.openedAt,
        status: 'OPEN',
        resolvedAt: null,
        digest: incidentDigest(big),
        listed: true,
      },
    ]);
  });

  it('writes only new timeline entries and deletes, in the transaction, those that fell out', () => {
    const kept = timelineEntry(minutes(0), 'incident-opened');
    const added = timelineEntry(minutes(2), 'execution', 'run-2');
    const changed = incident('inc-a', { openedAt: at(0), timeline: [kept, added] });
    const plan = planCommit(
      input({
        expectedVersion: 3,
        previous: previousState(3, [{ id: 'inc-a', openedAt: at(0), status: 'OPEN', listed: true }], 'inc-a'),
        storedTimelines: new Map([
          [
            'inc-a',
            legacyIndex('inc-a', [`EVT#${at(0)}#incident-opened#-`, `EVT#${at(1)}#incident-resolved#-`]),
          ],
        ]),
        change: { incidents: [changed], superseded: [], traffic: EMPTY_TRAFFIC },
      }),
    );
    const [pack, ...others] = plan.putsBeforeCommit;
    expect(others).toEqual([]);
    expect(pack).toMatchObject({ pk: 'INC#inc-a', type: 'TIMELINE_PACK', count: 1 });
    expect(plan.transactions[0]).toMatchObject([
      {
        Put: {
          ConditionExpression: '#version = :expected',
          ExpressionAttributeValues: { ':expected': 3 },
          Item: { version: 4 },
        },
      },
      { Put: { Item: { sk: 'HEAD' } } },
      { Put: { Item: { sk: 'TIMELINE' } } },
      { Delete: { Key: { pk: 'INC#inc-a', sk: `EVT#${at(1)}#incident-resolved#-` } } },
    ]);
    // The pointer already names inc-a: no action for it.
    expect(plan.transactions[0]).toHaveLength(4);
    expect(parseTimelineIndexItem(plan.transactions[0]?.[2]?.Put?.Item ?? {})).toEqual({
      incidentId: 'inc-a',
      entries: [`EVT#${at(0)}#incident-opened#-`, `EVT#${at(2)}#execution#run-2`],
      packs: [pack?.sk],
      packOf: [-1, 0],
    });
  });

  it('keeps a pack while any of its entries is listed, and deletes it with the index that drops the last', () => {
    const [opened, first, second] = [
      timelineEntry(minutes(0), 'incident-opened'),
      timelineEntry(minutes(1), 'execution', 'run-1'),
      timelineEntry(minutes(2), 'execution', 'run-2'),
    ];
    const keys = [opened, first, second].map(
      (entry) => `EVT#${entry.at}#${entry.kind}#${entry.signalId ?? '-'}`,
    );
    const stored: TimelineIndex = {
      incidentId: 'inc-a',
      entries: keys,
      packs: ['EVTP#aaaaaaaaaaaaaaaa', 'EVTP#bbbbbbbbbbbbbbbb'],
      packOf: [0, 0, 1],
    };
    const commitOf = (timeline: readonly (typeof opened)[]) =>
      planCommit(
        input({
          expectedVersion: 1,
          previous: previousState(
            1,
            [{ id: 'inc-a', openedAt: at(0), status: 'OPEN', listed: true }],
            'inc-a',
          ),
          storedTimelines: new Map([['inc-a', stored]]),
          change: {
            incidents: [incident('inc-a', { openedAt: at(0), timeline })],
            superseded: [],
            traffic: EMPTY_TRAFFIC,
          },
        }),
      );
    // `run-1` leaves, its pack stays for `incident-opened`; `run-2` leaves and takes its pack along.
    const plan = commitOf([opened]);
    expect(plan.putsBeforeCommit).toEqual([]);
    const actions = plan.transactions[0]?.slice(1) ?? [];
    expect(actions.map((action) => action.Put?.Item?.sk ?? action.Delete?.Key?.sk)).toEqual([
      'HEAD',
      'TIMELINE',
      'EVTP#bbbbbbbbbbbbbbbb',
    ]);
    expect(parseTimelineIndexItem(actions[1]?.Put?.Item ?? {})).toMatchObject({
      entries: [keys[0]],
      packs: ['EVTP#aaaaaaaaaaaaaaaa'],
      packOf: [0],
    });
  });

  it('rewrites neither the index nor any entry when the timeline did not change', () => {
    const same = incident('inc-a', { openedAt: at(0), signalCount: 12 });
    const plan = planCommit(
      input({
        expectedVersion: 1,
        previous: previousState(1, [{ id: 'inc-a', openedAt: at(0), status: 'OPEN', listed: true }], 'inc-a'),
        storedTimelines: new Map([
          ['inc-a', legacyIndex('inc-a', [`EVT#${at(0)}#incident-opened#-`, `EVT#${at(0)}#execution#run-1`])],
        ]),
        change: { incidents: [same], superseded: [], traffic: EMPTY_TRAFFIC },
      }),
    );
    expect(plan.putsBeforeCommit).toEqual([]);
    expect(plan.transactions[0]?.map((action) => action.Put?.Item?.sk)).toEqual(['STATE', 'HEAD']);
  });

  it('marks superseded headers and lists them so, moves the OPEN pointer, and deletes it when nothing is open', () => {
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
        change: {
          incidents: [merged],
          superseded: [{ id: 'inc-b', mergedInto: 'inc-a' }],
          traffic: EMPTY_TRAFFIC,
        },
      }),
    );
    const actions = plan.transactions[0] ?? [];
    expect(actions[0]?.Put?.Item).toMatchObject({
      recent: [{ id: 'inc-a', status: 'OPEN' }],
      openIncidentId: 'inc-a',
    });
    expect(actions[1]?.Put?.Item).toMatchObject({ sk: 'OPEN', incidentId: 'inc-a' });
    // A header written before listings carries index keys of its own: they go, and the listing
    // lists it as superseded, so it is listed once either way.
    expect(actions.at(-2)?.Update).toEqual({
      TableName: 'incidents',
      Key: { pk: 'INC#inc-b', sk: 'HEAD' },
      UpdateExpression:
        'SET #status = :superseded, updatedAt = :updatedAt, scopeVersion = :scopeVersion, mergedInto = :mergedInto REMOVE gsi1pk, gsi1sk, gsi2pk, gsi2sk',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':superseded': 'SUPERSEDED',
        ':updatedAt': '2026-03-02T12:00:00.000Z',
        ':mergedInto': 'inc-a',
        ':scopeVersion': 3,
      },
    });
    expect(actions.at(-1)?.Put?.Item).toEqual({
      pk: 'INC#inc-b',
      sk: 'LIST',
      type: 'LISTING',
      status: 'SUPERSEDED',
      gsi1pk: 'STATUS#SUPERSEDED',
      gsi1sk: `${at(5)}#inc-b`,
      gsi2pk: `SM#${SCOPE}`,
      gsi2sk: `${at(5)}#inc-b`,
    });

    const resolved = { ...merged, status: 'RESOLVED' as const, resolvedAt: at(9) };
    const closing = planCommit(
      input({
        expectedVersion: 3,
        previous: previousState(3, [{ id: 'inc-a', openedAt: at(0), status: 'OPEN' }], 'inc-a'),
        change: {
          incidents: [resolved],
          superseded: [{ id: 'inc-c', mergedInto: undefined }],
          traffic: EMPTY_TRAFFIC,
        },
      }),
    );
    const closingActions = closing.transactions[0] ?? [];
    expect(closingActions[0]?.Put?.Item).not.toHaveProperty('openIncidentId');
    expect(closingActions[1]).toEqual({
      Delete: { TableName: 'incidents', Key: { pk: `SCOPE#${SCOPE}`, sk: 'OPEN' } },
    });
    // inc-c is not in the scope's entries, so its opening is unknown: its header keeps its own
    // index keys and moves to the SUPERSEDED status with them, as before listings.
    expect(closingActions.at(-1)?.Update?.UpdateExpression).toBe(
      'SET #status = :superseded, gsi1pk = :gsi1pk, updatedAt = :updatedAt, scopeVersion = :scopeVersion REMOVE mergedInto',
    );
  });

  it('never puts two actions on one item when an incident is both changed and superseded', () => {
    const plan = planCommit(
      input({
        change: {
          incidents: [incident('inc-a')],
          superseded: [{ id: 'inc-a', mergedInto: undefined }],
          traffic: EMPTY_TRAFFIC,
        },
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
        change: { incidents, superseded: [], traffic: EMPTY_TRAFFIC },
        transactionLimits: { maxActions: 5, maxBytes: 3_500_000 },
      }),
    );
    expect(plan.transactions.map((actions) => actions.length)).toEqual([5, 4, 4]);
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
    // Each part's STATE lists only the incidents whose headers have landed once it has: a commit
    // cut short after a part never lets loadScope report an unwritten incident as stored.
    const [a, b, c] = incidents.map((one) => ({
      id: one.id,
      openedAt: one.openedAt,
      status: 'OPEN',
      resolvedAt: one.resolvedAt,
      digest: incidentDigest(one),
      listed: true,
    }));
    expect(plan.transactions.map((actions) => actions[0]?.Put?.Item?.recent)).toEqual([
      [a],
      [b, a],
      [c, b, a],
    ]);
    // Each incident's header, listing and index travel together.
    expect(
      plan.transactions[1]?.slice(1).map((action) => [action.Put?.Item?.pk, action.Put?.Item?.sk]),
    ).toEqual([
      ['INC#inc-b', 'HEAD'],
      ['INC#inc-b', 'LIST'],
      ['INC#inc-b', 'TIMELINE'],
    ]);
  });

  it('in a split commit, keeps the previous entry of an incident until its part lands, and drops a superseded one then', () => {
    const previous = previousState(
      2,
      [
        { id: 'inc-c', openedAt: at(2), status: 'OPEN', digest: 'old-c', listed: true },
        { id: 'inc-b', openedAt: at(1), status: 'RESOLVED', digest: 'old-b', listed: true },
        { id: 'inc-a', openedAt: at(0), status: 'RESOLVED', digest: 'old-a', listed: true },
      ],
      'inc-c',
    );
    const a = incident('inc-a', { openedAt: at(0), status: 'RESOLVED', resolvedAt: at(1), signalCount: 9 });
    const c = incident('inc-c', { openedAt: at(2), status: 'RESOLVED', resolvedAt: at(3) });
    const plan = planCommit(
      input({
        expectedVersion: 2,
        previous,
        storedTimelines: new Map([
          ['inc-a', legacyIndex('inc-a', [`EVT#${at(0)}#incident-opened#-`, `EVT#${at(0)}#execution#run-1`])],
          // inc-c gains an entry: its index is written too.
          ['inc-c', legacyIndex('inc-c', [`EVT#${at(2)}#incident-opened#-`])],
        ]),
        change: {
          incidents: [a, c],
          superseded: [{ id: 'inc-b', mergedInto: 'inc-a' }],
          traffic: EMPTY_TRAFFIC,
        },
        // STATE plus three actions a part: the pointer is deleted (nothing stays open) with inc-a's
        // header (still listed as it was), then inc-c's header, listing (now RESOLVED) and index,
        // then the supersede with its listing.
        transactionLimits: { maxActions: 4, maxBytes: 3_500_000 },
      }),
    );
    const entry = (one: typeof a) => ({
      id: one.id,
      openedAt: one.openedAt,
      status: one.status,
      resolvedAt: one.resolvedAt,
      digest: incidentDigest(one),
      listed: true,
    });
    expect(
      plan.transactions.map((actions) =>
        actions
          .slice(1)
          .map((action) => action.Delete?.Key?.sk ?? action.Put?.Item?.sk ?? action.Update?.Key?.pk),
      ),
    ).toEqual([
      ['OPEN', 'HEAD'],
      ['HEAD', 'LIST', 'TIMELINE'],
      ['INC#inc-b', 'LIST'],
    ]);
    expect(plan.transactions.map((actions) => actions[0]?.Put?.Item?.recent)).toEqual([
      [previous.recent[0], previous.recent[1], entry(a)],
      [entry(c), previous.recent[1], entry(a)],
      [entry(c), entry(a)],
    ]);
    // The OPEN pointer is gone from the first part on, and every part's STATE says so.
    expect(plan.transactions.every((actions) => !('openIncidentId' in (actions[0]?.Put?.Item ?? {})))).toBe(
      true,
    );
  });

  it('writes a moved seal as its time on STATE and its carry as a pack before the commit; carries an unmoved one over', () => {
    const config = metricAlarmConfiguration('AWS/States', { StateMachineArn: SCOPE });
    const carry = [alarmState('t-1', minutes(0), 'orders-errors', 'ALARM', 'OK', config)];
    const change = { incidents: [], superseded: [], traffic: EMPTY_TRAFFIC };
    const moved = planCommit(input({ change: { ...change, seal: { throughMs: minutes(300), carry } } }));
    const [pack, ...others] = moved.putsBeforeCommit;
    expect(others).toEqual([]);
    expect(pack).toMatchObject({ pk: `SCTX#${SCOPE}`, type: 'SIGNAL_PACK', carried: true, count: 1 });
    expect(String(pack?.sk)).toMatch(new RegExp(`^${at(300).replace(/[.]/g, '\\.')}#carry#[0-9a-f]{32}$`));
    expect(pack === undefined ? [] : signalsOfContextItem(pack)).toEqual(carry);
    const state = moved.transactions[0]?.[0]?.Put?.Item;
    expect(state).toMatchObject({ sealedThroughMs: minutes(300) });
    expect(state).not.toHaveProperty('seal');

    // Nothing to carry: no pack. A seal not moved keeps whatever the state held, either form.
    expect(
      planCommit(input({ change: { ...change, seal: { throughMs: minutes(300), carry: [] } } }))
        .putsBeforeCommit,
    ).toEqual([]);
    const legacySeal = new Uint8Array([1, 2, 3]);
    const previous = { ...previousState(3, []), sealedThroughMs: minutes(200), seal: legacySeal };
    const unmoved = planCommit(input({ expectedVersion: 3, previous }));
    expect(unmoved.putsBeforeCommit).toEqual([]);
    expect(unmoved.transactions[0]?.[0]?.Put?.Item).toMatchObject({
      sealedThroughMs: minutes(200),
      seal: legacySeal,
    });
  });

  it('keeps the STATE item far below the 400 KB item limit at the default bound', () => {
    const bound = DEFAULT_STORE_OPTIONS.maxRecentIncidents;
    expect(bound).toBe(50);
    // A state machine ARN with the longest name Step Functions allows (80 characters), and ids,
    // times and digests as the engine makes them: RESOLVED is the longer status.
    const longArn = `arn:aws-us-gov:states:us-gov-west-1:111122223333:stateMachine:${'n'.repeat(80)}`;
    const incidents = Array.from({ length: bound + 10 }, (_, n) =>
      incident(`inc-${n.toString(16).padStart(20, '0')}`, {
        stateMachineArn: longArn,
        openedAt: new Date(minutes(61 * n)).toISOString(),
        status: 'RESOLVED',
        resolvedAt: new Date(minutes(61 * n + 30)).toISOString(),
      }),
    );
    const plan = planCommit(
      input({
        stateMachineArn: longArn,
        change: { incidents, superseded: [], traffic: EMPTY_TRAFFIC },
        maxRecentIncidents: bound,
      }),
    );
    const states = plan.transactions.map((actions) => actions[0]?.Put?.Item ?? {});
    const last = states.at(-1) ?? {};
    expect(parseScopeStateItem(last).recent).toHaveLength(bound);
    for (const state of states) expect(serializedSize(state)).toBeLessThan(10 * 1024);
    // Under 220 bytes an entry, so even a bound ten times as large would fit with room to spare.
    expect(serializedSize(last) / bound).toBeLessThan(220);
  });

  it('keeps an oversized group within the action limit by leaving some stale entries behind', () => {
    const stale = Array.from({ length: 10 }, (_, i) => `EVT#${at(i)}#execution#old-${i}`);
    const plan = planCommit(
      input({
        expectedVersion: 1,
        previous: previousState(1, [{ id: 'inc-a', openedAt: at(0), status: 'OPEN', listed: true }], 'inc-a'),
        storedTimelines: new Map([['inc-a', legacyIndex('inc-a', stale)]]),
        change: {
          incidents: [incident('inc-a', { openedAt: at(0) })],
          superseded: [],
          traffic: EMPTY_TRAFFIC,
        },
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
      { id: 'inc-c', openedAt: at(10), status: 'RESOLVED' as const, digest: 'digest-c' },
      { id: 'inc-b', openedAt: at(5), status: 'OPEN' as const, digest: 'digest-b' },
      { id: 'inc-a', openedAt: at(0), status: 'RESOLVED' as const },
    ];
    const d = incident('inc-d', { openedAt: at(20) });
    const a = incident('inc-a', { openedAt: at(0), status: 'OPEN' });
    const change = {
      incidents: [d, a],
      superseded: [{ id: 'inc-b', mergedInto: 'inc-a' }],
      traffic: EMPTY_TRAFFIC,
    };
    expect(recentAfter(before, change, 3)).toEqual([
      {
        id: 'inc-d',
        openedAt: at(20),
        status: 'OPEN',
        resolvedAt: null,
        digest: incidentDigest(d),
        listed: true,
      },
      { id: 'inc-c', openedAt: at(10), status: 'RESOLVED', digest: 'digest-c' },
      {
        id: 'inc-a',
        openedAt: at(0),
        status: 'OPEN',
        resolvedAt: null,
        digest: incidentDigest(a),
        listed: true,
      },
    ]);
    expect(recentAfter(before, change, 2).map((entry) => entry.id)).toEqual(['inc-d', 'inc-c']);
  });

  it('takes the digests it is given for the changed incidents', () => {
    const d = incident('inc-d', { openedAt: at(20) });
    const change = { incidents: [d], superseded: [], traffic: EMPTY_TRAFFIC };
    expect(recentAfter([], change, 3, new Map([['inc-d', 'digest-as-derived']]))).toEqual([
      {
        id: 'inc-d',
        openedAt: at(20),
        status: 'OPEN',
        resolvedAt: null,
        digest: 'digest-as-derived',
        listed: true,
      },
    ]);
  });
});
