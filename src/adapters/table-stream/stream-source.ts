import {
  DescribeStreamCommand,
  type DescribeStreamCommandOutput,
  type DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import type { Logger } from 'pino';
import { formatArn, parseArn } from '../../core/arn.ts';
import { compileEventPattern } from '../event-pattern.ts';
import { mappingStorage } from '../stream-polling/mapping-storage.ts';
import type { OnFailureDestination } from '../stream-polling/on-failure.ts';
import { StreamEventSource } from '../stream-polling/stream-event-source.ts';
import type {
  BatchPolicy,
  EventSource,
  PollingOptions,
  ShardInfo,
  ShardReader,
  StreamBatchHandler,
} from '../stream-polling/types.ts';
import { toLambdaDynamoDbRecord } from './stream-record.ts';

/**
 * Follows a table's stream shard by shard (including shards that roll over) and calls the handler
 * with the `DynamoDBStreamEvent` Lambda would send: a deployed table's stream for `incidents tail`
 * and the incident page, the emulated one as the local stack's stand-in for Lambda's mapping.
 * Filter criteria are the same patterns serverless.yml gives Lambda (`filterPatterns`), optionally
 * with a predicate on top. Polling, batching and retries are the shard poller's (../stream-polling),
 * which the local stack's Kinesis mapping shares.
 */

export type DynamoDbStreamHandler = StreamBatchHandler<DynamoDBRecord>;

export interface DynamoDbStreamSourceOptions extends BatchPolicy, PollingOptions {
  readonly streams: DynamoDBStreamsClient;
  /** The table's LatestStreamArn. */
  readonly streamArn: string;
  readonly region: string;
  readonly handler: DynamoDbStreamHandler;
  readonly logger: Logger;
  /** Lambda filter criteria patterns: a record is delivered when any of them matches it. */
  readonly filterPatterns?: readonly unknown[];
  /** Further narrows what is delivered; applied after the patterns. */
  readonly filter?: (record: DynamoDBRecord) => boolean;
  /** Default "table-stream-handler". */
  readonly name?: string;
  readonly dataDir?: string;
  readonly onFailure?: OnFailureDestination;
}

const MAX_GET_RECORDS_LIMIT = 1_000;

function dynamoDbShardReader(
  streams: DynamoDBStreamsClient,
  streamArn: string,
  region: string,
): ShardReader<DynamoDBRecord> {
  return {
    sourceArn: streamArn,
    listShards: async (signal) => {
      const shards: ShardInfo[] = [];
      let lastShardId: string | undefined;
      do {
        const page: DescribeStreamCommandOutput = await streams.send(
          new DescribeStreamCommand({
            StreamArn: streamArn,
            ...(lastShardId === undefined ? {} : { ExclusiveStartShardId: lastShardId }),
          }),
          { abortSignal: signal },
        );
        for (const shard of page.StreamDescription?.Shards ?? []) {
          if (shard.ShardId === undefined) continue;
          shards.push({
            shardId: shard.ShardId,
            ...(shard.ParentShardId === undefined ? {} : { parentShardId: shard.ParentShardId }),
          });
        }
        lastShardId = page.StreamDescription?.LastEvaluatedShardId;
      } while (lastShardId !== undefined);
      return shards;
    },
    shardIterator: async (shardId, position, signal) => {
      const response = await streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: shardId,
          ShardIteratorType: position.type,
          ...(position.type === 'AFTER_SEQUENCE_NUMBER' ? { SequenceNumber: position.sequenceNumber } : {}),
        }),
        { abortSignal: signal },
      );
      return response.ShardIterator;
    },
    readPage: async (_shardId, iterator, limit, signal) => {
      const response = await streams.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: Math.min(limit, MAX_GET_RECORDS_LIMIT) }),
        { abortSignal: signal },
      );
      const records = (response.Records ?? []).flatMap((record) => {
        const sequenceNumber = record.dynamodb?.SequenceNumber;
        if (sequenceNumber === undefined) return [];
        return [
          {
            sequenceNumber,
            arrivalMs: record.dynamodb?.ApproximateCreationDateTime?.getTime(),
            payload: toLambdaDynamoDbRecord(record, streamArn, region),
          },
        ];
      });
      return { records, nextIterator: response.NextShardIterator, caughtUp: records.length === 0 };
    },
    isExpiredIterator: (error) =>
      error instanceof ExpiredIteratorException || error instanceof TrimmedDataAccessException,
  };
}

function recordFilter(
  options: DynamoDbStreamSourceOptions,
): ((record: DynamoDBRecord) => boolean) | undefined {
  const patterns = (options.filterPatterns ?? []).map((pattern) => compileEventPattern(pattern));
  const predicate = options.filter;
  if (patterns.length === 0 && predicate === undefined) return undefined;
  return (record) =>
    (patterns.length === 0 || patterns.some((pattern) => pattern.matches(record))) &&
    (predicate === undefined || predicate(record));
}

/**
 * The ARN the batch info names as the function: a handler in the stream's own account, as Lambda's
 * mapping would name it (only a label here, nothing is invoked by ARN).
 */
function handlerArn(streamArn: string, region: string, name: string): string {
  const stream = parseArn(streamArn);
  return formatArn({
    partition: stream?.partition ?? 'aws',
    service: 'lambda',
    region,
    account: stream?.account ?? '000000000000',
    resource: `function:${name}`,
  });
}

/** Starts polling; resolves once the shards are known and their workers run. */
export async function startDynamoDbStreamSource(options: DynamoDbStreamSourceOptions): Promise<EventSource> {
  const name = options.name ?? 'table-stream-handler';
  const filter = recordFilter(options);
  const source = new StreamEventSource<DynamoDBRecord>({
    ...options,
    name,
    reader: dynamoDbShardReader(options.streams, options.streamArn, options.region),
    ...(filter === undefined ? {} : { filter }),
    ...mappingStorage({
      name,
      dataDir: options.dataDir,
      onFailure: options.onFailure,
      logger: options.logger,
    }),
    batchInfoKey: 'DDBStreamBatchInfo',
    functionArn: handlerArn(options.streamArn, options.region, name),
  });
  await source.start();
  return source;
}
