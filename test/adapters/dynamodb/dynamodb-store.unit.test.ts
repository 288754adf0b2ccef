import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbIncidentStore } from '../../../src/adapters/dynamodb/dynamodb-store.ts';
import type { Signal } from '../../../src/core/signals/types.ts';
import { EMPTY_TRAFFIC } from '../../../src/core/traffic/traffic.ts';
import { ConfigurationError, DeterministicStoreError, TransientStoreError } from '../../../src/errors.ts';
import { execution, minutes, stateMachineArn } from '../../builders/signals.ts';
import { incident } from './builders.ts';
import { errorReply, type FakeCall, type FakeReply, fakeDocumentClient } from './fake-dynamodb.ts';

const TABLE = 'incidents';
const NOW = Date.parse('2026-03-02T12:00:00.000Z');

function storeOn(reply: (call: FakeCall, calls: readonly FakeCall[]) => FakeReply, maxAttempts = 4) {
  const fake = fakeDocumentClient(reply);
  const sleeps: number[] = [];
  const store = new DynamoDbIncidentStore({
    client: fake.documentClient,
    tableName: TABLE,
    clock: () => NOW,
    options: {
      concurrency: 1,
      retry: {
        maxAttempts,
        baseDelayMs: 10,
        maxDelayMs: 1000,
        random: () => 0.5,
        sleep: async (ms) => void sleeps.push(ms),
      },
    },
  });
  return { store, calls: fake.calls, sleeps };
}

const requestsOf = (call: FakeCall | undefined): unknown[] => {
  const items = call?.input.RequestItems;
  if (typeof items !== 'object' || items === null) return [];
  const forTable = Object.entries(items).find(([name]) => name === TABLE)?.[1];
  return Array.isArray(forTable) ? forTable : [];
};

const keysOf = (call: FakeCall | undefined): unknown => {
  const items = call?.input.RequestItems;
  return typeof items === 'object' && items !== null ? Object.entries(items)[0]?.[1] : undefined;
};

/**
 * Thirty failed runs, each in ten minutes of its own, filed under their scope (as a batch does
 * once it assigned them there): thirty context packs, two BatchWriteItem requests.
 */
const filings = Array.from({ length: 30 }, (_, index) => ({
  stateMachineArn: stateMachineArn(),
  signal: execution(`run-${index}`, minutes(index * 10), 'FAILED'),
}));

const stateItem = (version: number) =>
  marshall({
    pk: `SCOPE#${stateMachineArn()}`,
    sk: 'STATE',
    type: 'SCOPE',
    stateMachineArn: stateMachineArn(),
    version,
    recent: [{ id: 'inc-a', openedAt: '2026-03-02T10:00:00.000Z', status: 'OPEN' }],
    openIncidentId: 'inc-a',
    updatedAt: '2026-03-02T11:00:00.000Z',
  });

describe('DynamoDbIncidentStore bulk writes', () => {
  it('writes 25 items per request and retries unprocessed items with backoff until they land', async () => {
    let firstReply = true;
    const { store, calls, sleeps } = storeOn((call) => {
      if (call.operation !== 'BatchWriteItem') throw new Error(`unexpected ${call.operation}`);
      if (!firstReply) return { body: { UnprocessedItems: {} } };
      firstReply = false;
      return { body: { UnprocessedItems: { [TABLE]: requestsOf(call).slice(0, 3) } } };
    });
    await store.fileUnderScopes(filings);

    expect(calls.map((call) => [call.operation, requestsOf(call).length])).toEqual([
      ['BatchWriteItem', 25],
      ['BatchWriteItem', 3],
      ['BatchWriteItem', 5],
    ]);
    expect(requestsOf(calls[1])).toEqual(requestsOf(calls[0]).slice(0, 3));
    // Full jitter pinned at 0.5 of min(1000, 10 * 2^1).
    expect(sleeps).toEqual([10]);
  });

  it('gives up with a TransientStoreError after the configured attempts', async () => {
    const { store, calls, sleeps } = storeOn(
      (call) => ({ body: { UnprocessedItems: { [TABLE]: requestsOf(call).slice(0, 2) } } }),
      3,
    );
    const failure = store.fileUnderScopes(filings.slice(0, 2));
    await expect(failure).rejects.toBeInstanceOf(TransientStoreError);
    await expect(failure).rejects.toThrow(
      'BatchWriteItem on table incidents: 2 item(s) still unprocessed after 3 attempts (throttled)',
    );
    expect(calls).toHaveLength(3);
    expect(sleeps).toEqual([10, 20]);
  });

  it('turns a throttled request into a TransientStoreError that keeps the SDK error as cause', async () => {
    const { store } = storeOn(() =>
      errorReply('ThrottlingException', 'Rate of requests exceeds the allowed throughput'),
    );
    const failure = store.saveLinks([{ from: 'a', to: stateMachineArn(), source: 'static' }]);
    await expect(failure).rejects.toThrow(
      'DynamoDB BatchWriteItem on table incidents failed: ThrottlingException: Rate of requests exceeds the allowed throughput',
    );
    await expect(failure).rejects.toMatchObject({ cause: { name: 'ThrottlingException' } });
  });
});

