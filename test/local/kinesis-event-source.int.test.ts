import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ListShardsCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../../src/adapters/aws-clients.ts';
import type { OnFailureRecord } from '../../src/adapters/stream-polling/on-failure.ts';
import type { EventSource } from '../../src/adapters/stream-polling/types.ts';
import { LOCAL_CREDENTIALS } from '../../src/local/constants.ts';
import { type KinesaliteServer, startKinesalite } from '../../src/local/kinesalite-server.ts';
import {
  type KinesisEventSourceOptions,
  startKinesisEventSource,
} from '../../src/local/kinesis-event-source.ts';
import { ensureStream } from '../../src/local/resources.ts';
import { decodeBase64Json, temporaryDirectory, testLogger } from './helpers.ts';

/** The local Kinesis event source mapping against a real (in-process) kinesalite. */

const REGION = 'us-east-1';
const logger = testLogger();
const scratch = temporaryDirectory('kinesis-source-int');
let kinesalite: KinesaliteServer;
let clients: AwsClients;
const sources: EventSource[] = [];

beforeAll(async () => {
  kinesalite = await startKinesalite({ host: '127.0.0.1', logger });
  clients = createAwsClients({
    region: REGION,
    credentials: LOCAL_CREDENTIALS,
    endpoints: { kinesis: kinesalite.endpoint },
  });
});

afterAll(async () => {
  await Promise.all(sources.map((source) => source.stop()));
  clients?.destroy();
  await kinesalite?.stop();
  scratch.remove();
});

let streams = 0;
async function freshStream(shardCount = 1): Promise<{ name: string; arn: string }> {
  streams += 1;
  const name = `source-test-${streams}`;
  const stream = await ensureStream(clients.kinesis, name, shardCount, logger);
  return { name, arn: stream.streamArn };
}

/** Puts JSON bodies under one partition key (so one shard, in order); returns their sequence numbers. */
async function put(
  streamName: string,
  bodies: readonly unknown[],
  partitionKey = 'key-1',
): Promise<string[]> {
  const response = await clients.kinesis.send(
    new PutRecordsCommand({
      StreamName: streamName,
      Records: bodies.map((body) => ({
        Data: Buffer.from(JSON.stringify(body)),
        PartitionKey: partitionKey,
      })),
    }),
  );
  expect(response.FailedRecordCount).toBe(0);
  return (response.Records ?? []).map((record) => record.SequenceNumber ?? '');
}

async function start(
  stream: { name: string; arn: string },
  handler: KinesisEventSourceOptions['handler'],
  options: Partial<KinesisEventSourceOptions> = {},
): Promise<EventSource> {
  const source = await startKinesisEventSource({
    kinesis: clients.kinesis,
    streamName: stream.name,
    region: REGION,
    handler,
    logger,
    pollIntervalMs: 50,
    retryDelayMs: 10,
    ...options,
  });
  sources.push(source);
  return source;
}

const sequencesOf = (event: KinesisStreamEvent) =>
  event.Records.map((record) => record.kinesis.sequenceNumber);

