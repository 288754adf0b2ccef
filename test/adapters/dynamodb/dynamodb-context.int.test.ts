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
import { EMPTY_TRAFFIC } from '../../../src/core/traffic/traffic.ts';
import { DeterministicStoreError } from '../../../src/errors.ts';
import {
  alarmArn,
  alarmState,
  apiCall,
  compositeConfiguration,
  execution,
  executionArn,
  functionArn,
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
/** Reads of the state machine's scope partition, where its runs and calls are filed. */
const range = (contextClass: ContextClass, fromMs: number, toMs?: number): ContextRange =>
  toMs === undefined
    ? { scope: MACHINE, contextClass, fromMs }
    : { scope: MACHINE, contextClass, fromMs, toMs };
/** Files signals under the state machine's scope, as a batch that assigned them there does. */
const keep = (store: DynamoDbIncidentStore, signals: readonly Signal[]) =>
  store.fileUnderScopes(signals.map((signal) => ({ stateMachineArn: MACHINE, signal })));

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
    await keep(store, [
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
    // A composite alarm's signal names it and its child: kept under both, read once.
    const alarm = alarmState(
      'alarm',
      minutes(1),
      'checkout',
      'ALARM',
      'OK',
      compositeConfiguration(['errors']),
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
    await keep(store, signals);
    const read = async (contextClass: ContextClass) =>
      (await store.contextBetween(range(contextClass, minutes(0)))).signals;

    expect(await read('decisive')).toHaveLength(3);
    expect(ids(await read('decisive'))).toEqual(['alarm', 'failed', 'timed-out']);
    // Healthy runs are not context: they live in the scope's traffic summary.
    expect(ids(await read('decisive'))).not.toContain('ok');
    expect(await read('api-call')).toEqual([signals[4]]);
    const bySubjects = async (subjects: readonly string[]) =>
      (await store.contextBetween({ subjects, contextClass: 'decisive', fromMs: minutes(0) })).signals;
    expect(ids(await bySubjects([alarmArn('checkout'), alarmArn('errors')]))).toEqual(['alarm']);
    // Nothing under a run's execution or its state machine: the scope partition holds those.
    expect(await bySubjects([MACHINE, executionArn('failed'), executionArn('ok')])).toEqual([]);
  });

  it('says complete: false when the cap cuts a read, keeping the newest, and true when it does not', async () => {
    const { store } = await freshStore({ maxContextItemsPerRead: 3 });
    await keep(
      store,
      [0, 1, 2, 3, 4].map((n) => execution(`ok-${n}`, minutes(n), 'FAILED')),
    );

    const cut = await store.contextBetween(range('decisive', minutes(0)));
    expect(cut.complete).toBe(false);
    expect(ids(cut.signals)).toEqual(['ok-2', 'ok-3', 'ok-4']);
    // Exactly the cap is not a cut.
    const exactly = await store.contextBetween(range('decisive', minutes(2)));
    expect(exactly).toMatchObject({ complete: true });
    expect(ids(exactly.signals)).toEqual(['ok-2', 'ok-3', 'ok-4']);
    const bounded = await store.contextBetween(range('decisive', minutes(0), minutes(2)));
    expect(bounded.complete).toBe(true);
    expect(ids(bounded.signals)).toEqual(['ok-0', 'ok-1', 'ok-2']);
  });

  it('reads context written before classes as decisive, whatever its kind, and only there', async () => {
    const { store, put } = await freshStore();
    const oldFailure = failed('old-failed', minutes(1));
    const oldSuccess = execution('old-ok', minutes(2), 'SUCCEEDED');
    const oldCall = apiCall('old-call', minutes(3), 'UpdateStateMachine', userActor('alice'), {
      stateMachine: 'orders',
    });
    // Under a function's partition, which new signals naming it are filed under too.
    const FUNCTION = functionArn('charge-card');
    for (const signal of [oldFailure, oldSuccess, oldCall]) await put(legacyContextItem(FUNCTION, signal));
    const newFailure = alarmState(
      'new-failed',
      minutes(4),
      'errors',
      'ALARM',
      'OK',
      metricAlarmConfiguration('AWS/Lambda', {}),
    );
    const newCall = apiCall('new-call', minutes(5), 'StopExecution', userActor('bob'), {
      stateMachine: 'orders',
    });
    await store.saveSignals([
      { ...newFailure, subjects: [FUNCTION] },
      { ...newCall, subjects: [FUNCTION, MACHINE] },
    ]);
    const ofFunction = (contextClass: ContextClass) =>
      store.contextBetween({ subjects: [FUNCTION], contextClass, fromMs: minutes(0) });

    const decisive = await ofFunction('decisive');
    expect(ids(decisive.signals)).toEqual(['new-failed', 'old-call', 'old-failed', 'old-ok']);
    expect(decisive.signals.find((signal) => signal.signalId === 'old-call')).toEqual(oldCall);
    expect((await ofFunction('api-call')).signals).toEqual([{ ...newCall, subjects: [FUNCTION, MACHINE] }]);
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
    const failure = store.contextBetween({
      subjects: [MACHINE],
      contextClass: 'decisive',
      fromMs: minutes(0),
    });
    await expect(failure).rejects.toBeInstanceOf(DeterministicStoreError);
    await expect(failure).rejects.toThrow(`Malformed signal item (pk=CTX#${MACHINE}, sk=${sk})`);
    await expect(failure).rejects.not.toThrow(/hush/);
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
    expect(
      await store.commitScope(MACHINE, 0, {
        incidents: [small, big],
        superseded: [],
        traffic: EMPTY_TRAFFIC,
      }),
    ).toBe('committed');

    const loaded = await store.loadScope(MACHINE);
    expect(loaded).toEqual({
      incidents: [
        { id: 'inc-big', status: 'OPEN', openedAt: big.openedAt, resolvedAt: big.resolvedAt },
        { id: 'inc-small', status: 'RESOLVED', openedAt: small.openedAt, resolvedAt: small.resolvedAt },
      ],
      digests: new Map([
        ['inc-big', incidentDigest(big)],
        ['inc-small', incidentDigest(small)],
      ]),
      traffic: EMPTY_TRAFFIC,
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
    await store.commitScope(MACHINE, 0, { incidents: [first], superseded: [], traffic: EMPTY_TRAFFIC });
    await local.documentClient.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: `SCOPE#${MACHINE}`, sk: 'STATE' },
        UpdateExpression: 'REMOVE recent[0].digest',
      }),
    );

    const older = await store.loadScope(MACHINE);
    expect(older).toEqual({
      incidents: [
        { id: 'inc-a', status: first.status, openedAt: first.openedAt, resolvedAt: first.resolvedAt },
      ],
      digests: new Map(),
      traffic: EMPTY_TRAFFIC,
      version: 1,
    });
    expect(
      await store.commitScope(MACHINE, 1, { incidents: [first], superseded: [], traffic: EMPTY_TRAFFIC }),
    ).toBe('committed');
    expect((await store.loadScope(MACHINE)).digests).toEqual(new Map([['inc-a', incidentDigest(first)]]));
  });

  it('reads a header written before omissions were kept as leaving nothing out', async () => {
    const { store, tableName } = await freshStore();
    const first = incident('inc-a', { omitted: { executions: 3, alarms: 1, apiCalls: 0, hints: 2 } });
    await store.commitScope(MACHINE, 0, { incidents: [first], superseded: [], traffic: EMPTY_TRAFFIC });
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
