import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DynamoDbIncidentStore,
  type DynamoDbStoreConfig,
} from '../../../src/adapters/dynamodb/dynamodb-store.ts';
import { engineIncident } from '../../../src/adapters/dynamodb/incident-items.ts';
import { IncidentQueries } from '../../../src/adapters/dynamodb/incident-queries.ts';
import type { ContextClass } from '../../../src/core/context/context-class.ts';
import { incidentDigest } from '../../../src/core/incident/digest.ts';
import type { IncidentExecution } from '../../../src/core/incident/types.ts';
import type { ContextRange } from '../../../src/core/pipeline/ports.ts';
import type { Signal } from '../../../src/core/signals/types.ts';
import { DeterministicStoreError } from '../../../src/errors.ts';
import {
  alarmState,
  apiCall,
  execution,
  executionArn,
  metricAlarmConfiguration,
  minutes,
  stateMachineArn,
  userActor,
} from '../../builders/signals.ts';
import { type DynamoDbLocal, sharedDynamoDbLocal } from '../../helpers/dynamodb.ts';
import { incident } from './builders.ts';

/**
 * Filed context and scope digests against DynamoDB Local: the key conditions, the classes, the cap,
 * items written by earlier versions, and the digest kept beside a (possibly shrunk) incident.
 */

const NOW = Date.parse('2026-03-02T12:00:00.000Z');
const MACHINE = stateMachineArn();

let local: DynamoDbLocal;

beforeAll(async () => {
  local = await sharedDynamoDbLocal();
});

afterAll(async () => {
  await local?.stop();
});

async function freshStore(options: DynamoDbStoreConfig['options'] = {}) {
  const tableName = await local.createTable();
  const store = new DynamoDbIncidentStore({
    client: local.documentClient,
    tableName,
    clock: () => NOW,
    options,
  });
  const put = (item: Record<string, unknown>) =>
    local.documentClient.send(new PutCommand({ TableName: tableName, Item: item }));
  return { store, tableName, put };
}

const ids = (signals: readonly Signal[]) => signals.map((signal) => signal.signalId).sort();
const failed = (id: string, atMs: number) => execution(id, atMs, 'FAILED', { error: 'E' });
const range = (contextClass: ContextClass, fromMs: number, toMs?: number): ContextRange =>
  toMs === undefined
    ? { subjects: [MACHINE], contextClass, fromMs }
    : { subjects: [MACHINE], contextClass, fromMs, toMs };

/** A context item as versions before context classes wrote it: every class under `CTX#`. */
function legacyContextItem(subject: string, signal: Signal): Record<string, unknown> {
  return {
    pk: `CTX#${subject}`,
    sk: `${new Date(signal.eventTimeMs).toISOString()}#${signal.signalId}`,
    type: 'SIGNAL',
    signalId: signal.signalId,
    kind: signal.kind,
    eventTime: signal.eventTime,
    signal: JSON.stringify(signal),
    expiresAt: Math.floor(NOW / 1000) + 14 * 24 * 60 * 60,
  };
}

