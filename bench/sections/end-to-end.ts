import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { pino } from 'pino';
import { mapConcurrent } from '../../src/adapters/dynamodb/batch-operations.ts';
import { DynamoDbIncidentStore } from '../../src/adapters/dynamodb/dynamodb-store.ts';
import type { ChangePublisher } from '../../src/adapters/publishers/change-publisher.ts';
import { DEFAULT_CONFIG } from '../../src/core/config.ts';
import { ensureStream } from '../../src/local/resources.ts';
import { type LocalStack, startLocalStack } from '../../src/local/stack.ts';
import { createIncidentStreamHandler } from '../../src/runtime/incident-stream.ts';
import { createKinesisConsumer } from '../../src/runtime/kinesis-consumer.ts';
import { sleep } from '../../src/sleep.ts';
import type { GeneratedEvent } from '../../src/workloads/generated.ts';
import { chunk } from '../../src/workloads/kinesis-framing.ts';
import { generateEvents } from '../../src/workloads/mix.ts';
import { percentile, perSecond, round, sortedNumbers } from '../stats.ts';

/**
 * The product end to end on the local stack: events sent through the local EventBridge into
 * kinesalite, polled by the local event source mapping into the same consumer Lambda runs, written
 * to DynamoDB Local, and read back from the table's stream by the stream handler. Next to it, the
 * emulators' own raw write rates measured in the same run, which bound what any consumer can do.
 */