describe('DynamoDbIncidentStore.commitScope', () => {
  const change = { incidents: [incident('inc-a')], superseded: [], traffic: EMPTY_TRAFFIC };

  /** STATE at version 1, then the index read (first leaving its key unprocessed), then the given transaction reply. */
  function committing(transaction: FakeReply) {
    let unprocessedOnce = true;
    return storeOn((call) => {
      switch (call.operation) {
        case 'GetItem':
          return { body: { Item: stateItem(1) } };
        case 'BatchGetItem':
          if (unprocessedOnce) {
            unprocessedOnce = false;
            return { body: { Responses: { [TABLE]: [] }, UnprocessedKeys: { [TABLE]: keysOf(call) } } };
          }
          return { body: { Responses: { [TABLE]: [] } } };
        case 'BatchWriteItem':
          return { body: {} };
        case 'TransactWriteItems':
          return transaction;
        default:
          throw new Error(`unexpected ${call.operation}`);
      }
    });
  }

  it('reads the STATE, retries unprocessed index keys, writes the timeline, then one transaction', async () => {
    const { store, calls, sleeps } = committing({ body: {} });
    expect(await store.commitScope(stateMachineArn(), 1, change)).toBe('committed');

    expect(calls.map((call) => call.operation)).toEqual([
      'GetItem',
      'BatchGetItem',
      'BatchGetItem',
      'BatchWriteItem',
      'TransactWriteItems',
    ]);
    expect(calls[0]?.input).toMatchObject({ ConsistentRead: true });
    expect(keysOf(calls[1])).toMatchObject({
      ConsistentRead: true,
      Keys: [{ pk: { S: 'INC#inc-a' }, sk: { S: 'TIMELINE' } }],
    });
    expect(keysOf(calls[2])).toEqual(keysOf(calls[1]));
    expect(sleeps).toEqual([10]);
    const transaction = calls[4]?.input.TransactItems;
    expect(transaction).toMatchObject([
      {
        Put: {
          ConditionExpression: '#version = :expected',
          ExpressionAttributeValues: { ':expected': { N: '1' } },
          Item: { sk: { S: 'STATE' }, version: { N: '2' } },
        },
      },
      { Put: { Item: { pk: { S: 'INC#inc-a' }, sk: { S: 'HEAD' }, scopeVersion: { N: '2' } } } },
      { Put: { Item: { pk: { S: 'INC#inc-a' }, sk: { S: 'LIST' } } } },
      { Put: { Item: { sk: { S: 'TIMELINE' } } } },
    ]);
  });

  it('maps a failed version condition on the STATE item to a conflict', async () => {
    const { store } = committing(
      errorReply('TransactionCanceledException', 'Transaction cancelled', {
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }, { Code: 'None' }],
      }),
    );
    expect(await store.commitScope(stateMachineArn(), 1, change)).toBe('conflict');
  });

  it('reports a conflict when a newer commit lands between the parts of a split commit', async () => {
    const fake = fakeDocumentClient((call, calls) => {
      if (call.operation === 'GetItem') return { body: { Item: stateItem(1) } };
      if (call.operation !== 'TransactWriteItems') return { body: {} };
      const parts = calls.filter((c) => c.operation === 'TransactWriteItems').length;
      return parts === 1
        ? { body: {} }
        : errorReply('TransactionCanceledException', 'Transaction cancelled', {
            CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }, { Code: 'None' }],
          });
    });
    const store = new DynamoDbIncidentStore({
      client: fake.documentClient,
      tableName: TABLE,
      clock: () => NOW,
      options: { transactionLimits: { maxActions: 3, maxBytes: 3_500_000 } },
    });
    const two = { incidents: [incident('inc-a'), incident('inc-b')], superseded: [], traffic: EMPTY_TRAFFIC };
    expect(await store.commitScope(stateMachineArn(), 1, two)).toBe('conflict');
    expect(fake.calls.filter((call) => call.operation === 'TransactWriteItems')).toHaveLength(2);
  });

  it('reports a conflict without writing anything when the version already moved on', async () => {
    const { store, calls } = storeOn(() => ({ body: { Item: stateItem(3) } }));
    expect(await store.commitScope(stateMachineArn(), 1, change)).toBe('conflict');
    expect(calls.map((call) => call.operation)).toEqual(['GetItem']);
  });

  it('does not mistake a cancellation for another reason, or throttling, for a conflict', async () => {
    const otherItem = committing(
      errorReply('TransactionCanceledException', 'Transaction cancelled', {
        CancellationReasons: [{ Code: 'None' }, { Code: 'ValidationError', Message: 'Item size too large' }],
      }),
    );
    const refused = otherItem.store.commitScope(stateMachineArn(), 1, change);
    await expect(refused).rejects.toBeInstanceOf(DeterministicStoreError);
    await expect(refused).rejects.toThrow(
      'DynamoDB TransactWriteItems on table incidents failed: TransactionCanceledException [None, ValidationError]',
    );
    const throttled = committing(errorReply('ThrottlingException', 'slow down'));
    const failure = throttled.store.commitScope(stateMachineArn(), 1, change);
    await expect(failure).rejects.toBeInstanceOf(TransientStoreError);
    await expect(failure).rejects.toMatchObject({ cause: { name: 'ThrottlingException' } });
  });
});

