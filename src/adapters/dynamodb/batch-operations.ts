import {
  BatchGetCommand,
  BatchWriteCommand,
  type DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { TransientStoreError } from '../../errors.ts';
import type { Item } from './incident-items.ts';
import type { RawItem } from './item-schemas.ts';
import type { ItemKey } from './keys.ts';
import { callDynamo } from './store-errors.ts';

/** DynamoDB's own per-request limits. */
export const BATCH_WRITE_LIMIT = 25;
export const BATCH_GET_LIMIT = 100;

export interface RetryPolicy {
  /** Requests per chunk, the first included, before unprocessed items become an error. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** In [0, 1): injected so tests can pin the jitter. */
  readonly random: () => number;
}

/** How long throttled keys are retried, unless a caller says otherwise. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 25,
  maxDelayMs: 2_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

export interface TableContext {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly retry: RetryPolicy;
  /** Requests in flight at once for one bulk operation. */
  readonly concurrency: number;
}

/**
 * Exponential backoff with full jitter: consumers throttled together spread out instead of
 * retrying in lockstep. `retry` counts from 1.
 */
export function backoffDelayMs(retry: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.floor(policy.random() * ceiling);
}

/** Puts every item, 25 per BatchWriteItem, retrying what DynamoDB leaves unprocessed. */
export async function batchPutAll(context: TableContext, items: readonly Item[]): Promise<void> {
  // One request may not name a key twice; the last write of a key wins, as it would sequentially.
  const unique = [...new Map(items.map((item) => [keyString(item), item])).values()];
  await mapConcurrent(chunk(unique, BATCH_WRITE_LIMIT), context.concurrency, (items) =>
    putChunk(context, items),
  );
}

async function putChunk(context: TableContext, items: readonly Item[]): Promise<void> {
  const { tableName } = context;
  let pending = items.map((item) => ({ PutRequest: { Item: item } }));
  for (let attempt = 1; ; attempt++) {
    const requests = pending;
    const output = await callDynamo('BatchWriteItem', tableName, () =>
      context.client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } })),
    );
    pending = (output.UnprocessedItems?.[tableName] ?? []).flatMap((request) =>
      request.PutRequest?.Item === undefined ? [] : [{ PutRequest: { Item: request.PutRequest.Item } }],
    );
    if (pending.length === 0) return;
    if (attempt >= context.retry.maxAttempts) {
      throw new TransientStoreError(
        `BatchWriteItem on table ${tableName}: ${pending.length} item(s) still unprocessed after ${attempt} attempts (throttled)`,
      );
    }
    await context.retry.sleep(backoffDelayMs(attempt, context.retry));
  }
}

/**
 * How a read may see the table. `eventual` costs half the read units and may miss the newest
 * writes: only for reads whose result a conditional write checks afterwards.
 */
export type ReadConsistency = 'strong' | 'eventual';

/** Reads of these keys, 100 per BatchGetItem, retrying unprocessed keys; strongly consistent unless asked. */
export async function batchGetAll(
  context: TableContext,
  keys: readonly ItemKey[],
  projection?: readonly string[],
  consistency: ReadConsistency = 'strong',
): Promise<RawItem[]> {
  const unique = [...new Map(keys.map((key) => [keyString(key), { pk: key.pk, sk: key.sk }])).values()];
  const pages = await mapConcurrent(chunk(unique, BATCH_GET_LIMIT), context.concurrency, (keys) =>
    getChunk(context, keys, projection, consistency),
  );
  return pages.flat();
}

async function getChunk(
  context: TableContext,
  keys: readonly ItemKey[],
  projection: readonly string[] | undefined,
  consistency: ReadConsistency,
): Promise<RawItem[]> {
  const { tableName } = context;
  const names = projection?.map((name, index) => [`#p${index}`, name] as const);
  const shape =
    names === undefined
      ? {}
      : {
          ProjectionExpression: names.map(([placeholder]) => placeholder).join(', '),
          ExpressionAttributeNames: Object.fromEntries(names),
        };
  const found: RawItem[] = [];
  let pending: Record<string, unknown>[] = keys.map(({ pk, sk }) => ({ pk, sk }));
  for (let attempt = 1; ; attempt++) {
    const requested = pending;
    const output = await callDynamo('BatchGetItem', tableName, () =>
      context.client.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: { Keys: requested, ConsistentRead: consistency === 'strong', ...shape },
          },
        }),
      ),
    );
    found.push(...(output.Responses?.[tableName] ?? []));
    pending = output.UnprocessedKeys?.[tableName]?.Keys ?? [];
    if (pending.length === 0) return found;
    if (attempt >= context.retry.maxAttempts) {
      throw new TransientStoreError(
        `BatchGetItem on table ${tableName}: ${pending.length} key(s) still unprocessed after ${attempt} attempts (throttled)`,
      );
    }
    await context.retry.sleep(backoffDelayMs(attempt, context.retry));
  }
}

export type QueryInput = Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>;

export interface QueryResult {
  readonly items: RawItem[];
  /** More items matched than `cap`: the caller decides whether that matters. */
  readonly truncated: boolean;
}

/** Follows `LastEvaluatedKey` until the query is exhausted or `cap` items were read. */
export async function queryAll(context: TableContext, input: QueryInput, cap: number): Promise<QueryResult> {
  const items: RawItem[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const exclusiveStartKey = startKey;
    const output = await callDynamo('Query', context.tableName, () =>
      context.client.send(
        new QueryCommand({
          ...input,
          TableName: context.tableName,
          Limit: Math.min(input.Limit ?? Number.POSITIVE_INFINITY, cap - items.length),
          ExclusiveStartKey: exclusiveStartKey,
        }),
      ),
    );
    items.push(...(output.Items ?? []));
    startKey = output.LastEvaluatedKey;
  } while (startKey !== undefined && items.length < cap);
  return { items, truncated: startKey !== undefined };
}

/**
 * Like `queryAll` with a cap on what the items weigh rather than on how many there are: it stops
 * once more than `cap` was read (`truncated`), or when the query is exhausted. Context reads weigh
 * a pack by the signals it holds.
 */
export async function queryWeighed(
  context: TableContext,
  input: QueryInput,
  cap: number,
  weightOf: (item: RawItem) => number,
): Promise<QueryResult> {
  const items: RawItem[] = [];
  let weight = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const exclusiveStartKey = startKey;
    const output = await callDynamo('Query', context.tableName, () =>
      context.client.send(
        new QueryCommand({ ...input, TableName: context.tableName, ExclusiveStartKey: exclusiveStartKey }),
      ),
    );
    for (const item of output.Items ?? []) {
      items.push(item);
      weight += weightOf(item);
      if (weight > cap) return { items, truncated: true };
    }
    startKey = output.LastEvaluatedKey;
  } while (startKey !== undefined);
  return { items, truncated: false };
}

/** Runs `work` over `items` with at most `concurrency` in flight; results keep the input order. */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  // Workers share one iterator, so each item is taken exactly once.
  const pending = items.entries();
  const worker = async () => {
    for (const [index, item] of pending) results[index] = await work(item);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

function keyString(item: { readonly pk?: unknown; readonly sk?: unknown }): string {
  return JSON.stringify([item.pk, item.sk]);
}
