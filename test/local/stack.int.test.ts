import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  type _Record as KinesisRecord,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord, KinesisStreamRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../src/local/child-process.ts';
import { discoverLocalStack } from '../../src/local/discover.ts';
import { LocalStackError } from '../../src/local/errors.ts';
import { type LocalStack, startLocalStack } from '../../src/local/stack.ts';
import { decodeBase64Json, seedEvent, temporaryDirectory, testLogger } from './helpers.ts';

/**
 * The whole embedded stack against its real emulators, started once (and restarted once) for the
 * file: resources from infra/, local EventBridge, both event source mappings, the state file, and
 * that stopping leaves no process behind.
 */

const logger = testLogger();
const dataDir = temporaryDirectory('local-stack-int');
let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({ dataDir: dataDir.path, logger });
});

afterAll(async () => {
  await stack?.stop();
  dataDir.remove();
});

async function readWholeStream(kinesis: KinesisClient, streamName: string): Promise<KinesisRecord[]> {
  const { Shards: shards = [] } = await kinesis.send(new ListShardsCommand({ StreamName: streamName }));
  const records: KinesisRecord[] = [];
  for (const shard of shards) {
    const { ShardIterator: iterator } = await kinesis.send(
      new GetShardIteratorCommand({
        StreamName: streamName,
        ShardId: shard.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    const page = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1_000 }));
    records.push(...(page.Records ?? []));
  }
  return records;
}

const executionFailed = seedEvent('stepfunctions-status--execution-failed');
const alarmStateChange = seedEvent('cloudwatch-alarm--state-change-for-a-single-metric-alarm');
const rawCloudTrailRecord = seedEvent('cloudtrail-states--startexecution');