describe('DynamoDbIncidentStore.loadScope', () => {
  it('is one strongly consistent GetItem of the STATE item, whose recent list holds all it returns', async () => {
    const { store, calls } = storeOn(() => ({
      body: {
        Item: marshall({
          pk: `SCOPE#${stateMachineArn()}`,
          sk: 'STATE',
          type: 'SCOPE',
          stateMachineArn: stateMachineArn(),
          version: 7,
          recent: [
            { id: 'inc-c', openedAt: '2026-03-02T11:00:00.000Z', status: 'OPEN', digest: 'digest-of-c' },
            { id: 'inc-b', openedAt: '2026-03-02T09:00:00.000Z', status: 'RESOLVED', digest: 'digest-of-b' },
            // Written before digests were kept in STATE.
            { id: 'inc-a', openedAt: '2026-03-02T07:00:00.000Z', status: 'RESOLVED' },
          ],
          openIncidentId: 'inc-c',
          updatedAt: '2026-03-02T11:00:00.000Z',
        }),
      },
    }));
    expect(await store.loadScope(stateMachineArn())).toEqual({
      incidents: [
        { id: 'inc-c', status: 'OPEN', openedAt: '2026-03-02T11:00:00.000Z', resolvedAt: undefined },
        { id: 'inc-b', status: 'RESOLVED', openedAt: '2026-03-02T09:00:00.000Z', resolvedAt: undefined },
        { id: 'inc-a', status: 'RESOLVED', openedAt: '2026-03-02T07:00:00.000Z', resolvedAt: undefined },
      ],
      digests: new Map([
        ['inc-c', 'digest-of-c'],
        ['inc-b', 'digest-of-b'],
      ]),
      // A STATE item of the first engine has no traffic summary: it reads as an empty one.
      traffic: EMPTY_TRAFFIC,
      version: 7,
    });
    expect(calls.map((call) => call.operation)).toEqual(['GetItem']);
    expect(calls[0]?.input).toEqual({
      TableName: TABLE,
      Key: { pk: { S: `SCOPE#${stateMachineArn()}` }, sk: { S: 'STATE' } },
      ConsistentRead: true,
    });
  });

  it('loads a scope without a STATE item as version 0 with that one GetItem', async () => {
    const { store, calls } = storeOn(() => ({ body: {} }));
    expect(await store.loadScope(stateMachineArn())).toEqual({
      incidents: [],
      digests: new Map(),
      traffic: EMPTY_TRAFFIC,
      version: 0,
    });
    expect(calls.map((call) => call.operation)).toEqual(['GetItem']);
  });

  it('refuses a STATE item it cannot read as a deterministic error naming its key', async () => {
    const { store } = storeOn(() => ({
      body: {
        Item: marshall({
          pk: `SCOPE#${stateMachineArn()}`,
          sk: 'STATE',
          type: 'SCOPE',
          stateMachineArn: stateMachineArn(),
          version: 2,
          recent: [{ id: 'inc-a', openedAt: '2026-03-02T07:00:00.000Z', status: 'OPEN', digest: 42 }],
          updatedAt: '2026-03-02T11:00:00.000Z',
        }),
      },
    }));
    const failure = store.loadScope(stateMachineArn());
    await expect(failure).rejects.toBeInstanceOf(DeterministicStoreError);
    await expect(failure).rejects.toThrow(
      `Malformed scope state item (pk=SCOPE#${stateMachineArn()}, sk=STATE)`,
    );
  });
});

