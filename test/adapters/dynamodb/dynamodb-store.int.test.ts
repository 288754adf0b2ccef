import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoDbStreamsClient } from '../../../src/adapters/aws-clients.ts';
import { signalsOfContextItem } from '../../../src/adapters/dynamodb/context-packs.ts';
import { DynamoDbIncidentStore } from '../../../src/adapters/dynamodb/dynamodb-store.ts';
import { incidentChangeOf } from '../../../src/adapters/dynamodb/incident-change.ts';
import { IncidentQueries } from '../../../src/adapters/dynamodb/incident-queries.ts';
import { parseScopeStateItem } from '../../../src/adapters/dynamodb/item-schemas.ts';
import { encodeSeal } from '../../../src/adapters/dynamodb/seal-codec.ts';
import { MemoryIncidentStore } from '../../../src/adapters/memory-store.ts';
import { incidentDigest } from '../../../src/core/incident/digest.ts';
import type { Incident } from '../../../src/core/incident/types.ts';
import type { ContextRange, IncidentStore, StoredIncidentSummary } from '../../../src/core/pipeline/ports.ts';
import { processBatch } from '../../../src/core/pipeline/process-batch.ts';
import type { Signal } from '../../../src/core/signals/types.ts';
import { EMPTY_TRAFFIC, type TrafficHour } from '../../../src/core/traffic/traffic.ts';
import { ConfigurationError, TransientStoreError } from '../../../src/errors.ts';
import { pipelineDeps, signalRecords } from '../../builders/pipeline.ts';
import { checkoutOutage, twoScopesWithFlap } from '../../builders/scenario.ts';
import {
  alarmArn,
  alarmState,
  apiCall,
  execution,
  executionArn,
  functionArn,
  metricAlarmConfiguration,
  minutes,
  stateMachineArn,
  T0,
  userActor,
} from '../../builders/signals.ts';
import { type DynamoDbLocal, localClient, sharedDynamoDbLocal } from '../../helpers/dynamodb.ts';
import { incident, timelineEntry } from './builders.ts';
import { readTableStream } from './table-stream.ts';

const NOW = Date.parse('2026-03-02T12:00:00.000Z');
const DAY_S = 24 * 60 * 60;

let local: DynamoDbLocal;

beforeAll(async () => {
  local = await sharedDynamoDbLocal();
});

afterAll(async () => {
  await local?.stop();
});

async function freshStore(clock: () => number = () => NOW) {
  const tableName = await local.createTable();
  const store = new DynamoDbIncidentStore({ client: local.documentClient, tableName, clock });
  const queries = new IncidentQueries({ client: local.documentClient, tableName, clock });
  const raw = async (pk: string, sk: string) =>
    (await local.documentClient.send(new GetCommand({ TableName: tableName, Key: { pk, sk } }))).Item;
  const partition = async (pk: string) =>
    (
      await local.documentClient.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
        }),
      )
    ).Items ?? [];
  return { store, queries, tableName, raw, partition };
}

/** The pipeline with its usual test wiring, on the given store. */
async function runPipeline(store: IncidentStore, signals: readonly Signal[]) {
  return processBatch(signalRecords(signals), { ...pipelineDeps(new MemoryIncidentStore()), store });
}