export interface LatencyFigures {
  readonly count: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface EndToEndResult {
  readonly events: number;
  /** Events a rule routed to the stream (the rest matched no rule, as on AWS). */
  readonly routed: number;
  /** Send of the first event → the last routed event committed, all sent at once. */
  readonly eventsPerSecond: number;
  /** Send → committed (the consumer returned without failing the record), under the burst. */
  readonly burstLatency: LatencyFigures;
  /** The same, with events sent at a steady rate well below the burst throughput. */
  readonly pacedLatency: LatencyFigures & { readonly sendRatePerSecond: number };
  /** Incident header written (its `updatedAt`) → the stream handler receiving the change. */
  readonly streamLatency: LatencyFigures;
  readonly failedInvocations: number;
  readonly emulators: {
    readonly kinesisPutRecordsPerSecond: number;
    readonly dynamodbPutItemsPerSecond: number;
  };
}

const SEND_CHUNK = 100;
/** The paced phase sends a small chunk this many times a second. */
const PACED_TICKS_PER_SECOND = 10;
const RAW_PUT_ITEMS = 2_000;
const RAW_PUT_CONCURRENCY = 8;
const silent = pino({ level: 'silent' });

function latency(values: Iterable<number>): LatencyFigures {
  const sorted = sortedNumbers(values);
  return {
    count: sorted.length,
    p50Ms: round(percentile(sorted, 50), 0),
    p99Ms: round(percentile(sorted, 99), 0),
    maxMs: round(sorted.at(-1) ?? Number.NaN, 0),
  };
}

function idOf(data: string): string | undefined {
  const value: unknown = JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
  return typeof value === 'object' && value !== null && 'id' in value && typeof value.id === 'string'
    ? value.id
    : undefined;
}

function eventId(generated: GeneratedEvent): string {
  return String(generated.event.id);
}

async function kinesisRawRate(kinesis: KinesisClient, events: readonly GeneratedEvent[]): Promise<number> {
  const { streamName } = await ensureStream(kinesis, 'bench-raw-writes', 1, silent);
  const entries = events.map((generated) => ({
    Data: Buffer.from(JSON.stringify(generated.event)),
    PartitionKey: eventId(generated),
  }));
  const started = performance.now();
  for (const batch of chunk(entries, 500)) {
    await kinesis.send(new PutRecordsCommand({ StreamName: streamName, Records: batch }));
  }
  return perSecond(entries.length, performance.now() - started);
}

async function dynamodbRawRate(
  stack: LocalStack,
  dynamodb: DynamoDBClient,
  events: readonly GeneratedEvent[],
): Promise<number> {
  const tableName = 'bench-raw-writes';
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
  const items = Array.from({ length: RAW_PUT_ITEMS }, (_, index) => {
    const generated = events[index % events.length];
    return { pk: `RAW#${index % 50}`, sk: String(index), body: JSON.stringify(generated?.event ?? {}) };
  });
  const started = performance.now();
  await mapConcurrent(items, RAW_PUT_CONCURRENCY, (item) =>
    stack.clients.document.send(new PutCommand({ TableName: tableName, Item: item })),
  );
  return perSecond(items.length, performance.now() - started);
}

interface Tracking {
  readonly sentAt: Map<string, number>;
  readonly committedAt: Map<string, number>;
  readonly streamLags: number[];
  failedInvocations: number;
}

function recordingPublisher(tracking: Tracking): ChangePublisher {
  return {
    publish: async (changes) => {
      const receivedAt = Date.now();
      for (const change of changes) {
        const body = change.body;
        const incident =
          typeof body === 'object' && body !== null && 'incident' in body ? body.incident : undefined;
        const updatedAt =
          typeof incident === 'object' && incident !== null && 'updatedAt' in incident
            ? incident.updatedAt
            : undefined;
        if (typeof updatedAt === 'string') tracking.streamLags.push(receivedAt - Date.parse(updatedAt));
      }
    },
  };
}

async function send(
  stack: LocalStack,
  events: readonly GeneratedEvent[],
  tracking: Tracking,
  chunkSize: number,
  pauseMs: number,
) {
  let routed = 0;
  for (const batch of chunk(events, chunkSize)) {
    const sentAt = Date.now();
    const result = await stack.eventBus.putEvents(batch.map((generated) => generated.event));
    routed += result.recordsSent;
    for (const generated of batch) tracking.sentAt.set(eventId(generated), sentAt);
    if (pauseMs > 0) await sleep(pauseMs);
  }
  return routed;
}

export async function runEndToEnd(
  seed: number,
  events: number,
  pacedEvents: number,
): Promise<EndToEndResult> {
  const mix = generateEvents({ seed, events: events + pacedEvents });
  const burst = mix.events.slice(0, events);
  const paced = mix.events.slice(events);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'incidents-bench-'));
  const stack = await startLocalStack({ dataDir, logger: silent, handleProcessSignals: false });
  try {
    const emulators = {
      kinesisPutRecordsPerSecond: round(await kinesisRawRate(stack.clients.kinesis, burst), 0),
      dynamodbPutItemsPerSecond: round(await dynamodbRawRate(stack, stack.clients.dynamodb, burst), 0),
    };

    const tracking: Tracking = {
      sentAt: new Map(),
      committedAt: new Map(),
      streamLags: [],
      failedInvocations: 0,
    };
    const consumer = createKinesisConsumer({
      store: new DynamoDbIncidentStore({
        client: stack.clients.document,
        tableName: stack.names.table,
        clock: Date.now,
      }),
      config: DEFAULT_CONFIG,
      logger: silent,
      clock: Date.now,
    });
    const tracked = async (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => {
      const response = await consumer(event);
      const committedAt = Date.now();
      const failed = new Set(response.batchItemFailures.map((failure) => failure.itemIdentifier));
      if (failed.size > 0) tracking.failedInvocations += 1;
      for (const record of event.Records) {
        if (failed.has(record.kinesis.sequenceNumber)) continue;
        const id = idOf(record.kinesis.data);
        if (id !== undefined && !tracking.committedAt.has(id)) tracking.committedAt.set(id, committedAt);
      }
      return response;
    };
    await stack.attachKinesisConsumer(tracked, { maximumBatchingWindowMs: 0 });
    await stack.attachTableStreamHandler(
      createIncidentStreamHandler({
        publisher: recordingPublisher(tracking),
        logger: silent,
        clock: Date.now,
      }),
      { maximumBatchingWindowMs: 0 },
    );

    const started = Date.now();
    const routed = await send(stack, burst, tracking, SEND_CHUNK, 0);
    await stack.whenIdle({ timeoutMs: 600_000 });
    const burstIds = burst.map(eventId).filter((id) => tracking.committedAt.has(id));
    const lastCommit = Math.max(...burstIds.map((id) => tracking.committedAt.get(id) ?? started));
    const eventsPerSecond = perSecond(burstIds.length, lastCommit - started);
    const lagOf = (ids: readonly string[]) =>
      ids.map((id) => (tracking.committedAt.get(id) ?? Number.NaN) - (tracking.sentAt.get(id) ?? Number.NaN));
    const burstLatency = latency(lagOf(burstIds));

    // A quarter of the burst rate: latency when the consumer keeps up, not queueing behind a backlog.
    const sendRatePerSecond = Math.max(PACED_TICKS_PER_SECOND, Math.floor(eventsPerSecond / 4));
    const perTick = Math.max(1, Math.round(sendRatePerSecond / PACED_TICKS_PER_SECOND));
    await send(stack, paced, tracking, perTick, 1000 / PACED_TICKS_PER_SECOND);
    await stack.whenIdle({ timeoutMs: 600_000 });
    const pacedIds = paced.map(eventId).filter((id) => tracking.committedAt.has(id));

    return {
      events,
      routed,
      eventsPerSecond: round(eventsPerSecond, 0),
      burstLatency,
      pacedLatency: { ...latency(lagOf(pacedIds)), sendRatePerSecond },
      streamLatency: latency(tracking.streamLags),
      failedInvocations: tracking.failedInvocations,
      emulators,
    };
  } finally {
    await stack.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