describe('contextBetween on DynamoDB Local', () => {
  it('selects exactly fromMs <= eventTimeMs <= toMs: both bounds in, one millisecond outside out', async () => {
    const { store } = await freshStore();
    const from = minutes(0);
    const to = minutes(10);
    await store.saveSignals([
      failed('before', from - 1),
      failed('on-from', from),
      failed('inside', from + 1),
      failed('on-to', to),
      failed('after', to + 1),
    ]);

    const between = await store.contextBetween(range('decisive', from, to));
    expect(between.complete).toBe(true);
    expect(ids(between.signals)).toEqual(['inside', 'on-from', 'on-to']);
    expect(ids((await store.contextBetween(range('decisive', from))).signals)).toEqual([
      'after',
      'inside',
      'on-from',
      'on-to',
    ]);
    expect(ids((await store.contextBetween(range('decisive', to, to))).signals)).toEqual(['on-to']);
    expect(ids((await store.contextBetween(range('decisive', to + 1))).signals)).toEqual(['after']);
    expect(
      ids((await store.contextBetween(range('decisive', Number.NEGATIVE_INFINITY, from))).signals),
    ).toEqual(['before', 'on-from']);
    expect(await store.contextBetween(range('decisive', to, from))).toEqual({ signals: [], complete: true });
  });

  it('keeps the classes apart, and returns a signal kept under several subjects once', async () => {
    const { store } = await freshStore();
    const alarm = alarmState(
      'alarm',
      minutes(1),
      'errors',
      'ALARM',
      'OK',
      metricAlarmConfiguration('AWS/Lambda', {}),
    );
    const signals = [
      failed('failed', minutes(1)),
      execution('timed-out', minutes(1), 'TIMED_OUT'),
      execution('ok', minutes(2), 'SUCCEEDED'),
      execution('running', minutes(3), 'RUNNING'),
      apiCall('stop', minutes(4), 'StopExecution', userActor('bob'), {
        stateMachine: 'orders',
        execution: 'ok',
      }),
      alarm,
    ];
    await store.saveSignals(signals);
    const subjects = [MACHINE, executionArn('ok'), executionArn('failed'), alarm.alarmArn];
    const read = async (contextClass: ContextClass) =>
      (await store.contextBetween({ subjects, contextClass, fromMs: minutes(0) })).signals;

    expect(await read('decisive')).toHaveLength(3);
    expect(ids(await read('decisive'))).toEqual(['alarm', 'failed', 'timed-out']);
    expect(await read('succeeded')).toEqual([signals[2]]);
    expect(await read('running')).toEqual([signals[3]]);
    expect(await read('api-call')).toEqual([signals[4]]);
  });

  it('says complete: false when the cap cuts a read, keeping the newest, and true when it does not', async () => {
    const { store } = await freshStore({ maxContextItemsPerRead: 3 });
    await store.saveSignals([0, 1, 2, 3, 4].map((n) => execution(`ok-${n}`, minutes(n), 'SUCCEEDED')));

    const cut = await store.contextBetween(range('succeeded', minutes(0)));
    expect(cut.complete).toBe(false);
    expect(ids(cut.signals)).toEqual(['ok-2', 'ok-3', 'ok-4']);
    // Exactly the cap is not a cut.
    const exactly = await store.contextBetween(range('succeeded', minutes(2)));
    expect(exactly).toMatchObject({ complete: true });
    expect(ids(exactly.signals)).toEqual(['ok-2', 'ok-3', 'ok-4']);
    // The cap is per subject: two subjects of three items each are read whole.
    const perSubject = await store.contextBetween({
      subjects: [executionArn('ok-0'), executionArn('ok-1'), MACHINE],
      contextClass: 'succeeded',
      fromMs: minutes(0),
      toMs: minutes(2),
    });
    expect(perSubject.complete).toBe(true);
    expect(ids(perSubject.signals)).toEqual(['ok-0', 'ok-1', 'ok-2']);
  });

  it('reads context written before classes as decisive, whatever its kind, and only there', async () => {
    const { store, put } = await freshStore();
    const oldFailure = failed('old-failed', minutes(1));
    const oldSuccess = execution('old-ok', minutes(2), 'SUCCEEDED');
    const oldCall = apiCall('old-call', minutes(3), 'UpdateStateMachine', userActor('alice'), {
      stateMachine: 'orders',
    });
    for (const signal of [oldFailure, oldSuccess, oldCall]) await put(legacyContextItem(MACHINE, signal));
    const newFailure = failed('new-failed', minutes(4));
    const newSuccess = execution('new-ok', minutes(5), 'SUCCEEDED');
    await store.saveSignals([newFailure, newSuccess]);

    const decisive = await store.contextBetween(range('decisive', minutes(0)));
    expect(ids(decisive.signals)).toEqual(['new-failed', 'old-call', 'old-failed', 'old-ok']);
    expect(decisive.signals.find((signal) => signal.signalId === 'old-call')).toEqual(oldCall);
    expect((await store.contextBetween(range('succeeded', minutes(0)))).signals).toEqual([newSuccess]);
    expect((await store.contextBetween(range('api-call', minutes(0)))).signals).toEqual([]);
    expect(await store.contextEdge(range('decisive', minutes(0)), 'first')).toEqual(oldFailure);
  });

  it('refuses a stored signal it cannot parse as a deterministic error naming the item key', async () => {
    const { store, put } = await freshStore();
    const sk = `${new Date(minutes(1)).toISOString()}#broken`;
    await put({
      pk: `CTX#${MACHINE}`,
      sk,
      type: 'SIGNAL',
      signal: JSON.stringify({ kind: 'metric', note: 'hush' }),
    });
    const failure = store.contextBetween(range('decisive', minutes(0)));
    await expect(failure).rejects.toBeInstanceOf(DeterministicStoreError);
    await expect(failure).rejects.toThrow(`Malformed signal item (pk=CTX#${MACHINE}, sk=${sk})`);
    await expect(failure).rejects.not.toThrow(/hush/);
  });
});

