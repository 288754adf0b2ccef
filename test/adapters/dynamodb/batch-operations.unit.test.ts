import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  chunk,
  mapConcurrent,
  queryAll,
  type RetryPolicy,
} from '../../../src/adapters/dynamodb/batch-operations.ts';
import { fakeDocumentClient } from './fake-dynamodb.ts';

const policy = (random: number): RetryPolicy => ({
  maxAttempts: 5,
  baseDelayMs: 25,
  maxDelayMs: 300,
  sleep: async () => undefined,
  random: () => random,
});

describe('backoffDelayMs', () => {
  it('doubles the ceiling per retry up to the maximum, scaled by the jitter', () => {
    expect([1, 2, 3, 4, 5].map((retry) => backoffDelayMs(retry, policy(0.999999)))).toEqual([
      49, 99, 199, 299, 299,
    ]);
    expect(backoffDelayMs(3, policy(0.5))).toBe(100);
    expect(backoffDelayMs(3, policy(0))).toBe(0);
  });
});

describe('mapConcurrent', () => {
  it('keeps the input order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapConcurrent([30, 5, 20, 1, 10], 2, async (ms) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, ms));
      running--;
      return ms * 2;
    });
    expect(results).toEqual([60, 10, 40, 2, 20]);
    expect(peak).toBe(2);
    expect(await mapConcurrent([], 4, async () => 1)).toEqual([]);
  });
});

describe('chunk', () => {
  it('cuts into pieces of at most the size', () => {
    expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunk([], 25)).toEqual([]);
  });
});

describe('queryAll', () => {
  it('follows pages, asks only for what the cap leaves, and says when it stopped early', async () => {
    const fake = fakeDocumentClient((call) => ({
      body: {
        Items: Array.from({ length: Number(call.input.Limit) }, (_, i) => ({
          pk: { S: 'p' },
          sk: { S: String(i) },
        })),
        LastEvaluatedKey: { pk: { S: 'p' }, sk: { S: 'z' } },
      },
    }));
    const context = { client: fake.documentClient, tableName: 't', retry: policy(0), concurrency: 1 };
    const page = { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'p' }, Limit: 3 };
    const result = await queryAll(context, page, 5);
    expect(result.items).toHaveLength(5);
    expect(result.truncated).toBe(true);
    expect(fake.calls.map((call) => call.input.Limit)).toEqual([3, 2]);
    expect(fake.calls[1]?.input.ExclusiveStartKey).toEqual({ pk: { S: 'p' }, sk: { S: 'z' } });
  });
});