describe('local Kinesis event source mapping', () => {
  it('delivers records in the event shape Lambda sends', async () => {
    const stream = await freshStream();
    const bodies = [{ n: 1 }, { n: 2, text: 'é' }, { n: 3 }];
    const before = Date.now() / 1000;
    const sequences = await put(stream.name, bodies);
    const events: KinesisStreamEvent[] = [];
    const source = await start(stream, async (event) => {
      events.push(event);
      return { batchItemFailures: [] };
    });
    await source.whenIdle({ timeoutMs: 10_000 });

    const records = events.flatMap((event) => event.Records);
    expect(records.map((record) => decodeBase64Json(record.kinesis.data))).toEqual(bodies);
    const { Shards: shards } = await clients.kinesis.send(new ListShardsCommand({ StreamName: stream.name }));
    const shardId = shards?.[0]?.ShardId;
    records.forEach((record, index) => {
      expect(Object.keys(record).sort()).toEqual([
        'awsRegion',
        'eventID',
        'eventName',
        'eventSource',
        'eventSourceARN',
        'eventVersion',
        'invokeIdentityArn',
        'kinesis',
      ]);
      expect(record).toMatchObject({
        eventSource: 'aws:kinesis',
        eventName: 'aws:kinesis:record',
        eventVersion: '1.0',
        eventSourceARN: stream.arn,
        awsRegion: REGION,
        eventID: `${shardId}:${sequences[index]}`,
        kinesis: { kinesisSchemaVersion: '1.0', partitionKey: 'key-1', sequenceNumber: sequences[index] },
      });
      // Seconds with a fraction, as Lambda sends it, not milliseconds.
      expect(record.kinesis.approximateArrivalTimestamp).toBeGreaterThanOrEqual(Math.floor(before) - 1);
      expect(record.kinesis.approximateArrivalTimestamp).toBeLessThan(Date.now() / 1000 + 1);
    });
  });

  it('retries from the lowest failed sequence number when the handler reports batch item failures', async () => {
    const stream = await freshStream();
    const sequences = await put(stream.name, ['r0', 'r1', 'r2', 'r3', 'r4']);
    const invocations: string[][] = [];
    const source = await start(stream, async (event) => {
      invocations.push(sequencesOf(event));
      if (invocations.length > 1) return { batchItemFailures: [] };
      // Reported out of order on purpose: the retry must start at r1, the lowest.
      return {
        batchItemFailures: [{ itemIdentifier: sequences[3] ?? '' }, { itemIdentifier: sequences[1] ?? '' }],
      };
    });
    await source.whenIdle({ timeoutMs: 10_000 });

    expect(invocations).toEqual([sequences, sequences.slice(1)]);
    expect(source.stats()).toMatchObject({
      invocations: 2,
      partialFailures: 1,
      recordsSucceeded: 5,
      recordsDiscarded: 0,
    });
  });

  it('bisects a throwing batch, sends the poison record to on-failure after the retries, and moves on', async () => {
    const stream = await freshStream();
    const dataDir = path.join(scratch.path, 'bisect');
    const sequences = await put(stream.name, ['g0', 'g1', 'POISON', 'g3', 'g4']);
    const processed: unknown[] = [];
    const batchSizes: number[] = [];
    const callbackRecords: OnFailureRecord[] = [];
    const source = await start(
      stream,
      async (event) => {
        const bodies = event.Records.map((record) => decodeBase64Json(record.kinesis.data));
        batchSizes.push(bodies.length);
        if (bodies.includes('POISON')) throw new Error('cannot process this batch');
        processed.push(...bodies);
        return { batchItemFailures: [] };
      },
      {
        name: 'bisect-test',
        dataDir,
        maximumRetryAttempts: 2,
        onFailure: { callback: (record) => void callbackRecords.push(record) },
      },
    );
    await source.whenIdle({ timeoutMs: 10_000 });

    expect(processed).toEqual(['g0', 'g1', 'g3', 'g4']);
    // 5 → [3, 2] → [2, 1]: the poison record alone, tried once and retried twice.
    expect(batchSizes).toEqual([5, 3, 2, 1, 1, 1, 2]);
    const fileRecords = readFileSync(path.join(dataDir, 'on-failure', 'bisect-test.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(fileRecords).toEqual(callbackRecords);
    expect(fileRecords).toHaveLength(1);
    expect(fileRecords[0]).toMatchObject({
      requestContext: { condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 },
      responseContext: { functionError: 'Unhandled' },
      reason: 'Error: cannot process this batch',
      KinesisBatchInfo: {
        shardId: 'shardId-000000000000',
        startSequenceNumber: sequences[2],
        endSequenceNumber: sequences[2],
        batchSize: 1,
        streamArn: stream.arn,
      },
    });
    // No payload in the on-failure record: only positions.
    expect(JSON.stringify(fileRecords[0])).not.toContain('POISON');

    const [later] = await put(stream.name, ['g5']);
    await source.whenIdle({ timeoutMs: 10_000 });
    expect(processed.at(-1)).toBe('g5');
    const checkpoints = JSON.parse(
      readFileSync(path.join(dataDir, 'checkpoints', 'bisect-test.json'), 'utf8'),
    );
    expect(checkpoints).toEqual({ sourceArn: stream.arn, shards: { 'shardId-000000000000': later } });
  });

  it('polls every shard, each in order', async () => {
    const stream = await freshStream(2);
    const keys = Array.from({ length: 12 }, (_, index) => `key-${index}`);
    for (const [index, key] of keys.entries()) await put(stream.name, [{ key, index }], key);
    const perShard = new Map<string, number[]>();
    const source = await start(
      stream,
      async (event) => {
        for (const record of event.Records) {
          const shard = record.eventID.split(':')[0] ?? '';
          const body = decodeBase64Json(record.kinesis.data);
          const index = typeof body === 'object' && body !== null && 'index' in body ? body.index : undefined;
          if (typeof index !== 'number') throw new Error('record without an index');
          perShard.set(shard, [...(perShard.get(shard) ?? []), index]);
        }
        return undefined;
      },
      { batchSize: 3 },
    );
    await source.whenIdle({ timeoutMs: 10_000 });

    expect([...perShard.keys()].sort()).toEqual(['shardId-000000000000', 'shardId-000000000001']);
    const all = [...perShard.values()].flat();
    expect(all.sort((a, b) => a - b)).toEqual(keys.map((_, index) => index));
    for (const indexes of perShard.values()) expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
  });
});
