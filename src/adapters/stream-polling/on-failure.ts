import { randomUUID } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';

/**
 * The on-failure destination of a local event source mapping. Like Lambda's, a record carries the
 * batch's position in the stream (shard, first and last sequence number), never the data itself;
 * the records can be read again from the stream by those numbers.
 */

export type FailureCondition = 'RetryAttemptsExhausted' | 'RecordAgeExceeded';
export type FunctionErrorKind = 'Unhandled' | 'Timeout' | 'PartialBatchFailure' | 'InvalidResponse';

export interface BatchInfo {
  readonly shardId: string;
  readonly startSequenceNumber: string;
  readonly endSequenceNumber: string;
  readonly approximateArrivalOfFirstRecord: string | undefined;
  readonly approximateArrivalOfLastRecord: string | undefined;
  readonly batchSize: number;
  readonly streamArn: string;
}

export interface OnFailureRecord {
  readonly version: '1.0';
  readonly timestamp: string;
  readonly requestContext: {
    readonly requestId: string;
    readonly functionArn: string;
    readonly condition: FailureCondition;
    readonly approximateInvokeCount: number;
  };
  readonly responseContext: {
    readonly statusCode: number;
    readonly executedVersion: '$LATEST';
    readonly functionError: FunctionErrorKind | undefined;
  };
  /** The last error's name and first line, capped; local addition to help debugging. */
  readonly reason: string;
  readonly KinesisBatchInfo?: BatchInfo;
  readonly DDBStreamBatchInfo?: BatchInfo;
}

export interface OnFailureDestination {
  /** A JSON Lines file records are appended to. */
  readonly file?: string;
  readonly callback?: (record: OnFailureRecord) => void | Promise<void>;
}

export type BatchInfoKey = 'KinesisBatchInfo' | 'DDBStreamBatchInfo';

export interface FailedBatch {
  readonly batchInfoKey: BatchInfoKey;
  readonly functionArn: string;
  readonly condition: FailureCondition;
  readonly invokeCount: number;
  readonly functionError: FunctionErrorKind | undefined;
  readonly reason: string;
  readonly batch: BatchInfo;
}

const MAX_REASON_LENGTH = 300;

/** An error's name and the first line of its message: enough to diagnose, short enough to hold no payload dump. */
export function describeError(error: unknown): string {
  const text =
    error instanceof Error
      ? `${error.name}: ${error.message.split('\n')[0] ?? ''}`
      : String(error).split('\n')[0];
  return (text ?? '').slice(0, MAX_REASON_LENGTH);
}

export function onFailureRecord(failed: FailedBatch, now: Date = new Date()): OnFailureRecord {
  return {
    version: '1.0',
    timestamp: now.toISOString(),
    requestContext: {
      requestId: randomUUID(),
      functionArn: failed.functionArn,
      condition: failed.condition,
      approximateInvokeCount: failed.invokeCount,
    },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: failed.functionError },
    reason: failed.reason,
    [failed.batchInfoKey]: failed.batch,
  };
}

export function createOnFailureSink(
  destination: OnFailureDestination,
  logger: Logger,
): (failed: FailedBatch) => Promise<void> {
  return async (failed) => {
    const record = onFailureRecord(failed);
    logger.warn(
      {
        shardId: failed.batch.shardId,
        startSequenceNumber: failed.batch.startSequenceNumber,
        endSequenceNumber: failed.batch.endSequenceNumber,
        batchSize: failed.batch.batchSize,
        condition: failed.condition,
        reason: failed.reason,
      },
      'batch sent to the on-failure destination',
    );
    if (destination.file !== undefined) {
      try {
        await mkdir(path.dirname(destination.file), { recursive: true });
        await appendFile(destination.file, `${JSON.stringify(record)}\n`, 'utf8');
      } catch (error) {
        logger.error({ err: error, file: destination.file }, 'on-failure record could not be written');
      }
    }
    if (destination.callback !== undefined) {
      try {
        await destination.callback(record);
      } catch (error) {
        logger.error({ err: error }, 'on-failure callback threw');
      }
    }
  };
}
