import type { Logger } from 'pino';
import { sleep } from '../../sleep.ts';
import {
  classifyResponse,
  type DeliveryPort,
  deliverBatch,
  type InvocationOutcome,
  type ResolvedBatchPolicy,
} from './batch-delivery.ts';
import type { CheckpointStore } from './checkpoint-store.ts';
import { type BatchInfoKey, describeError, type FailedBatch } from './on-failure.ts';
import type {
  BatchPolicy,
  EventSource,
  EventSourceStats,
  IteratorPosition,
  PollingOptions,
  ShardInfo,
  ShardReader,
  StartingPosition,
  StreamBatchHandler,
  StreamRecord,
} from './types.ts';

/**
 * A local event source mapping over any stream a `ShardReader` can read: one worker per shard
 * reads records in order and hands them to the handler in batches (one batch in flight per shard,
 * shards in parallel), applies Lambda's retry, bisect and on-failure rules (batch-delivery.ts),
 * and checkpoints what is done. Children of a split or rolled-over shard start once their parent
 * has been read to its end, as Lambda does.
 */

export interface StreamEventSourceOptions<T> extends BatchPolicy, PollingOptions {
  /** Names the mapping in logs. */
  readonly name: string;
  readonly reader: ShardReader<T>;
  readonly handler: StreamBatchHandler<T>;
  /** Records it rejects never reach the handler (Lambda filter criteria). */
  readonly filter?: (record: T) => boolean;
  readonly checkpoints: CheckpointStore;
  readonly onFailure: (failed: FailedBatch) => Promise<void>;
  readonly batchInfoKey: BatchInfoKey;
  /** Stands for the function in on-failure records. */
  readonly functionArn: string;
  readonly logger: Logger;
}

const DEFAULTS = {
  batchSize: 100,
  maximumBatchingWindowMs: 0,
  bisectBatchOnFunctionError: true,
  maximumRetryAttempts: 3,
  maximumRecordAgeMs: -1,
  functionTimeoutMs: 60_000,
  retryDelayMs: 100,
  startingPosition: 'TRIM_HORIZON' as StartingPosition,
  pollIntervalMs: 250,
  shardRefreshIntervalMs: 5_000,
};
const ERROR_BACKOFF_MIN_MS = 200;
const ERROR_BACKOFF_MAX_MS = 5_000;
const IDLE_CHECK_MS = 10;
const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
const TIMED_OUT = Symbol('timed out');

/** A sleep that a `wake()` ends early, so `whenIdle()` need not wait out a poll interval. */
class WakeableSleep {
  #wake: (() => void) | undefined;

  async sleep(ms: number, signal: AbortSignal): Promise<void> {
    const woken = new Promise<void>((resolve) => {
      this.#wake = resolve;
    });
    await Promise.race([sleep(ms, signal), woken]);
    this.#wake = undefined;
  }

  wake(): void {
    this.#wake?.();
  }
}

interface ShardWorker {
  readonly shard: ShardInfo;
  finished: boolean;
  /** The epoch at which the worker last started a poll that found the shard empty, with nothing pending. */
  idleEpoch: number;
  readonly wakeable: WakeableSleep;
  done: Promise<void>;
}

