import {
  DescribeStreamSummaryCommand,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  ListShardsCommand,
  type ListShardsCommandOutput,
} from '@aws-sdk/client-kinesis';
import type { KinesisStreamRecord } from 'aws-lambda';
import type { Logger } from 'pino';
import { mappingStorage } from '../adapters/stream-polling/mapping-storage.ts';
import type { OnFailureDestination } from '../adapters/stream-polling/on-failure.ts';
import { StreamEventSource } from '../adapters/stream-polling/stream-event-source.ts';
import type {
  BatchPolicy,
  EventSource,
  PollingOptions,
  ShardInfo,
  ShardReader,
  StreamBatchHandler,
} from '../adapters/stream-polling/types.ts';
import { LOCAL_ACCOUNT_ID } from './constants.ts';

/**
 * The local stand-in for Lambda's Kinesis event source mapping: polls every shard of the stream and
 * calls the handler with the `KinesisStreamEvent` Lambda would send (base64 data, sequence number,
 * partition key, arrival time in seconds, `shardId:sequence` event ids), honouring
 * ReportBatchItemFailures, bisect-on-error, retries and an on-failure destination.
 */

export type KinesisBatchHandler = StreamBatchHandler<KinesisStreamRecord>;

export interface KinesisEventSourceOptions extends BatchPolicy, PollingOptions {
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  /** Looked up when omitted. */
  readonly streamArn?: string;
  readonly region: string;
  readonly handler: KinesisBatchHandler;
  readonly logger: Logger;
  /** Names the mapping in logs, the checkpoint file and the on-failure file. Default "kinesis-consumer". */
  readonly name?: string;
  /** Where checkpoints and on-failure records are kept; both stay in memory / are only logged when omitted. */
  readonly dataDir?: string;
  /** Replaces the default on-failure file (`<dataDir>/on-failure/<name>.jsonl`) and adds a callback. */
  readonly onFailure?: OnFailureDestination;
  /** Lambda's `invokeIdentityArn`. */
  readonly invokeIdentityArn?: string;
}

const MAX_GET_RECORDS_LIMIT = 10_000;

function kinesisShardReader(
  kinesis: KinesisClient,
  streamName: string,
  streamArn: string,
  region: string,
  invokeIdentityArn: string,
): ShardReader<KinesisStreamRecord> {
  return {
    sourceArn: streamArn,
    listShards: async (signal) => {
      const shards: ShardInfo[] = [];
      let nextToken: string | undefined;
      do {
        const page: ListShardsCommandOutput = await kinesis.send(
          new ListShardsCommand(
            nextToken === undefined ? { StreamName: streamName } : { NextToken: nextToken },
          ),
          { abortSignal: signal },
        );
        for (const shard of page.Shards ?? []) {
          if (shard.ShardId === undefined) continue;
          shards.push({
            shardId: shard.ShardId,
            ...(shard.ParentShardId === undefined ? {} : { parentShardId: shard.ParentShardId }),
          });
        }
        nextToken = page.NextToken;
      } while (nextToken !== undefined);
      return shards;
    },
    shardIterator: async (shardId, position, signal) => {
      const response = await kinesis.send(
        new GetShardIteratorCommand({
          StreamName: streamName,
          ShardId: shardId,
          ShardIteratorType: position.type,
          ...(position.type === 'AFTER_SEQUENCE_NUMBER'
            ? { StartingSequenceNumber: position.sequenceNumber }
            : {}),
        }),
        { abortSignal: signal },
      );
      return response.ShardIterator;
    },
    readPage: async (shardId, iterator, limit, signal) => {
      const response = await kinesis.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: Math.min(limit, MAX_GET_RECORDS_LIMIT) }),
        { abortSignal: signal },
      );
      const records = (response.Records ?? []).flatMap((record) => {
        const sequenceNumber = record.SequenceNumber;
        if (sequenceNumber === undefined) return [];
        const arrivalMs = record.ApproximateArrivalTimestamp?.getTime();
        const payload: KinesisStreamRecord = {
          kinesis: {
            kinesisSchemaVersion: '1.0',
            partitionKey: record.PartitionKey ?? '',
            sequenceNumber,
            data: Buffer.from(record.Data ?? new Uint8Array()).toString('base64'),
            approximateArrivalTimestamp: (arrivalMs ?? Date.now()) / 1000,
          },
          eventSource: 'aws:kinesis',
          eventVersion: '1.0',
          eventID: `${shardId}:${sequenceNumber}`,
          eventName: 'aws:kinesis:record',
          invokeIdentityArn,
          awsRegion: region,
          eventSourceARN: streamArn,
        };
        return [{ sequenceNumber, arrivalMs, payload }];
      });
      const caughtUp = records.length === 0 && (response.MillisBehindLatest ?? 0) === 0;
      return { records, nextIterator: response.NextShardIterator, caughtUp };
    },
    isExpiredIterator: (error) => error instanceof ExpiredIteratorException,
  };
}

async function lookUpStreamArn(kinesis: KinesisClient, streamName: string): Promise<string> {
  const { StreamDescriptionSummary: summary } = await kinesis.send(
    new DescribeStreamSummaryCommand({ StreamName: streamName }),
  );
  if (summary?.StreamARN === undefined) throw new Error(`Stream ${streamName} has no ARN`);
  return summary.StreamARN;
}

/** Starts polling; resolves once the shards are known and their workers run. */
export async function startKinesisEventSource(options: KinesisEventSourceOptions): Promise<EventSource> {
  const name = options.name ?? 'kinesis-consumer';
  const streamArn = options.streamArn ?? (await lookUpStreamArn(options.kinesis, options.streamName));
  const invokeIdentityArn = options.invokeIdentityArn ?? `arn:aws:iam::${LOCAL_ACCOUNT_ID}:role/${name}`;
  const source = new StreamEventSource<KinesisStreamRecord>({
    ...options,
    name,
    reader: kinesisShardReader(
      options.kinesis,
      options.streamName,
      streamArn,
      options.region,
      invokeIdentityArn,
    ),
    ...mappingStorage({
      name,
      dataDir: options.dataDir,
      onFailure: options.onFailure,
      logger: options.logger,
    }),
    batchInfoKey: 'KinesisBatchInfo',
    functionArn: `arn:aws:lambda:${options.region}:${LOCAL_ACCOUNT_ID}:function:${name}`,
  });
  await source.start();
  return source;
}
