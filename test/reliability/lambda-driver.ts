import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import {
  classifyResponse,
  type DeliveryPort,
  deliverBatch,
  type InvocationOutcome,
} from '../../src/adapters/stream-polling/batch-delivery.ts';
import type { StreamRecord } from '../../src/adapters/stream-polling/types.ts';

/**
 * Drives a Kinesis handler the way Lambda's event source mapping does, with the project's own
 * model of it (batch-delivery.ts): `batchItemFailures` checkpoint before the lowest failed record
 * and retry from there; a thrown error bisects the batch; records are given up on only after
 * `maximumRetryAttempts`. No stream, no timers: the tests and the benchmark call it in-process.
 */

export type KinesisHandler = (event: KinesisStreamEvent) => Promise<unknown>;

export interface DriveOptions {
  /** Retries per record before it is given up on (default 20: far more than any test needs). */
  readonly maximumRetryAttempts?: number;
  /** Called before each retry, e.g. to bring a stopped emulator back. Default: no wait. */
  readonly beforeRetry?: (attempt: number) => Promise<void>;
}

export interface DriveReport {
  readonly invocations: number;
  /** Invocations that reported batch item failures or threw. */
  readonly failedInvocations: number;
  /** Records delivered again after a failed invocation (a record retried twice counts twice). */
  readonly redelivered: number;
  /** Records the mapping gave up on: always empty when the handler eventually succeeds. */
  readonly discarded: readonly KinesisStreamRecord[];
}

export async function driveLikeLambda(
  handler: KinesisHandler,
  records: readonly KinesisStreamRecord[],
  options: DriveOptions = {},
): Promise<DriveReport> {
  let invocations = 0;
  let failedInvocations = 0;
  let redelivered = 0;
  let retries = 0;
  const seen = new Set<string>();
  const discarded: KinesisStreamRecord[] = [];
  const port: DeliveryPort<KinesisStreamRecord> = {
    invoke: async (batch): Promise<InvocationOutcome> => {
      invocations += 1;
      for (const record of batch) {
        if (seen.has(record.sequenceNumber)) redelivered += 1;
        seen.add(record.sequenceNumber);
      }
      let outcome: InvocationOutcome;
      try {
        const response = await handler({ Records: batch.map((record) => record.payload) });
        outcome = classifyResponse(
          response,
          batch.map((record) => record.sequenceNumber),
        );
      } catch (error) {
        outcome = { kind: 'error', error, timedOut: false };
      }
      if (outcome.kind !== 'success') failedInvocations += 1;
      return outcome;
    },
    acknowledge: async () => undefined,
    discard: async (given) => {
      discarded.push(...given.map((record) => record.payload));
    },
    pause: async () => {
      retries += 1;
      await options.beforeRetry?.(retries);
      return true;
    },
    stopping: () => false,
    now: () => Date.now(),
  };
  const streamRecords: StreamRecord<KinesisStreamRecord>[] = records.map((record) => ({
    sequenceNumber: record.kinesis.sequenceNumber,
    arrivalMs: undefined,
    payload: record,
  }));
  await deliverBatch(
    streamRecords,
    {
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: options.maximumRetryAttempts ?? 20,
      maximumRecordAgeMs: -1,
      retryDelayMs: 0,
    },
    port,
  );
  return { invocations, failedInvocations, redelivered, discarded };
}

/** Drives batch after batch, as one shard's mapping would; the reports are summed. */
export async function driveBatches(
  handler: KinesisHandler,
  batches: readonly (readonly KinesisStreamRecord[])[],
  options: DriveOptions = {},
): Promise<DriveReport> {
  let total: DriveReport = { invocations: 0, failedInvocations: 0, redelivered: 0, discarded: [] };
  for (const batch of batches) {
    const report = await driveLikeLambda(handler, batch, options);
    total = {
      invocations: total.invocations + report.invocations,
      failedInvocations: total.failedInvocations + report.failedInvocations,
      redelivered: total.redelivered + report.redelivered,
      discarded: [...total.discarded, ...report.discarded],
    };
  }
  return total;
}