export class StreamEventSource<T> implements EventSource {
  readonly #options: StreamEventSourceOptions<T>;
  readonly #policy: ResolvedBatchPolicy;
  readonly #batchSize: number;
  readonly #abort = new AbortController();
  readonly #workers = new Map<string, ShardWorker>();
  #checkpoints: ReadonlyMap<string, string> = new Map();
  #epoch = 0;
  #started: Promise<void> | undefined;
  #refreshLoop: Promise<void> | undefined;
  readonly #refreshWake = new WakeableSleep();
  #stopping: Promise<void> | undefined;
  readonly #stats = {
    invocations: 0,
    functionErrors: 0,
    partialFailures: 0,
    recordsSucceeded: 0,
    recordsDiscarded: 0,
    recordsFiltered: 0,
  };

  constructor(options: StreamEventSourceOptions<T>) {
    this.#options = options;
    this.#batchSize = Math.max(1, options.batchSize ?? DEFAULTS.batchSize);
    this.#policy = {
      bisectBatchOnFunctionError: options.bisectBatchOnFunctionError ?? DEFAULTS.bisectBatchOnFunctionError,
      maximumRetryAttempts: options.maximumRetryAttempts ?? DEFAULTS.maximumRetryAttempts,
      maximumRecordAgeMs: options.maximumRecordAgeMs ?? DEFAULTS.maximumRecordAgeMs,
      retryDelayMs: options.retryDelayMs ?? DEFAULTS.retryDelayMs,
    };
  }

  /** Loads checkpoints and starts a worker per shard; resolves once the shards are known. */
  start(): Promise<void> {
    this.#started ??= (async () => {
      this.#checkpoints = await this.#options.checkpoints.load(this.#options.reader.sourceArn);
      await this.#refreshShards();
      this.#refreshLoop = this.#refreshShardsPeriodically();
      this.#options.logger.info(
        { source: this.#options.name, shards: this.#workers.size, resumed: this.#checkpoints.size },
        'event source mapping started',
      );
    })();
    return this.#started;
  }

  stats(): EventSourceStats {
    return { ...this.#stats };
  }

  async whenIdle(options: { readonly timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    const deadline = Date.now() + timeoutMs;
    await this.start();
    this.#epoch += 1;
    const target = this.#epoch;
    for (const worker of this.#workers.values()) worker.wakeable.wake();
    for (;;) {
      if (this.#abort.signal.aborted) throw new Error(`Event source ${this.#options.name} stopped`);
      const busy = [...this.#workers.values()].filter(
        (worker) => !worker.finished && worker.idleEpoch < target,
      );
      if (busy.length === 0) return;
      if (Date.now() >= deadline) {
        const shards = busy.map((worker) => worker.shard.shardId).join(', ');
        throw new Error(
          `Event source ${this.#options.name} not idle within ${timeoutMs} ms (busy: ${shards})`,
        );
      }
      await sleep(IDLE_CHECK_MS);
    }
  }

  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#abort.abort();
      for (const worker of this.#workers.values()) worker.wakeable.wake();
      this.#refreshWake.wake();
      await this.#started?.catch(() => undefined);
      await this.#refreshLoop;
      await Promise.all([...this.#workers.values()].map((worker) => worker.done));
      this.#options.logger.info(
        { source: this.#options.name, ...this.#stats },
        'event source mapping stopped',
      );
    })();
    return this.#stopping;
  }

  async #refreshShardsPeriodically(): Promise<void> {
    const interval = this.#options.shardRefreshIntervalMs ?? DEFAULTS.shardRefreshIntervalMs;
    while (!this.#abort.signal.aborted) {
      await this.#refreshWake.sleep(interval, this.#abort.signal);
      if (this.#abort.signal.aborted) return;
      try {
        await this.#refreshShards();
      } catch (error) {
        this.#options.logger.warn({ source: this.#options.name, err: error }, 'listing shards failed');
      }
    }
  }

  async #refreshShards(): Promise<void> {
    const shards = await this.#options.reader.listShards(this.#abort.signal);
    const listed = new Set(shards.map((shard) => shard.shardId));
    let startedOne = true;
    // Parents first: a child starts in the same pass once its parent is finished or gone.
    while (startedOne && !this.#abort.signal.aborted) {
      startedOne = false;
      for (const shard of shards) {
        if (this.#workers.has(shard.shardId)) continue;
        const parent = shard.parentShardId;
        const parentPending =
          parent !== undefined && listed.has(parent) && !(this.#workers.get(parent)?.finished ?? false);
        if (parentPending) continue;
        this.#startWorker(shard);
        startedOne = true;
      }
    }
  }

  #startWorker(shard: ShardInfo): void {
    const worker: ShardWorker = {
      shard,
      finished: false,
      idleEpoch: -1,
      wakeable: new WakeableSleep(),
      done: Promise.resolve(),
    };
    this.#workers.set(shard.shardId, worker);
    worker.done = this.#runWorker(worker).catch((error: unknown) => {
      this.#options.logger.error(
        { source: this.#options.name, shardId: shard.shardId, err: error },
        'shard worker failed',
      );
    });
  }

  async #acquireIterator(shardId: string, lastRead: string | undefined): Promise<string | undefined> {
    const { reader, logger } = this.#options;
    const signal = this.#abort.signal;
    const after = lastRead ?? this.#checkpoints.get(shardId);
    const start: IteratorPosition = { type: this.#options.startingPosition ?? DEFAULTS.startingPosition };
    let position: IteratorPosition =
      after === undefined ? start : { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: after };
    for (let failures = 0; !signal.aborted; failures += 1) {
      try {
        return await reader.shardIterator(shardId, position, signal);
      } catch (error) {
        if (signal.aborted) return undefined;
        if (position.type === 'AFTER_SEQUENCE_NUMBER' && isClientError(error)) {
          // The checkpoint names a record the stream no longer has (trimmed, or a recreated stream).
          logger.warn(
            { source: this.#options.name, shardId, err: error },
            'checkpoint unusable, reading from the start',
          );
          position = { type: 'TRIM_HORIZON' };
          continue;
        }
        logger.warn(
          { source: this.#options.name, shardId, err: error },
          'getting a shard iterator failed, retrying',
        );
        await sleep(backoff(failures), signal);
      }
    }
    return undefined;
  }

  async #runWorker(worker: ShardWorker): Promise<void> {
    const { reader, logger } = this.#options;
    const shardId = worker.shard.shardId;
    const signal = this.#abort.signal;
    const windowMs = this.#options.maximumBatchingWindowMs ?? DEFAULTS.maximumBatchingWindowMs;
    const pollIntervalMs = this.#options.pollIntervalMs ?? DEFAULTS.pollIntervalMs;
    const buffer: StreamRecord<T>[] = [];
    let lastRead: string | undefined;
    let windowStartedAt: number | undefined;
    let failures = 0;
    let iterator: string | undefined;
    let closed = false;

    while (!signal.aborted) {
      if (!closed && iterator === undefined) {
        iterator = await this.#acquireIterator(shardId, lastRead);
        if (signal.aborted) break;
        // No iterator without an error: the shard is closed and has nothing after this position.
        if (iterator === undefined) closed = true;
      }
      const epochAtPoll = this.#epoch;
      let caughtUp = closed;
      if (!closed && iterator !== undefined) {
        try {
          const page = await reader.readPage(
            shardId,
            iterator,
            Math.max(1, this.#batchSize - buffer.length),
            signal,
          );
          failures = 0;
          caughtUp = page.caughtUp;
          closed = page.nextIterator === undefined;
          iterator = page.nextIterator;
          let filtered = 0;
          for (const record of page.records) {
            lastRead = record.sequenceNumber;
            if (this.#accepts(record.payload)) buffer.push(record);
            else filtered += 1;
          }
          this.#stats.recordsFiltered += filtered;
          if (buffer.length === 0 && filtered > 0 && lastRead !== undefined)
            await this.#checkpoint(shardId, lastRead);
        } catch (error) {
          if (signal.aborted) break;
          if (!reader.isExpiredIterator(error)) {
            logger.warn(
              { source: this.#options.name, shardId, err: error },
              'reading the shard failed, retrying',
            );
            await sleep(backoff(failures), signal);
            failures += 1;
          }
          iterator = undefined;
          continue;
        }
      }

      if (buffer.length > 0) windowStartedAt ??= Date.now();
      const windowOver =
        windowMs <= 0 ||
        closed ||
        (windowStartedAt !== undefined && Date.now() - windowStartedAt >= windowMs);
      if (buffer.length >= this.#batchSize || (buffer.length > 0 && windowOver)) {
        while (buffer.length >= this.#batchSize || (buffer.length > 0 && windowOver)) {
          const batch = buffer.splice(0, this.#batchSize);
          const result = await deliverBatch(batch, this.#policy, this.#deliveryPort(shardId));
          if (result === 'stopped') return;
        }
        windowStartedAt = buffer.length > 0 ? Date.now() : undefined;
        continue;
      }
      if (closed && buffer.length === 0) {
        worker.finished = true;
        logger.info({ source: this.#options.name, shardId }, 'shard read to its end');
        this.#refreshWake.wake();
        return;
      }
      if (caughtUp) {
        if (buffer.length === 0) worker.idleEpoch = epochAtPoll;
        const remainingWindow =
          windowStartedAt === undefined ? pollIntervalMs : windowMs - (Date.now() - windowStartedAt);
        await worker.wakeable.sleep(Math.max(1, Math.min(pollIntervalMs, remainingWindow)), signal);
      }
    }
  }

  /** Like Lambda's filter criteria, a filter cannot fail a batch: a throwing predicate drops the record. */
  #accepts(record: T): boolean {
    const { filter } = this.#options;
    if (filter === undefined) return true;
    try {
      return filter(record);
    } catch (error) {
      this.#options.logger.warn({ source: this.#options.name, reason: describeError(error) }, 'filter threw');
      return false;
    }
  }

  async #checkpoint(shardId: string, sequenceNumber: string): Promise<void> {
    try {
      await this.#options.checkpoints.save(shardId, sequenceNumber);
    } catch (error) {
      // Losing a checkpoint only means records are delivered again after a restart.
      this.#options.logger.warn({ source: this.#options.name, shardId, err: error }, 'checkpoint not saved');
    }
  }

  async #invoke(records: readonly StreamRecord<T>[]): Promise<InvocationOutcome> {
    this.#stats.invocations += 1;
    const event = { Records: records.map((record) => structuredClone(record.payload)) };
    const timeoutMs = this.#options.functionTimeoutMs ?? DEFAULTS.functionTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), timeoutMs);
    });
    try {
      const response = await Promise.race([
        Promise.resolve().then(() => this.#options.handler(event)),
        timeout,
      ]);
      if (response === TIMED_OUT) {
        this.#stats.functionErrors += 1;
        return { kind: 'error', error: new Error(`handler timed out after ${timeoutMs} ms`), timedOut: true };
      }
      const outcome = classifyResponse(
        response,
        records.map((record) => record.sequenceNumber),
      );
      if (outcome.kind !== 'success') this.#stats.partialFailures += 1;
      return outcome;
    } catch (error) {
      this.#stats.functionErrors += 1;
      this.#options.logger.warn(
        { source: this.#options.name, records: records.length, reason: describeError(error) },
        'handler threw',
      );
      return { kind: 'error', error, timedOut: false };
    } finally {
      clearTimeout(timer);
    }
  }

  #deliveryPort(shardId: string): DeliveryPort<T> {
    return {
      invoke: (records) => this.#invoke(records),
      acknowledge: async (record, count) => {
        this.#stats.recordsSucceeded += count;
        await this.#checkpoint(shardId, record.sequenceNumber);
      },
      discard: async (records, details) => {
        const first = records[0];
        const last = records[records.length - 1];
        if (first === undefined || last === undefined) return;
        this.#stats.recordsDiscarded += records.length;
        const isoOrUndefined = (ms: number | undefined) =>
          ms === undefined ? undefined : new Date(ms).toISOString();
        await this.#options.onFailure({
          batchInfoKey: this.#options.batchInfoKey,
          functionArn: this.#options.functionArn,
          condition: details.condition,
          invokeCount: details.invokeCount,
          functionError: details.functionError,
          reason: details.reason,
          batch: {
            shardId,
            startSequenceNumber: first.sequenceNumber,
            endSequenceNumber: last.sequenceNumber,
            approximateArrivalOfFirstRecord: isoOrUndefined(first.arrivalMs),
            approximateArrivalOfLastRecord: isoOrUndefined(last.arrivalMs),
            batchSize: records.length,
            streamArn: this.#options.reader.sourceArn,
          },
        });
        await this.#checkpoint(shardId, last.sequenceNumber);
      },
      pause: async (ms) => {
        await sleep(ms, this.#abort.signal);
        return !this.#abort.signal.aborted;
      },
      stopping: () => this.#abort.signal.aborted,
      now: () => Date.now(),
    };
  }
}

function backoff(failures: number): number {
  return Math.min(ERROR_BACKOFF_MIN_MS * 2 ** failures, ERROR_BACKOFF_MAX_MS);
}

function isClientError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('$fault' in error)) return false;
  const name = error instanceof Error ? error.name : '';
  return error.$fault === 'client' && !/Throttl|LimitExceeded/.test(name);
}