describe('contextEdge on DynamoDB Local', () => {
  it('finds the earliest and latest signal of the range across several subjects', async () => {
    const { store } = await freshStore();
    const other = stateMachineArn('billing');
    const signals = [
      execution('orders-early', minutes(1), 'SUCCEEDED'),
      execution('orders-late', minutes(7), 'SUCCEEDED'),
      execution('billing-earliest', minutes(0), 'SUCCEEDED', { machine: 'billing' }),
      execution('billing-latest', minutes(9), 'SUCCEEDED', { machine: 'billing' }),
      // One millisecond inside the ranges below, next to one on the bound: a key condition that is
      // off by one finds the outer one first and misses these.
      execution('billing-just-after', minutes(0) + 1, 'SUCCEEDED', { machine: 'billing' }),
      execution('billing-just-before', minutes(9) - 1, 'SUCCEEDED', { machine: 'billing' }),
      execution('billing-outside', minutes(20), 'SUCCEEDED', { machine: 'billing' }),
      failed('orders-failure', minutes(8)),
    ];
    await store.saveSignals(signals);
    const both = (fromMs: number, toMs?: number): ContextRange => ({
      subjects: [MACHINE, other, stateMachineArn('nothing-here')],
      contextClass: 'succeeded',
      fromMs,
      ...(toMs === undefined ? {} : { toMs }),
    });

    expect((await store.contextEdge(both(minutes(0), minutes(10)), 'first'))?.signalId).toBe(
      'billing-earliest',
    );
    expect((await store.contextEdge(both(minutes(0), minutes(10)), 'last'))?.signalId).toBe('billing-latest');
    const inner = both(minutes(0) + 1, minutes(9) - 1);
    expect((await store.contextEdge(inner, 'first'))?.signalId).toBe('billing-just-after');
    expect((await store.contextEdge(inner, 'last'))?.signalId).toBe('billing-just-before');
    const innermost = both(minutes(0) + 2, minutes(9) - 2);
    expect((await store.contextEdge(innermost, 'first'))?.signalId).toBe('orders-early');
    expect((await store.contextEdge(innermost, 'last'))?.signalId).toBe('orders-late');
    const outside = signals.find((signal) => signal.signalId === 'billing-outside');
    expect(outside).toBeDefined();
    expect(await store.contextEdge(both(minutes(0)), 'last')).toEqual(outside);
    expect(await store.contextEdge(both(minutes(2), minutes(6)), 'first')).toBeUndefined();
    expect(await store.contextEdge(both(minutes(21)), 'last')).toBeUndefined();
  });
});