describe('DynamoDbIncidentStore against DynamoDB Local: the IncidentStore contract', () => {
  it('keeps each signal under each subject that can join a scope, filed by class, and reads it back once per range', async () => {
    const { store, partition } = await freshStore();
    const errors = metricAlarmConfiguration('AWS/Lambda', { FunctionName: 'charge-card' });
    const early = alarmState('early', minutes(-10), 'errors', 'ALARM', 'OK', errors);
    const onTheBound = alarmState('bound', minutes(0), 'errors', 'OK', 'ALARM', errors);
    const failed = execution('failed', minutes(1), 'FAILED');
    // A call naming a function besides its state machine (as a definition's resources do).
    const call = {
      ...apiCall('update', minutes(5), 'UpdateStateMachine', userActor('bob'), { stateMachine: 'orders' }),
      subjects: [functionArn('charge-card'), stateMachineArn()],
    };
    await store.saveSignals([early, onTheBound, failed, call]);
    await store.saveSignals([call]); // idempotent

    const decisive = { contextClass: 'decisive' as const, fromMs: minutes(0) };
    const bySubjects = await store.contextBetween({ ...decisive, subjects: [alarmArn('errors')] });
    expect(bySubjects).toEqual({ signals: [onTheBound], complete: true });
    const calls = await store.contextBetween({
      subjects: [functionArn('charge-card')],
      contextClass: 'api-call',
      fromMs: minutes(0),
    });
    expect(calls).toEqual({ signals: [call], complete: true });
    expect(
      (await store.contextBetween({ ...decisive, subjects: [alarmArn('errors')], fromMs: minutes(-10) }))
        .signals,
    ).toHaveLength(2);
    expect(
      await store.contextBetween({
        ...decisive,
        subjects: [alarmArn('errors')],
        fromMs: minutes(-9),
        toMs: minutes(-1),
      }),
    ).toEqual({ signals: [], complete: true });
    // Never under a state machine or an execution: the scope's own partition holds those
    // (subjectPartitionsOf), and fileUnderScopes files them there.
    for (const subject of [stateMachineArn(), executionArn('failed')]) {
      expect(await store.contextBetween({ ...decisive, subjects: [subject], fromMs: minutes(-60) })).toEqual({
        signals: [],
        complete: true,
      });
    }
    expect(await partition(`CTX#${stateMachineArn()}`)).toEqual([]);
    expect(await partition(`CTXA#${stateMachineArn()}`)).toEqual([]);

    // Packed: per partition, one item per ten minutes of event time, written once however often.
    const packs = async (pk: string) => {
      const items = await partition(pk);
      return items.map((item) => ({ item, signals: signalsOfContextItem(item) }));
    };
    const decisivePacks = await packs(`CTX#${alarmArn('errors')}`);
    expect(decisivePacks.map(({ signals }) => signals.map((s) => s.signalId))).toEqual([
      ['early'],
      ['bound'],
    ]);
    const [earlyPack] = decisivePacks;
    expect(earlyPack?.item).toMatchObject({ type: 'SIGNAL_PACK', count: 1 });
    expect(String(earlyPack?.item.sk)).toMatch(/^2026-03-02T09:50:00\.000Z#pack#[0-9a-f]{32}$/);
    expect(earlyPack?.signals).toEqual([early]);
    // TTL runs from the later of event time and now: these events are older than the clock.
    expect(earlyPack?.item.expiresAt).toBe(Math.floor(NOW / 1000) + 14 * DAY_S);
    const callPacks = await packs(`CTXA#${functionArn('charge-card')}`);
    expect(callPacks.map(({ signals }) => signals)).toEqual([[call]]);
  });

  it('finds links from either end and keeps one item per link when saved again', async () => {
    const { store } = await freshStore();
    const toMachine = {
      from: functionArn('charge-card'),
      to: stateMachineArn(),
      source: 'definition' as const,
    };
    const alarmToFunction = {
      from: alarmArn('charge-card-errors'),
      to: functionArn('charge-card'),
      source: 'alarm-dimension' as const,
    };
    await store.saveLinks([toMachine, alarmToFunction]);
    await store.saveLinks([toMachine]);

    expect(await store.linksFrom([functionArn('charge-card')])).toEqual([toMachine]);
    expect(await store.linksTo([functionArn('charge-card')])).toEqual([alarmToFunction]);
    expect(await store.linksTo([stateMachineArn(), functionArn('charge-card')])).toEqual([
      toMachine,
      alarmToFunction,
    ]);
    expect(await store.linksFrom([stateMachineArn()])).toEqual([]);
  });

  it('keeps link reads between batches while the topology version holds, and writes only new links', async () => {
    const { store, tableName, raw } = await freshStore();
    const other = new DynamoDbIncidentStore({ client: local.documentClient, tableName, clock: () => NOW });
    const version = async () => (await raw('TOPOLOGY', 'VERSION'))?.version;
    const charge = { from: functionArn('charge-card'), to: stateMachineArn(), source: 'definition' as const };
    const refund = { from: functionArn('refund'), to: stateMachineArn(), source: 'definition' as const };

    await store.topologyVersion();
    await store.saveLinks([charge]);
    expect(await version()).toBe(1);
    expect(await store.linksTo([stateMachineArn()])).toEqual([charge]);

    await other.topologyVersion();
    await other.saveLinks([refund]);
    expect(await version()).toBe(2);
    // Until its next batch, the first consumer answers from what it read: the cache is really used.
    expect(await store.linksTo([stateMachineArn()])).toEqual([charge]);
    await store.topologyVersion();
    expect(await store.linksTo([stateMachineArn()])).toEqual([charge, refund]);

    // Relearned from every event, already stored and read: no write, the version stays.
    expect(await store.linksFrom([functionArn('charge-card'), functionArn('refund')])).toEqual([
      charge,
      refund,
    ]);
    await store.saveLinks([charge, refund]);
    expect(await version()).toBe(2);
    // A link learned with another source is news: it is written and the version moves.
    await store.saveLinks([{ ...charge, source: 'static' }]);
    expect(await version()).toBe(3);
  });

  it('loads an unknown scope as version 0 and commits only against the version it holds', async () => {
    const { store, raw } = await freshStore();
    expect(await store.loadScope(stateMachineArn())).toEqual({
      incidents: [],
      digests: new Map(),
      traffic: EMPTY_TRAFFIC,
      version: 0,
    });

    const first = incident('inc-a', { status: 'OPEN', openedAt: new Date(T0).toISOString() });
    expect(
      await store.commitScope(stateMachineArn(), 0, {
        incidents: [first],
        superseded: [],
        traffic: EMPTY_TRAFFIC,
      }),
    ).toBe('committed');
    expect(
      await store.commitScope(stateMachineArn(), 0, {
        incidents: [first],
        superseded: [],
        traffic: EMPTY_TRAFFIC,
      }),
    ).toBe('conflict');
    expect(await store.loadScope(stateMachineArn())).toEqual({
      incidents: [summary(first)],
      digests: new Map([['inc-a', incidentDigest(first)]]),
      traffic: EMPTY_TRAFFIC,
      version: 1,
    });
    expect(await raw(`SCOPE#${stateMachineArn()}`, 'OPEN')).toMatchObject({ incidentId: 'inc-a' });

    const resolved = {
      ...first,
      status: 'RESOLVED' as const,
      resolvedAt: new Date(minutes(12)).toISOString(),
    };
    expect(
      await store.commitScope(stateMachineArn(), 1, {
        incidents: [resolved],
        superseded: [],
        traffic: EMPTY_TRAFFIC,
      }),
    ).toBe('committed');
    expect(await store.loadScope(stateMachineArn())).toEqual({
      incidents: [summary(resolved)],
      digests: new Map([['inc-a', incidentDigest(resolved)]]),
      traffic: EMPTY_TRAFFIC,
      version: 2,
    });
    expect(await raw(`SCOPE#${stateMachineArn()}`, 'OPEN')).toBeUndefined();
  });

  it('writes the hours a summary moved off its state with its commit, and reads them back from an hour on', async () => {
    const { store, raw } = await freshStore();
    const scope = stateMachineArn();
    const hourOf = (hour: number): TrafficHour => ({
      hour,
      minutes: [
        [hour * 60, 3, 3, 100, 200],
        [hour * 60 + 59, 1, 0, -1, -1],
      ],
    });
    const archived = [hourOf(490_000), hourOf(490_001)];
    const change = { incidents: [], superseded: [], traffic: EMPTY_TRAFFIC };
    expect(await store.commitScope(scope, 0, change)).toBe('committed');
    // A commit that lost the race writes none of the hours: they land only with their state.
    expect(await store.commitScope(scope, 0, { ...change, archived })).toBe('conflict');
    expect(await store.trafficHistory(scope, 0)).toEqual([]);

    expect(await store.commitScope(scope, 1, { ...change, archived })).toBe('committed');
    expect(await store.trafficHistory(scope, 0)).toEqual([
      ...hourOf(490_000).minutes,
      ...hourOf(490_001).minutes,
    ]);
    expect(await store.trafficHistory(scope, 490_001 * 60 + 30)).toEqual(hourOf(490_001).minutes);
    expect(await raw(`TRAFFIC#${scope}`, 'H#0000490001')).toMatchObject({
      type: 'TRAFFIC_HOUR',
      hour: 490_001,
      stateMachineArn: scope,
    });
  });

  it('keeps a seal as its time on the state and its carry as a pack every view of it reads; reads a seal written before', async () => {
    const { store, raw, tableName } = await freshStore();
    const scope = stateMachineArn();
    const config = metricAlarmConfiguration('AWS/States', { StateMachineArn: scope });
    const carried = alarmState('t-carried', minutes(0), 'orders-errors', 'ALARM', 'OK', config);
    const uncarried = alarmState('t-old', minutes(1), 'orders-errors', 'OK', 'ALARM', config);
    await store.fileUnderScopes([{ stateMachineArn: scope, signal: uncarried }]);
    const seal = { throughMs: minutes(300), carry: [carried] };
    const change = { incidents: [], superseded: [], traffic: EMPTY_TRAFFIC };
    expect(await store.commitScope(scope, 0, { ...change, seal })).toBe('committed');

    const stateKey = { pk: `SCOPE#${scope}`, sk: 'STATE' };
    const state = await raw(stateKey.pk, stateKey.sk);
    expect(state).toMatchObject({ sealedThroughMs: minutes(300) });
    expect(state).not.toHaveProperty('seal');
    expect((await store.loadScope(scope)).seal).toEqual({ throughMs: minutes(300), carry: [] });
    // A view of this seal starts a look-back before it: the carry joins it, whatever its own time,
    // and an ordinary pack still gives only the signals in range.
    const view = await store.contextBetween({ scope, contextClass: 'decisive', fromMs: minutes(300 - 61) });
    expect(view).toEqual({ signals: [carried], complete: true });
    const unmoved = await store.commitScope(scope, 1, change);
    expect(unmoved).toBe('committed');
    expect(await raw(stateKey.pk, stateKey.sk)).toMatchObject({ sealedThroughMs: minutes(300) });

    // An engine before carry packs kept the carry on the state, gzipped: read as it is, and kept
    // as it is by a commit that does not move the seal.
    const legacy = { throughMs: minutes(200), carry: [carried] };
    const { sealedThroughMs: _, ...stateWithoutSeal } = (await raw(stateKey.pk, stateKey.sk)) ?? {};
    await local.documentClient.send(
      new PutCommand({ TableName: tableName, Item: { ...stateWithoutSeal, seal: encodeSeal(legacy) } }),
    );
    expect((await store.loadScope(scope)).seal).toEqual(legacy);
    expect(await store.commitScope(scope, 2, change)).toBe('committed');
    expect((await store.loadScope(scope)).seal).toEqual(legacy);
  });

  it('lets exactly one of two racing commits on the same version through', async () => {
    const { store } = await freshStore();
    const a = incident('inc-a', { title: 'from consumer A' });
    const b = incident('inc-a', { title: 'from consumer B' });
    const outcomes = await Promise.all([
      store.commitScope(stateMachineArn(), 0, { incidents: [a], superseded: [], traffic: EMPTY_TRAFFIC }),
      store.commitScope(stateMachineArn(), 0, { incidents: [b], superseded: [], traffic: EMPTY_TRAFFIC }),
    ]);
    expect([...outcomes].sort()).toEqual(['committed', 'conflict']);
    const winner = outcomes[0] === 'committed' ? a : b;
    expect(await store.loadScope(stateMachineArn())).toEqual({
      incidents: [summary(winner)],
      digests: new Map([['inc-a', incidentDigest(winner)]]),
      traffic: EMPTY_TRAFFIC,
      version: 1,
    });
  });

  it('marks superseded incidents, drops them from the scope and keeps them readable', async () => {
    const { store, queries, raw } = await freshStore();
    const older = incident('inc-old', { openedAt: new Date(minutes(0)).toISOString() });
    const newer = incident('inc-new', { openedAt: new Date(minutes(5)).toISOString() });
    await store.commitScope(stateMachineArn(), 0, {
      incidents: [older, newer],
      superseded: [],
      traffic: EMPTY_TRAFFIC,
    });
    const merged = { ...older, signalCount: 9 };
    expect(
      await store.commitScope(stateMachineArn(), 1, {
        incidents: [merged],
        superseded: [{ id: 'inc-new', mergedInto: 'inc-old' }],
        traffic: EMPTY_TRAFFIC,
      }),
    ).toBe('committed');

    // The superseded incident leaves the scope, digest included.
    expect(await store.loadScope(stateMachineArn())).toEqual({
      incidents: [summary(merged)],
      digests: new Map([['inc-old', incidentDigest(merged)]]),
      traffic: EMPTY_TRAFFIC,
      version: 2,
    });
    expect(await raw('INC#inc-new', 'HEAD')).toMatchObject({
      status: 'SUPERSEDED',
      mergedInto: 'inc-old',
      scopeVersion: 2,
    });
    expect(await raw('INC#inc-new', 'LIST')).toMatchObject({
      status: 'SUPERSEDED',
      gsi1pk: 'STATUS#SUPERSEDED',
    });
    expect(await queries.getIncident('inc-new')).toMatchObject({
      status: 'SUPERSEDED',
      mergedInto: 'inc-old',
    });
    expect((await queries.listIncidents({ status: 'SUPERSEDED' })).map((i) => i.id)).toEqual(['inc-new']);
    expect((await queries.listIncidents()).map((i) => i.id)).toEqual(['inc-old']);
    expect(await raw(`SCOPE#${stateMachineArn()}`, 'OPEN')).toMatchObject({ incidentId: 'inc-old' });
  });

  it('lists an incident whose header an engine before listings wrote, once, before and after it is rewritten', async () => {
    const { store, queries, raw, tableName } = await freshStore();
    const first = incident('inc-a', { openedAt: new Date(minutes(0)).toISOString() });
    await store.commitScope(stateMachineArn(), 0, {
      incidents: [first],
      superseded: [],
      traffic: EMPTY_TRAFFIC,
    });
    // What that engine left: the header carrying the index keys, no listing, a STATE entry that
    // does not say `listed`.
    const header = await raw('INC#inc-a', 'HEAD');
    const sortKey = `${first.openedAt}#inc-a`;
    const legacyKeys = {
      gsi1pk: 'STATUS#OPEN',
      gsi1sk: sortKey,
      gsi2pk: `SM#${stateMachineArn()}`,
      gsi2sk: sortKey,
    };
    const state = await raw(`SCOPE#${stateMachineArn()}`, 'STATE');
    if (state === undefined) throw new Error('the first commit wrote no STATE item');
    const unlisted = parseScopeStateItem(state).recent.map(({ listed: _listed, ...entry }) => entry);
    await local.documentClient.send(
      new PutCommand({ TableName: tableName, Item: { ...header, ...legacyKeys } }),
    );
    await local.documentClient.send(
      new PutCommand({ TableName: tableName, Item: { ...state, recent: unlisted } }),
    );
    const ids = async () => [
      (await queries.listIncidents()).map((i) => i.id),
      (await queries.listIncidents({ stateMachineArn: stateMachineArn() })).map((i) => i.id),
      (await queries.listIncidents({ status: 'OPEN' })).map((i) => i.id),
    ];
    // Found by its header and by its listing, as while an index catches up: given once.
    expect(await ids()).toEqual([['inc-a'], ['inc-a'], ['inc-a']]);
    await local.documentClient.send(
      new DeleteCommand({ TableName: tableName, Key: { pk: 'INC#inc-a', sk: 'LIST' } }),
    );
    expect(await ids()).toEqual([['inc-a'], ['inc-a'], ['inc-a']]);

    const grown = { ...first, signalCount: 7 };
    expect(
      await store.commitScope(stateMachineArn(), 1, {
        incidents: [grown],
        superseded: [],
        traffic: EMPTY_TRAFFIC,
      }),
    ).toBe('committed');
    // The rewrite lists it and takes the index keys off the header: still once, now as rewritten.
    expect(
      Object.keys((await raw('INC#inc-a', 'HEAD')) ?? {}).filter((name) => name.startsWith('gsi')),
    ).toEqual([]);
    expect(await raw('INC#inc-a', 'LIST')).toMatchObject(legacyKeys);
    expect(await ids()).toEqual([['inc-a'], ['inc-a'], ['inc-a']]);
    expect((await queries.listIncidents())[0]?.signalCount).toBe(7);
    expect(await queries.listIncidents({ status: 'RESOLVED' })).toEqual([]);
  });

  it('stores the timeline as packs of what each commit added, and deletes a pack once none of it is left', async () => {
    const { store, queries, partition } = await freshStore();
    const opened = timelineEntry(minutes(0), 'incident-opened');
    const failed = timelineEntry(minutes(0), 'execution', 'run-1');
    const resolvedEarly = timelineEntry(minutes(3), 'incident-resolved');
    const first = incident('inc-a', { timeline: [opened, failed, resolvedEarly] });
    await store.commitScope(stateMachineArn(), 0, {
      incidents: [first],
      superseded: [],
      traffic: EMPTY_TRAFFIC,
    });

    // A late failure undid the early resolution: its entry must not linger in the timeline.
    const lateFailure = timelineEntry(minutes(4), 'execution', 'run-2');
    const second = { ...first, timeline: [opened, failed, lateFailure] };
    await store.commitScope(stateMachineArn(), 1, {
      incidents: [second],
      superseded: [],
      traffic: EMPTY_TRAFFIC,
    });

    expect((await queries.getIncident('inc-a'))?.timeline).toEqual(second.timeline);
    expect(await store.loadScope(stateMachineArn())).toEqual({
      incidents: [summary(second)],
      digests: new Map([['inc-a', incidentDigest(second)]]),
      traffic: EMPTY_TRAFFIC,
      version: 2,
    });
    const packsOf = async () => {
      const sks = (await partition('INC#inc-a')).map((item) => String(item.sk));
      expect(sks).toContain('HEAD');
      expect(sks).toContain('TIMELINE');
      expect(sks.filter((sk) => sk.startsWith('EVT#'))).toEqual([]);
      return sks.filter((sk) => sk.startsWith('EVTP#'));
    };
    // The first commit's pack still holds two listed entries; the second added one pack.
    const [firstPack, secondPack, ...more] = await packsOf();
    expect(more).toEqual([]);

    // Once nothing of the first pack is listed, the commit that drops it deletes it.
    const resolvedLater = timelineEntry(minutes(9), 'incident-resolved');
    const third = { ...first, timeline: [lateFailure, resolvedLater] };
    await store.commitScope(stateMachineArn(), 2, {
      incidents: [third],
      superseded: [],
      traffic: EMPTY_TRAFFIC,
    });
    expect((await queries.getIncident('inc-a'))?.timeline).toEqual(third.timeline);
    const left = await packsOf();
    expect(left).toHaveLength(2);
    expect(left.filter((sk) => sk === firstPack || sk === secondPack)).toHaveLength(1);
  });

  it('quarantines raw bytes, cutting very large records but keeping their size and digest', async () => {
    const { store, queries } = await freshStore();
    const small = new TextEncoder().encode('{"not": "an event"');
    const big = new Uint8Array(400 * 1024).fill(65);
    await store.quarantine([
      {
        recordId: 'seq-1',
        position: ['Records', 0],
        reason: 'not JSON at Records[0]',
        raw: small,
        rawRedactions: 0,
        quarantinedAt: '2026-03-02T12:00:00.000Z',
      },
      {
        recordId: 'seq-2',
        position: ['Records', 1, 'kinesis', 'data'],
        reason: 'too large',
        raw: big,
        rawRedactions: 0,
        quarantinedAt: '2026-03-02T12:00:01.000Z',
      },
    ]);

    const entries = await queries.listQuarantine({ day: '2026-03-02' });
    expect(entries.map((e) => [e.recordId, e.rawBytes, e.rawTruncated])).toEqual([
      ['seq-2', 400 * 1024, true],
      ['seq-1', small.byteLength, false],
    ]);
    const [bigEntry, smallEntry] = entries;
    expect(bigEntry?.raw.byteLength).toBe(300 * 1024);
    expect(bigEntry?.position).toEqual(['Records', 1, 'kinesis', 'data']);
    expect(new TextDecoder().decode(smallEntry?.raw)).toBe('{"not": "an event"');
    expect(smallEntry?.rawSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(smallEntry?.expiresAt).toBe(Date.parse('2026-03-02T12:00:00.000Z') / 1000 + 30 * DAY_S);
    expect(await queries.getQuarantineEntry(smallEntry?.pk ?? '', smallEntry?.sk ?? '')).toEqual(smallEntry);
    // Without a day, the recent days are searched from the clock's today backwards.
    expect(await queries.listQuarantine({ limit: 1 })).toEqual([bigEntry]);
  });
});

describe('the engine pipeline on DynamoDB Local', () => {
  it('derives the same incidents as the in-memory store', async () => {
    const { store, queries } = await freshStore();
    const memory = new MemoryIncidentStore();
    const signals = twoScopesWithFlap();
    const onDynamo = await runPipeline(store, signals);
    await runPipeline(memory, signals);

    expect(onDynamo.counts).toMatchObject({ records: signals.length, failed: 0, scopes: 2 });
    const expected = memory.allIncidents();
    expect(expected.map((i) => [i.stateMachineArn, i.status])).toEqual([
      [stateMachineArn('orders'), 'RESOLVED'],
      [stateMachineArn('billing'), 'OPEN'],
    ]);
    const stored = await Promise.all(
      (await queries.listIncidents()).reverse().map((header) => queries.getIncident(header.id)),
    );
    expect(stored.map((detail) => (detail === undefined ? undefined : engineView(detail)))).toEqual(expected);
    for (const scope of [stateMachineArn('orders'), stateMachineArn('billing')]) {
      const loaded = await store.loadScope(scope);
      const inMemory = await memory.loadScope(scope);
      expect(loaded.incidents.length).toBeGreaterThan(0);
      expect([...loaded.incidents].sort(byId)).toEqual([...inMemory.incidents].sort(byId));
      expect(loaded.digests).toEqual(inMemory.digests);
    }
  });

  it('files an alarm seen before its function joined the state machine under the scope once the link is learned', async () => {
    const { store, queries, partition } = await freshStore();
    const fired = alarmState(
      'charge-errors',
      minutes(0),
      'charge-card-errors',
      'ALARM',
      'OK',
      metricAlarmConfiguration('AWS/Lambda', { FunctionName: 'charge-card' }),
    );
    const failure = execution('bad', minutes(1), 'FAILED', { error: 'PaymentGatewayTimeout' });
    // The alarm belongs to no known scope yet; the failure opens an incident without it.
    await runPipeline(store, [fired, failure]);
    const scopePartition = `SCTX#${stateMachineArn()}`;
    const filedIds = async () =>
      [
        ...new Set((await partition(scopePartition)).flatMap(signalsOfContextItem).map((s) => s.signalId)),
      ].sort();
    expect(await filedIds()).toEqual([failure.signalId]);
    const before = await store.loadScope(stateMachineArn());

    // The definition names the function: the alarm's subjects join the scope, and its next
    // derivation files what they kept there, then records the new members.
    const update = apiCall('update', minutes(2), 'UpdateStateMachine', userActor('alice'), {
      stateMachine: 'orders',
      definitionResources: [functionArn('charge-card')],
    });
    const second = execution('bad-2', minutes(3), 'FAILED', { error: 'PaymentGatewayTimeout' });
    await runPipeline(store, [update, second]);
    expect(await filedIds()).toEqual([failure.signalId, fired.signalId, second.signalId].sort());
    const after = await store.loadScope(stateMachineArn());
    expect(after.membersDigest).toBeDefined();
    expect(after.membersDigest).not.toBe(before.membersDigest);
    const [header] = await queries.listIncidents();
    const detail = await queries.getIncident(header?.id ?? '');
    expect(detail?.alarms.map((alarm) => alarm.alarmName)).toEqual(['charge-card-errors']);
  });

  it('gives the same incidents when the batch is replayed, split and shuffled', async () => {
    const { store, queries } = await freshStore();
    const memory = new MemoryIncidentStore();
    const signals = checkoutOutage();
    await runPipeline(memory, signals);
    const reversed = [...signals].reverse();
    await runPipeline(store, reversed.slice(0, 5));
    await runPipeline(store, reversed.slice(5));
    const replay = await runPipeline(store, signals);

    expect(replay.counts.failed).toBe(0);
    const [header] = await queries.listIncidents({ stateMachineArn: stateMachineArn() });
    const detail = await queries.getIncident(header?.id ?? '');
    expect(detail === undefined ? undefined : engineView(detail)).toEqual(memory.allIncidents()[0]);
  });

  it('answers the query library from what the pipeline wrote', async () => {
    const { store, queries } = await freshStore();
    await runPipeline(store, twoScopesWithFlap());

    const open = await queries.listIncidents({ status: 'OPEN' });
    expect(open.map((i) => [i.stateMachineArn, i.flapCount])).toEqual([[stateMachineArn('billing'), 1]]);
    const orders = await queries.listIncidents({ stateMachineArn: stateMachineArn('orders') });
    expect(orders).toHaveLength(1);
    const [outage] = orders;
    expect(outage).toMatchObject({
      status: 'RESOLVED',
      severity: 'SEV2',
      counts: { FAILED: 2, ABORTED: 1 },
      scopeVersion: expect.any(Number),
      updatedAt: '2026-03-02T12:00:00.000Z',
      shrunk: false,
    });
    expect(outage?.actors.map((a) => a.userName).sort()).toEqual(['alice', 'bob']);
    expect(
      await queries.listIncidents({ stateMachineArn: stateMachineArn('orders'), status: 'OPEN' }),
    ).toEqual([]);
    expect(await queries.listIncidents({ since: new Date(minutes(20)).toISOString() })).toEqual(open);
    expect((await queries.listIncidents({ limit: 1 })).map((i) => i.id)).toEqual(open.map((i) => i.id));

    const detail = await queries.getIncident(outage?.id ?? '');
    const kinds = detail?.timeline.map((entry) => entry.kind);
    expect(kinds?.[0]).toBe('api-call');
    expect(kinds).toContain('incident-opened');
    expect(kinds?.at(-1)).toBe('incident-resolved');
    expect(await queries.getIncident('inc-none')).toBeUndefined();
  });
});

describe('errors that explain themselves', () => {
  it('names a missing table and what to do about it', async () => {
    const queries = new IncidentQueries({ client: local.documentClient, tableName: 'no-such-table' });
    const failure = queries.listIncidents();
    await expect(failure).rejects.toBeInstanceOf(ConfigurationError);
    await expect(queries.listIncidents()).rejects.toThrow(
      'Table no-such-table does not exist: deploy first or start the local stack',
    );
    const store = new DynamoDbIncidentStore({
      client: local.documentClient,
      tableName: 'no-such-table',
      clock: () => NOW,
    });
    await expect(store.loadScope(stateMachineArn())).rejects.toThrow('Table no-such-table does not exist');
  });

  it('says when the endpoint cannot be reached', async () => {
    const unreachable = localClient('http://127.0.0.1:9');
    const queries = new IncidentQueries({
      client: DynamoDBDocumentClient.from(unreachable),
      tableName: 'incidents',
    });
    const failure = queries.getIncident('inc-a');
    await expect(failure).rejects.toBeInstanceOf(TransientStoreError);
    await expect(queries.getIncident('inc-a')).rejects.toThrow(/Cannot reach DynamoDB for table incidents/);
    unreachable.destroy();
  });
});

describe('the table stream', () => {
  it('carries incident headers that decode into opened, escalated, resolved and reopened', async () => {
    const { store, tableName } = await freshStore();
    const batches = [
      [execution('run-1', minutes(0), 'FAILED', { error: 'E' })],
      [2, 3, 4, 5, 6].map((n) => execution(`run-${n}`, minutes(n - 1), 'FAILED', { error: 'E' })),
      [execution('ok', minutes(8), 'SUCCEEDED')],
      [execution('run-7', minutes(40), 'FAILED', { error: 'E' })],
    ];
    for (const batch of batches) expect((await runPipeline(store, batch)).counts.failed).toBe(0);

    const { Table } = await local.client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.StreamSpecification?.StreamViewType).toBe('NEW_AND_OLD_IMAGES');
    const streams = createDynamoDbStreamsClient({
      region: 'us-east-1',
      endpoint: local.endpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const records = await readTableStream(streams, Table?.LatestStreamArn ?? '');
    streams.destroy();

    const results = records.map(incidentChangeOf);
    const changes = results.flatMap((result) => (result.kind === 'ignored' ? [] : [result]));
    expect(changes.map((change) => [change.kind, change.incident.status, change.incident.severity])).toEqual([
      ['opened', 'OPEN', 'SEV3'],
      ['escalated', 'OPEN', 'SEV2'],
      ['resolved', 'RESOLVED', 'SEV2'],
      ['reopened', 'OPEN', 'SEV2'],
    ]);
    expect(changes[3]).toMatchObject({
      previousStatus: 'RESOLVED',
      previousFlapCount: 0,
      incident: { flapCount: 1 },
    });
    // Everything else on the stream is timeline, scope and context items, which subscribers skip.
    expect(results.filter((result) => result.kind === 'ignored').length).toBe(
      records.length - changes.length,
    );
  });
});

describe('commits under pressure', () => {
  it('splits a change too large for one transaction and still reads back every incident', async () => {
    const tableName = await local.createTable();
    const store = new DynamoDbIncidentStore({
      client: local.documentClient,
      tableName,
      clock: () => NOW,
      options: { transactionLimits: { maxActions: 3, maxBytes: 3_500_000 } },
    });
    const incidents = ['inc-a', 'inc-b', 'inc-c'].map((id, n) =>
      incident(id, {
        openedAt: new Date(minutes(n * 60)).toISOString(),
        status: n === 2 ? 'OPEN' : 'RESOLVED',
      }),
    );
    expect(
      await store.commitScope(stateMachineArn(), 0, { incidents, superseded: [], traffic: EMPTY_TRAFFIC }),
    ).toBe('committed');
    const loaded = await store.loadScope(stateMachineArn());
    expect(loaded.version).toBe(4);
    // Newest first, each with the digest of what was committed.
    expect(loaded.incidents).toEqual([...incidents].reverse().map(summary));
    expect(loaded.digests).toEqual(new Map(incidents.map((one) => [one.id, incidentDigest(one)])));
    const headers = await new IncidentQueries({ client: local.documentClient, tableName }).listIncidents({
      stateMachineArn: stateMachineArn(),
    });
    expect(headers.map((header) => header.id).sort()).toEqual(['inc-a', 'inc-b', 'inc-c']);
    expect(
      await store.commitScope(stateMachineArn(), 1, { incidents, superseded: [], traffic: EMPTY_TRAFFIC }),
    ).toBe('conflict');
  });

  it('converges when two consumers commit the same scope at the same time', async () => {
    const tableName = await local.createTable();
    const consumer = () =>
      new DynamoDbIncidentStore({ client: local.documentClient, tableName, clock: () => NOW });
    const bothCommitting = barrier(2);
    const batchA = [execution('run-1', minutes(0), 'FAILED'), execution('run-3', minutes(2), 'FAILED')];
    const batchB = [execution('run-2', minutes(1), 'FAILED'), execution('ok', minutes(6), 'SUCCEEDED')];

    const [reportA, reportB] = await Promise.all([
      runPipeline(new FirstCommitWaits(consumer(), bothCommitting), batchA),
      runPipeline(new FirstCommitWaits(consumer(), bothCommitting), batchB),
    ]);

    const attempts = [reportA, reportB].map((report) => {
      const outcome = report.scopes[0]?.outcome;
      return outcome?.ok === true ? outcome.attempts : -1;
    });
    expect(attempts.sort()).toEqual([1, 2]);
    const memory = new MemoryIncidentStore();
    await runPipeline(memory, [...batchA, ...batchB]);
    const loaded = await consumer().loadScope(stateMachineArn());
    const expected = memory.allIncidents();
    expect(loaded.incidents).toEqual(expected.map(summary));
    expect(loaded.digests).toEqual((await memory.loadScope(stateMachineArn())).digests);
    const [stored] = await new IncidentQueries({ client: local.documentClient, tableName }).listIncidents();
    expect(stored).toMatchObject({ status: 'RESOLVED', counts: { FAILED: 3, SUCCEEDED: 1 } });
    expect(stored?.id).toBe(expected[0]?.id);
  });
});

describe('eventually consistent scope reads', () => {
  /**
   * DynamoDB Local is always consistent, so staleness is made here: an eventually consistent
   * BatchGetItem through this client sees no item at all, as a read that has not caught up yet.
   */
  const staleBulkReads = () => {
    const client = localClient(local.endpoint);
    let staleReads = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as { RequestItems?: Record<string, { ConsistentRead?: boolean }> };
        const eventual =
          context.commandName === 'BatchGetItemCommand' &&
          Object.values(input.RequestItems ?? {}).some((request) => request.ConsistentRead !== true);
        if (!eventual) return next(args);
        staleReads += 1;
        return { output: { Responses: {}, UnprocessedKeys: {}, $metadata: {} }, response: {} };
      },
      { step: 'initialize', name: 'staleBulkReads' },
    );
    return { document: DynamoDBDocumentClient.from(client), staleReads: () => staleReads };
  };
  const outcomeOf = (report: Awaited<ReturnType<typeof runPipeline>>) => report.scopes[0]?.outcome;
  const firstBatch = [execution('run-1', minutes(0), 'FAILED'), execution('run-2', minutes(1), 'FAILED')];
  const secondBatch = [execution('run-3', minutes(2), 'FAILED'), execution('ok', minutes(6), 'SUCCEEDED')];

  it('re-reads strongly a scope whose own last commit the bulk read missed, so it does not conflict', async () => {
    const tableName = await local.createTable();
    const stale = staleBulkReads();
    const store = new DynamoDbIncidentStore({ client: stale.document, tableName, clock: () => NOW });

    expect(outcomeOf(await runPipeline(store, firstBatch))).toMatchObject({ ok: true, attempts: 1 });
    expect(outcomeOf(await runPipeline(store, secondBatch))).toMatchObject({ ok: true, attempts: 1 });

    expect(stale.staleReads()).toBe(2);
    const memory = new MemoryIncidentStore();
    await runPipeline(memory, [...firstBatch, ...secondBatch]);
    expect((await store.loadScope(stateMachineArn())).incidents).toEqual(memory.allIncidents().map(summary));
  });

  it('never commits a plan made from a stale state: it conflicts, reloads strongly and decides again', async () => {
    const tableName = await local.createTable();
    const writer = new DynamoDbIncidentStore({ client: local.documentClient, tableName, clock: () => NOW });
    expect(outcomeOf(await runPipeline(writer, firstBatch))).toMatchObject({ ok: true, attempts: 1 });
    // Another consumer, which has not seen the scope: its bulk read shows no state at all.
    const stale = staleBulkReads();
    const other = new DynamoDbIncidentStore({ client: stale.document, tableName, clock: () => NOW });

    expect(outcomeOf(await runPipeline(other, secondBatch))).toMatchObject({ ok: true, attempts: 2 });

    expect(stale.staleReads()).toBe(1);
    const memory = new MemoryIncidentStore();
    await runPipeline(memory, [...firstBatch, ...secondBatch]);
    const loaded = await writer.loadScope(stateMachineArn());
    expect(loaded.incidents).toEqual(memory.allIncidents().map(summary));
    expect(loaded.digests).toEqual((await memory.loadScope(stateMachineArn())).digests);
  });
});

/** Resolves once `parties` callers are waiting. */
function barrier(parties: number): () => Promise<void> {
  let waiting = 0;
  let release: () => void = () => undefined;
  const all = new Promise<void>((resolve) => {
    release = resolve;
  });
  return () => {
    waiting += 1;
    if (waiting === parties) release();
    return all;
  };
}

/** A consumer whose first commit waits until the other consumer is about to commit too. */
class FirstCommitWaits implements IncidentStore {
  private waited = false;

  constructor(
    private readonly store: IncidentStore,
    private readonly wait: () => Promise<void>,
  ) {}

  topologyVersion = () => this.store.topologyVersion();
  fileUnderScopes = (filings: Parameters<IncidentStore['fileUnderScopes']>[0]) =>
    this.store.fileUnderScopes(filings);
  linksFrom = (resources: readonly string[]) => this.store.linksFrom(resources);
  linksTo = (resources: readonly string[]) => this.store.linksTo(resources);
  saveLinks = (links: Parameters<IncidentStore['saveLinks']>[0]) => this.store.saveLinks(links);
  saveSignals = (signals: readonly Signal[]) => this.store.saveSignals(signals);
  contextBetween = (range: ContextRange) => this.store.contextBetween(range);
  loadScope = (arn: string) => this.store.loadScope(arn);
  loadScopes = (arns: readonly string[]) => this.store.loadScopes(arns);
  trafficHistory = (arn: string, fromMinute: number) => this.store.trafficHistory(arn, fromMinute);
  quarantine = (entries: Parameters<IncidentStore['quarantine']>[0]) => this.store.quarantine(entries);

  async commitScope(arn: string, version: number, change: Parameters<IncidentStore['commitScope']>[2]) {
    if (!this.waited) {
      this.waited = true;
      await this.wait();
    }
    return this.store.commitScope(arn, version, change);
  }
}

/** What `loadScope` gives of an incident. */
const summary = ({ id, status, openedAt, resolvedAt }: Incident): StoredIncidentSummary => ({
  id,
  status,
  openedAt,
  resolvedAt,
});

const byId = (a: StoredIncidentSummary, b: StoredIncidentSummary): number =>
  a.id < b.id ? -1 : a.id > b.id ? 1 : 0;

/** The engine's view of a stored incident: bookkeeping fields dropped. */
function engineView(detail: NonNullable<Awaited<ReturnType<IncidentQueries['getIncident']>>>): Incident {
  const { updatedAt: _u, scopeVersion: _v, shrunk: _s, mergedInto: _m, status, ...rest } = detail;
  if (status === 'SUPERSEDED') throw new Error(`${detail.id} is superseded`);
  return { ...rest, status };
}
