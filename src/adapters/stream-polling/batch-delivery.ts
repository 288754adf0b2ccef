import { describeError, type FailureCondition, type FunctionErrorKind } from './on-failure.ts';
import type { StreamRecord } from './types.ts';

/**
 * How Lambda's stream event source mapping treats one batch, without any I/O of its own:
 * - `batchItemFailures` (ReportBatchItemFailures): the records before the lowest failed sequence
 *   number are done; the batch is retried from that record on.
 * - the handler throws (or times out): with bisect on, the batch is split in two and each half is
 *   retried in order; a single record is retried as is.
 * - after `maximumRetryAttempts` retries the remaining records go to the on-failure destination and
 *   the shard moves on.
 * A split does not use up a retry (a split is bounded by log2(batch size) anyway): the halves
 * inherit the attempt count of the batch they came from, so a single poison record ends up alone
 * and is the only record given up on.
 */

export type InvocationOutcome =
  | { readonly kind: 'success' }
  | { readonly kind: 'partial'; readonly firstFailedIndex: number }
  | { readonly kind: 'invalid-response'; readonly detail: string }
  | { readonly kind: 'error'; readonly error: unknown; readonly timedOut: boolean };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Lambda's reading of a handler's response: nothing, an empty object or an empty/null failure list
 * is complete success; an identifier that is empty, missing or not in the batch fails the whole batch.
 */
export function classifyResponse(response: unknown, sequenceNumbers: readonly string[]): InvocationOutcome {
  if (response === undefined || response === null) return { kind: 'success' };
  if (!isRecord(response)) return { kind: 'invalid-response', detail: `response is a ${typeof response}` };
  const failures = response.batchItemFailures;
  if (failures === undefined || failures === null) return { kind: 'success' };
  if (!Array.isArray(failures))
    return { kind: 'invalid-response', detail: 'batchItemFailures is not a list' };
  if (failures.length === 0) return { kind: 'success' };
  let firstFailedIndex = Number.POSITIVE_INFINITY;
  for (const failure of failures) {
    const identifier = isRecord(failure) ? failure.itemIdentifier : undefined;
    const index =
      typeof identifier === 'string' && identifier !== '' ? sequenceNumbers.indexOf(identifier) : -1;
    if (index < 0) {
      return { kind: 'invalid-response', detail: 'an itemIdentifier is missing or not in the batch' };
    }
    firstFailedIndex = Math.min(firstFailedIndex, index);
  }
  return { kind: 'partial', firstFailedIndex };
}

export interface ResolvedBatchPolicy {
  readonly bisectBatchOnFunctionError: boolean;
  /** -1: retry until it succeeds. */
  readonly maximumRetryAttempts: number;
  /** -1: no age limit. */
  readonly maximumRecordAgeMs: number;
  readonly retryDelayMs: number;
}

export interface DiscardDetails {
  readonly condition: FailureCondition;
  readonly invokeCount: number;
  readonly functionError: FunctionErrorKind | undefined;
  readonly reason: string;
}

export interface DeliveryPort<T> {
  invoke(records: readonly StreamRecord<T>[]): Promise<InvocationOutcome>;
  /** Every record up to and including this one is done: checkpoint it. */
  acknowledge(record: StreamRecord<T>, count: number): Promise<void>;
  /** Gives up on these records: on-failure destination, then checkpoint. */
  discard(records: readonly StreamRecord<T>[], details: DiscardDetails): Promise<void>;
  /** Waits before a retry; false when the source is stopping. */
  pause(ms: number): Promise<boolean>;
  /** True once the source is stopping: no new invocation starts then. */
  stopping(): boolean;
  now(): number;
}

interface Segment<T> {
  readonly records: readonly StreamRecord<T>[];
  /** Retries already spent on these records. */
  readonly retries: number;
}

const MAX_RETRY_DELAY_MS = 5_000;

function describeOutcome(outcome: Exclude<InvocationOutcome, { kind: 'success' }>): {
  functionError: FunctionErrorKind;
  reason: string;
} {
  switch (outcome.kind) {
    case 'partial':
      return { functionError: 'PartialBatchFailure', reason: 'the handler reported batch item failures' };
    case 'invalid-response':
      return { functionError: 'InvalidResponse', reason: `invalid batch response: ${outcome.detail}` };
    case 'error':
      return outcome.timedOut
        ? { functionError: 'Timeout', reason: 'the handler timed out' }
        : { functionError: 'Unhandled', reason: describeError(outcome.error) };
  }
}

/** Resolves 'stopped' when the source stopped mid-way; the unacknowledged records are then read again. */
export async function deliverBatch<T>(
  records: readonly StreamRecord<T>[],
  policy: ResolvedBatchPolicy,
  port: DeliveryPort<T>,
): Promise<'delivered' | 'stopped'> {
  const pending: Segment<T>[] = [{ records, retries: 0 }];
  const retriesLeft = (retries: number) =>
    policy.maximumRetryAttempts < 0 || retries < policy.maximumRetryAttempts;
  const retryDelay = (retries: number) => Math.min(policy.retryDelayMs * 2 ** retries, MAX_RETRY_DELAY_MS);

  for (let segment = pending.shift(); segment !== undefined; segment = pending.shift()) {
    if (port.stopping()) return 'stopped';
    let current = segment;
    if (policy.maximumRecordAgeMs >= 0) {
      const now = port.now();
      const expired = current.records.findIndex(
        (record) => record.arrivalMs === undefined || now - record.arrivalMs <= policy.maximumRecordAgeMs,
      );
      const expiredCount = expired < 0 ? current.records.length : expired;
      if (expiredCount > 0) {
        await port.discard(current.records.slice(0, expiredCount), {
          condition: 'RecordAgeExceeded',
          invokeCount: current.retries,
          functionError: undefined,
          reason: `records older than ${policy.maximumRecordAgeMs} ms`,
        });
        current = { records: current.records.slice(expiredCount), retries: current.retries };
        if (current.records.length === 0) continue;
      }
    }

    const outcome = await port.invoke(current.records);
    if (outcome.kind === 'success') {
      const last = current.records[current.records.length - 1];
      if (last !== undefined) await port.acknowledge(last, current.records.length);
      continue;
    }

    let retry: readonly StreamRecord<T>[] = current.records;
    if (outcome.kind === 'partial') {
      const done = current.records[outcome.firstFailedIndex - 1];
      if (done !== undefined) await port.acknowledge(done, outcome.firstFailedIndex);
      retry = current.records.slice(outcome.firstFailedIndex);
    }

    const canSplit = outcome.kind === 'error' && policy.bisectBatchOnFunctionError && retry.length > 1;
    if (canSplit) {
      const middle = Math.ceil(retry.length / 2);
      pending.unshift(
        { records: retry.slice(0, middle), retries: current.retries },
        { records: retry.slice(middle), retries: current.retries },
      );
      continue;
    }
    if (!retriesLeft(current.retries)) {
      const { functionError, reason } = describeOutcome(outcome);
      await port.discard(retry, {
        condition: 'RetryAttemptsExhausted',
        invokeCount: current.retries + 1,
        functionError,
        reason,
      });
      continue;
    }
    if (!(await port.pause(retryDelay(current.retries)))) return 'stopped';
    pending.unshift({ records: retry, retries: current.retries + 1 });
  }
  return 'delivered';
}