describe('digests through commitScope and loadScope', () => {
  const run = (index: number): IncidentExecution => ({
    executionArn: executionArn(`run-${index}`),
    name: `run-${index}`,
    status: 'FAILED',
    redriveCount: 0,
    error: 'Lambda.Unknown',
    cause: 'c'.repeat(1500),
    signalId: `run-${index}`,
  });

  it('keeps the digest of the incident as the engine derived it, also when it had to be shrunk', async () => {
    const { store, tableName } = await freshStore({
      itemLimits: { maxHeaderBytes: 20_000, maxTimelineIndexBytes: 2_000 },
    });
    const small = incident('inc-small', { openedAt: new Date(minutes(0)).toISOString(), status: 'RESOLVED' });
    const big = incident('inc-big', {
      openedAt: new Date(minutes(30)).toISOString(),
      executions: Array.from({ length: 120 }, (_, i) => run(i)),
      omitted: { executions: 4, alarms: 0, apiCalls: 0, hints: 0 },
    });
    expect(await store.commitScope(MACHINE, 0, { incidents: [small, big], superseded: [] })).toBe(
      'committed',
    );

    const loaded = await store.loadScope(MACHINE);
    expect(loaded).toEqual({
      incidents: [
        { id: 'inc-big', status: 'OPEN', openedAt: big.openedAt },
        { id: 'inc-small', status: 'RESOLVED', openedAt: small.openedAt },
      ],
      digests: new Map([
        ['inc-big', incidentDigest(big)],
        ['inc-small', incidentDigest(small)],
      ]),
      version: 1,
    });
    const stored = await new IncidentQueries({ client: local.documentClient, tableName }).getIncident(
      'inc-big',
    );
    const keptRuns = stored?.executions.length ?? 0;
    expect(stored?.shrunk).toBe(true);
    expect(keptRuns).toBeLessThan(big.executions.length);
    // What shrinking dropped is counted with what the caps left out.
    expect(stored?.omitted).toEqual({ executions: 4 + 120 - keptRuns, alarms: 0, apiCalls: 0, hints: 0 });
    // What lets the engine see "unchanged": the stored digest, not the digest of the shrunk copy.
    const shrunk = stored === undefined ? undefined : engineIncident(stored, stored.timeline);
    expect(shrunk === undefined ? undefined : incidentDigest(shrunk)).not.toBe(incidentDigest(big));
  });

  it('has no digest for a STATE entry written before digests were kept there, and gets one on the next commit', async () => {
    const { store, tableName } = await freshStore();
    const first = incident('inc-a');
    await store.commitScope(MACHINE, 0, { incidents: [first], superseded: [] });
    await local.documentClient.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: `SCOPE#${MACHINE}`, sk: 'STATE' },
        UpdateExpression: 'REMOVE recent[0].digest',
      }),
    );

    const older = await store.loadScope(MACHINE);
    expect(older).toEqual({
      incidents: [{ id: 'inc-a', status: first.status, openedAt: first.openedAt }],
      digests: new Map(),
      version: 1,
    });
    expect(await store.commitScope(MACHINE, 1, { incidents: [first], superseded: [] })).toBe('committed');
    expect((await store.loadScope(MACHINE)).digests).toEqual(new Map([['inc-a', incidentDigest(first)]]));
  });

  it('reads a header written before omissions were kept as leaving nothing out', async () => {
    const { store, tableName } = await freshStore();
    const first = incident('inc-a', { omitted: { executions: 3, alarms: 1, apiCalls: 0, hints: 2 } });
    await store.commitScope(MACHINE, 0, { incidents: [first], superseded: [] });
    const queries = new IncidentQueries({ client: local.documentClient, tableName });
    expect((await queries.getIncident('inc-a'))?.omitted).toEqual(first.omitted);
    await local.documentClient.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: 'INC#inc-a', sk: 'HEAD' },
        UpdateExpression: 'REMOVE omitted',
      }),
    );
    expect(await queries.getIncident('inc-a')).toMatchObject({
      id: 'inc-a',
      omitted: { executions: 0, alarms: 0, apiCalls: 0, hints: 0 },
    });
    expect((await queries.listIncidents()).map((header) => header.omitted)).toEqual([
      { executions: 0, alarms: 0, apiCalls: 0, hints: 0 },
    ]);
  });
});
