import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachMeter } from '../../bench/dynamodb-meter.ts';
import { type DynamoDbLocal, sharedDynamoDbLocal } from '../helpers/dynamodb.ts';

/**
 * The bench's capacity figures are what DynamoDB reports, through the meter. An earlier meter
 * doubled transactional writes on the belief that DynamoDB Local reports their plain units; it
 * reports the doubled ones already (as AWS bills them), so every transaction was counted four
 * times. These cases pin both: what DynamoDB Local reports, and that the meter adds nothing.
 */

let local: DynamoDbLocal;
let tableName: string;

beforeAll(async () => {
  local = await sharedDynamoDbLocal();
  tableName = await local.createTable();
});

afterAll(async () => {
  await local.stop();
});

/** A 1.5 KB item: two write units plain, four in a transaction. */
const item = (sk: string) => ({ pk: 'METER#test', sk, payload: 'x'.repeat(1_500) });

describe('the bench capacity meter', () => {
  it('counts a plain write at the units DynamoDB bills for its size', async () => {
    const meter = attachMeter(local.client);
    meter.reset();
    await local.documentClient.send(new PutCommand({ TableName: tableName, Item: item('plain') }));
    const snapshot = meter.snapshot();
    expect(snapshot.writeUnits).toBe(2);
    expect(snapshot.requests).toEqual({ PutItem: 1 });
  });

  it('counts a transactional write at twice the plain units, once', async () => {
    const meter = attachMeter(local.client);
    meter.reset();
    await local.documentClient.send(
      new TransactWriteCommand({
        TransactItems: [{ Put: { TableName: tableName, Item: item('transactional') } }],
      }),
    );
    const snapshot = meter.snapshot();
    expect(snapshot.writeUnits).toBe(4);
    expect(snapshot.unitsByOperation).toEqual({ TransactWriteItems: 4 });
  });

  it('counts a strongly consistent read of a small item as one read unit', async () => {
    const meter = attachMeter(local.client);
    meter.reset();
    await local.documentClient.send(
      new GetCommand({ TableName: tableName, Key: { pk: 'METER#test', sk: 'plain' }, ConsistentRead: true }),
    );
    const snapshot = meter.snapshot();
    expect(snapshot.readUnits).toBe(1);
    expect(snapshot.readBytes).toBeGreaterThan(1_500);
  });
});