describe('the local stack', () => {
  it('creates the table from infra/ with both GSIs, its stream and TTL', async () => {
    const { Table: table } = await stack.clients.dynamodb.send(
      new DescribeTableCommand({ TableName: stack.names.table }),
    );
    expect(table?.TableStatus).toBe('ACTIVE');
    expect(table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(
      table?.GlobalSecondaryIndexes?.map((index) => [index.IndexName, index.IndexStatus]).sort(),
    ).toEqual([
      ['byStateMachine', 'ACTIVE'],
      ['byStatus', 'ACTIVE'],
    ]);
    expect(table?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(table?.LatestStreamArn).toBe(stack.tableStreamArn);
    const { TimeToLiveDescription: ttl } = await stack.clients.dynamodb.send(
      new DescribeTimeToLiveCommand({ TableName: stack.names.table }),
    );
    expect(ttl).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiresAt' });
  });

  it('creates the events stream from infra/ with its local shards', async () => {
    expect(stack.names.stream).toBe('sfn-incident-correlator-local-events');
    const { StreamDescriptionSummary: summary } = await stack.clients.kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: stack.names.stream }),
    );
    expect(summary?.StreamStatus).toBe('ACTIVE');
    expect(summary?.StreamARN).toBe(stack.streamArn);
    const { Shards: shards } = await stack.clients.kinesis.send(
      new ListShardsCommand({ StreamName: stack.names.stream }),
    );
    expect(shards).toHaveLength(2);
  });

  it('routes events through the rules of infra/, keyed by their partition key path, and drops unmatched ones', async () => {
    const result = await stack.eventBus.putEvents([
      executionFailed,
      rawCloudTrailRecord,
      alarmStateChange,
      'not an event',
    ]);
    expect(result).toMatchObject({ received: 4, matched: 2, unmatched: 1, recordsSent: 2 });
    expect(result.failed).toEqual([{ index: 3, reason: 'an event is a JSON object' }]);
    expect(Object.values(result.sentByRule)).toEqual([1, 1]);

    const records = await readWholeStream(stack.clients.kinesis, stack.names.stream);
    const bodies = records.map((record) => ({
      partitionKey: record.PartitionKey,
      body: JSON.parse(Buffer.from(record.Data ?? new Uint8Array()).toString('utf8')),
    }));
    expect(bodies).toHaveLength(2);
    const execution = bodies.find(({ body }) => body.id === executionFailed.id);
    expect(execution?.partitionKey).toBe('arn:aws:states:us-east-1:012345678912:stateMachine:state-machine');
    expect(execution?.body).toEqual(executionFailed);
    const alarm = bodies.find(({ body }) => body.id === alarmStateChange.id);
    expect(alarm?.partitionKey).toBe('ServerCpuTooHigh');
  });

  it('feeds the stream to an attached consumer in the Lambda event shape', async () => {
    const delivered: KinesisStreamRecord[] = [];
    const consumer = await stack.attachKinesisConsumer(
      async (event) => {
        delivered.push(...event.Records);
        return { batchItemFailures: [] };
      },
      { maximumBatchingWindowMs: 0, pollIntervalMs: 50 },
    );
    const marked = { ...executionFailed, id: 'consumer-test-event' };
    await stack.eventBus.putEvents([marked]);
    await stack.whenIdle({ timeoutMs: 15_000 });

    const mine = delivered.filter((record) => {
      const body = decodeBase64Json(record.kinesis.data);
      return typeof body === 'object' && body !== null && 'id' in body && body.id === 'consumer-test-event';
    });
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({
      eventSource: 'aws:kinesis',
      eventSourceARN: stack.streamArn,
      kinesis: { partitionKey: 'arn:aws:states:us-east-1:012345678912:stateMachine:state-machine' },
    });
    // The two events of the routing test were in the stream before: TRIM_HORIZON delivers them too.
    expect(consumer.stats().recordsSucceeded).toBe(3);
  });

  it("delivers the table's INSERT and MODIFY records with their images, filtered like Lambda", async () => {
    const delivered: DynamoDBRecord[] = [];
    const handler = await stack.attachTableStreamHandler(
      async (event) => {
        delivered.push(...event.Records);
      },
      {
        filterPatterns: [{ dynamodb: { Keys: { pk: { S: [{ prefix: 'INC#' }] }, sk: { S: ['HEAD'] } } } }],
        maximumBatchingWindowMs: 0,
        pollIntervalMs: 50,
      },
    );
    const table = stack.names.table;
    await stack.clients.document.send(
      new PutCommand({ TableName: table, Item: { pk: 'INC#1', sk: 'HEAD', v: 1 } }),
    );
    await stack.clients.document.send(
      new PutCommand({ TableName: table, Item: { pk: 'CTX#x', sk: 'HEAD', v: 1 } }),
    );
    await stack.clients.document.send(
      new UpdateCommand({
        TableName: table,
        Key: { pk: 'INC#1', sk: 'HEAD' },
        UpdateExpression: 'SET v = :v',
        ExpressionAttributeValues: { ':v': 2 },
      }),
    );
    await stack.whenIdle({ timeoutMs: 15_000 });

    expect(delivered.map((record) => record.eventName)).toEqual(['INSERT', 'MODIFY']);
    const [insert, modify] = delivered;
    expect(insert).toMatchObject({
      eventSource: 'aws:dynamodb',
      eventSourceARN: stack.tableStreamArn,
      awsRegion: stack.region,
      dynamodb: {
        Keys: { pk: { S: 'INC#1' }, sk: { S: 'HEAD' } },
        NewImage: { pk: { S: 'INC#1' }, sk: { S: 'HEAD' }, v: { N: '1' } },
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    expect(insert?.dynamodb?.OldImage).toBeUndefined();
    expect(modify?.dynamodb).toMatchObject({ OldImage: { v: { N: '1' } }, NewImage: { v: { N: '2' } } });
    expect(typeof insert?.dynamodb?.ApproximateCreationDateTime).toBe('number');
    expect(handler.stats().recordsFiltered).toBe(1);
  });

  it('writes a state file another process can discover, and refuses a second stack on the same data', async () => {
    const state = JSON.parse(readFileSync(path.join(dataDir.path, 'local-stack.json'), 'utf8'));
    expect(state).toMatchObject({
      version: 1,
      pid: process.pid,
      dynamoDbPid: stack.dynamoDbPid,
      region: 'us-east-1',
      endpoints: stack.endpoints,
      tableName: stack.names.table,
      tableStreamArn: stack.tableStreamArn,
      streamName: stack.names.stream,
      streamArn: stack.streamArn,
    });
    expect(JSON.stringify(state)).not.toMatch(/secret|accessKey/i);
    const discovered = await discoverLocalStack(dataDir.path);
    expect(discovered).toEqual({ status: 'running', state });

    await expect(startLocalStack({ dataDir: dataDir.path, logger })).rejects.toThrow(LocalStackError);
  });

  it('stops every process it started and removes the state file; a restart keeps the data', async () => {
    await stack.clients.document.send(
      new PutCommand({ TableName: stack.names.table, Item: { pk: 'KEEP#1', sk: 'ITEM', note: 'survives' } }),
    );
    const javaPid = stack.dynamoDbPid;
    const tableStreamArn = stack.tableStreamArn;
    expect(isProcessAlive(javaPid)).toBe(true);

    await stack.stop();

    expect(isProcessAlive(javaPid)).toBe(false);
    expect(existsSync(`/proc/${javaPid}`)).toBe(false);
    expect(existsSync(path.join(dataDir.path, 'local-stack.json'))).toBe(false);
    await expect(discoverLocalStack(dataDir.path)).resolves.toEqual({ status: 'absent' });

    // As if an earlier run had crashed: a state file whose owner is gone must not block the restart.
    writeFileSync(
      path.join(dataDir.path, 'local-stack.json'),
      JSON.stringify({
        version: 1,
        pid: 2_147_483_000,
        dynamoDbPid: 2_147_483_001,
        startedAt: new Date().toISOString(),
        dataDir: dataDir.path,
        region: 'us-east-1',
        endpoints: { dynamodb: 'http://127.0.0.1:1', kinesis: 'http://127.0.0.1:1' },
        tableName: 't',
        streamName: 's',
        streamArn: 'arn',
      }),
    );
    stack = await startLocalStack({ dataDir: dataDir.path, logger });

    const { Item: item } = await stack.clients.document.send(
      new GetCommand({ TableName: stack.names.table, Key: { pk: 'KEEP#1', sk: 'ITEM' } }),
    );
    expect(item).toEqual({ pk: 'KEEP#1', sk: 'ITEM', note: 'survives' });
    expect(stack.tableStreamArn).toBe(tableStreamArn);
    const records = await readWholeStream(stack.clients.kinesis, stack.names.stream);
    expect(records).toHaveLength(3);
    expect(stack.dynamoDbPid).not.toBe(javaPid);
  });
});
