/**
 * What a local event source mapping needs from a stream (Kinesis or DynamoDB Streams) and what it
 * hands to the handler. The reader turns each stream record into the exact record shape Lambda
 * would put in the event, so the mapping itself never depends on which stream it polls.
 */

export type StartingPosition = 'TRIM_HORIZON' | 'LATEST';

export type IteratorPosition =
  | { readonly type: 'TRIM_HORIZON' }
  | { readonly type: 'LATEST' }
  | { readonly type: 'AFTER_SEQUENCE_NUMBER'; readonly sequenceNumber: string };

export interface ShardInfo {
  readonly shardId: string;
  readonly parentShardId?: string;
}

export interface StreamRecord<T> {
  readonly sequenceNumber: string;
  /** When the stream received the record (epoch ms), if it says. */
  readonly arrivalMs: number | undefined;
  /** The record as it appears in the Lambda event's `Records`. */
  readonly payload: T;
}

export interface ShardPage<T> {
  readonly records: readonly StreamRecord<T>[];
  /** Undefined once a closed shard has been read to its end. */
  readonly nextIterator: string | undefined;
  /** True when nothing newer is waiting in the shard. */
  readonly caughtUp: boolean;
}

export interface ShardReader<T> {
  /** The stream's ARN, as Lambda puts it in `eventSourceARN`. */
  readonly sourceArn: string;
  listShards(signal: AbortSignal): Promise<readonly ShardInfo[]>;
  shardIterator(
    shardId: string,
    position: IteratorPosition,
    signal: AbortSignal,
  ): Promise<string | undefined>;
  readPage(shardId: string, iterator: string, limit: number, signal: AbortSignal): Promise<ShardPage<T>>;
  /** The iterator is too old; a new one from the last read position fixes it. */
  isExpiredIterator(error: unknown): boolean;
}

export interface BatchItemFailure {
  readonly itemIdentifier: string;
}

/** `ReportBatchItemFailures`: what the handler returns (or nothing, for complete success). */
export interface BatchResponse {
  readonly batchItemFailures: readonly BatchItemFailure[];
}

export interface LambdaStreamEvent<T> {
  Records: T[];
}

/** Lambda handlers may return nothing at all for complete success. */
// biome-ignore lint/suspicious/noConfusingVoidType: `async () => {}` returns Promise<void>, which Lambda accepts.
export type BatchHandlerResult = BatchResponse | undefined | void;

export type StreamBatchHandler<T> = (event: LambdaStreamEvent<T>) => Promise<BatchHandlerResult>;

/** How Lambda's event source mapping treats batches; the defaults mirror serverless.yml's choices. */
export interface BatchPolicy {
  /** Records per invocation at most. Default 100. */
  readonly batchSize?: number;
  /** Gather records this long before invoking, unless a batch fills first. Default 0. */
  readonly maximumBatchingWindowMs?: number;
  /** On a function error, split the batch in two and retry each half. Default true. */
  readonly bisectBatchOnFunctionError?: boolean;
  /** Retries of a failing batch before it goes to the on-failure destination; -1 retries forever. Default 3. */
  readonly maximumRetryAttempts?: number;
  /** Records older than this are sent to the on-failure destination instead of the handler; -1 never. */
  readonly maximumRecordAgeMs?: number;
  /** A handler taking longer counts as a function error. Default 60 s. */
  readonly functionTimeoutMs?: number;
  /** Delay before the first retry, doubling up to 5 s. Default 100 ms. */
  readonly retryDelayMs?: number;
}

export interface PollingOptions {
  /** Where to begin when there is no checkpoint. Default TRIM_HORIZON. */
  readonly startingPosition?: StartingPosition;
  /** Pause after a poll that found nothing. Default 250 ms. */
  readonly pollIntervalMs?: number;
  /** How often new shards (splits, rollovers) are looked for. Default 5 s. */
  readonly shardRefreshIntervalMs?: number;
}

export interface EventSourceStats {
  readonly invocations: number;
  readonly functionErrors: number;
  readonly partialFailures: number;
  /** Records acknowledged by a successful (or partially successful) invocation. */
  readonly recordsSucceeded: number;
  /** Records given up on and written to the on-failure destination. */
  readonly recordsDiscarded: number;
  /** Records a filter dropped before they reached the handler. */
  readonly recordsFiltered: number;
}

export interface EventSource {
  /**
   * Resolves once every shard has been polled after this call and found nothing new, with no batch
   * in flight; rejects after `timeoutMs` (default 30 s) or when the source stops.
   */
  whenIdle(options?: { readonly timeoutMs?: number }): Promise<void>;
  stats(): EventSourceStats;
  /** Stops polling, lets a batch in flight finish, and saves checkpoints. */
  stop(): Promise<void>;
}