describe('DynamoDbIncidentStore reads', () => {
  it('explains a missing table', async () => {
    const { store } = storeOn(() => errorReply('ResourceNotFoundException', 'Requested resource not found'));
    const failure = store.loadScope(stateMachineArn());
    await expect(failure).rejects.toBeInstanceOf(ConfigurationError);
    await expect(failure).rejects.toThrow(
      'Table incidents does not exist: deploy first or start the local stack',
    );
  });

  const contextItem = (signal: Signal, pk: string) =>
    marshall({
      pk,
      sk: `${new Date(signal.eventTimeMs).toISOString()}#${signal.signalId}`,
      type: 'SIGNAL',
      signal: JSON.stringify(signal),
    });

  it('reads a context range per subject of the class: newest first, consistent, page by page', async () => {
    const [first, second] = filings.map((filing) => filing.signal);
    if (first === undefined || second === undefined) throw new Error('filings are built above');
    const { store, calls } = storeOn((call) => {
      const start = call.input.ExclusiveStartKey;
      return start === undefined
        ? {
            body: { Items: [contextItem(second, 'a')], LastEvaluatedKey: { pk: { S: 'x' }, sk: { S: 'y' } } },
          }
        : { body: { Items: [contextItem(first, 'a'), contextItem(second, 'b')] } };
    });
    const read = await store.contextBetween({
      subjects: [stateMachineArn(), stateMachineArn()],
      contextClass: 'decisive',
      fromMs: minutes(0),
      toMs: minutes(10),
    });
    expect(read).toEqual({ signals: [second, first], complete: true });
    expect(calls.map((call) => call.operation)).toEqual(['Query', 'Query']);
    expect(calls[0]?.input).toMatchObject({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :below',
      ExpressionAttributeValues: {
        ':pk': { S: `CTX#${stateMachineArn()}` },
        ':from': { S: new Date(minutes(0)).toISOString() },
        ':below': { S: new Date(minutes(10) + 1).toISOString() },
      },
      ScanIndexForward: false,
      ConsistentRead: true,
    });
    // The cap counts signals, which a page's items hold any number of: pages are not limited.
    expect(calls[0]?.input.Limit).toBeUndefined();
    expect(calls[1]?.input.ExclusiveStartKey).toEqual({ pk: { S: 'x' }, sk: { S: 'y' } });
  });

  it('spells each kind of bound, and asks nothing for a range that cannot match', async () => {
    const { store, calls } = storeOn(() => ({ body: { Items: [] } }));
    const range = { subjects: ['arn:x'], contextClass: 'api-call' as const };
    await store.contextBetween({ ...range, fromMs: minutes(0) });
    await store.contextBetween({ ...range, fromMs: Number.NEGATIVE_INFINITY, toMs: minutes(1) });
    await store.contextBetween({ ...range, fromMs: Number.NEGATIVE_INFINITY });
    expect(
      calls.map((call) => [call.input.KeyConditionExpression, call.input.ExpressionAttributeValues]),
    ).toEqual([
      [
        'pk = :pk AND sk >= :from',
        { ':pk': { S: 'CTXA#arn:x' }, ':from': { S: new Date(minutes(0)).toISOString() } },
      ],
      [
        'pk = :pk AND sk < :below',
        { ':pk': { S: 'CTXA#arn:x' }, ':below': { S: new Date(minutes(1) + 1).toISOString() } },
      ],
      ['pk = :pk', { ':pk': { S: 'CTXA#arn:x' } }],
    ]);
    expect(await store.contextBetween({ ...range, fromMs: minutes(2), toMs: minutes(1) })).toEqual({
      signals: [],
      complete: true,
    });
    expect(calls).toHaveLength(3);
  });

  it('refuses a stored context item it cannot read, naming its key and not its content', async () => {
    const { store } = storeOn(() => ({
      body: {
        Items: [
          marshall({
            pk: 'CTX#a',
            sk: '2026-03-02T10:00:00.000Z#x',
            type: 'SIGNAL',
            signal: '{"secret":"hunter2"',
          }),
        ],
      },
    }));
    const failure = store.contextBetween({ subjects: ['a'], contextClass: 'decisive', fromMs: 0 });
    await expect(failure).rejects.toBeInstanceOf(DeterministicStoreError);
    await expect(failure).rejects.toThrow(
      'Malformed signal item (pk=CTX#a, sk=2026-03-02T10:00:00.000Z#x): signal is not JSON',
    );
    await expect(failure).rejects.not.toThrow(/hunter2/);
  });
});
