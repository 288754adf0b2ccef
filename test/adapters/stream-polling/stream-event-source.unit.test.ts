import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  FileCheckpointStore,
  MemoryCheckpointStore,
} from '../../../src/adapters/stream-polling/checkpoint-store.ts';
import type { FailedBatch } from '../../../src/adapters/stream-polling/on-failure.ts';
import {
  StreamEventSource,
  type StreamEventSourceOptions,
} from '../../../src/adapters/stream-polling/stream-event-source.ts';
import type { ShardReader, StreamBatchHandler } from '../../../src/adapters/stream-polling/types.ts';
import { temporaryDirectory, testLogger } from '../../local/helpers.ts';

/** An in-memory stream: shards of string records; iterators are "<shard>@<index>". */
class FakeStream {
  readonly shards = new Map<string, { parent?: string; records: string[]; closed: boolean }>();

  addShard(shardId: string, records: string[], options: { parent?: string; closed?: boolean } = {}): void {
    this.shards.set(shardId, {
      records,
      closed: options.closed ?? false,
      ...(options.parent === undefined ? {} : { parent: options.parent }),
    });
  }

  append(shardId: string, ...records: string[]): void {
    this.shards.get(shardId)?.records.push(...records);
  }

  reader(): ShardReader<string> {
    const sequence = (index: number) => String(index).padStart(6, '0');
    return {
      sourceArn: 'arn:fake:stream',
      listShards: async () =>
        [...this.shards].map(([shardId, shard]) => ({
          shardId,
          ...(shard.parent === undefined ? {} : { parentShardId: shard.parent }),
        })),
      shardIterator: async (shardId, position) => {
        const shard = this.shards.get(shardId);
        if (shard === undefined) throw new Error(`no shard ${shardId}`);
        const start =
          position.type === 'TRIM_HORIZON'
            ? 0
            : position.type === 'LATEST'
              ? shard.records.length
              : Number(position.sequenceNumber) + 1;
        return `${shardId}@${start}`;
      },
      readPage: async (shardId, iterator, limit) => {
        const shard = this.shards.get(shardId);
        if (shard === undefined) throw new Error(`no shard ${shardId}`);
        const start = Number(iterator.split('@')[1]);
        const page = shard.records.slice(start, start + limit);
        const end = start + page.length;
        return {
          records: page.map((payload, offset) => ({
            sequenceNumber: sequence(start + offset),
            arrivalMs: Date.now(),
            payload,
          })),
          nextIterator: shard.closed && end >= shard.records.length ? undefined : `${shardId}@${end}`,
          caughtUp: end >= shard.records.length,
        };
      },
      isExpiredIterator: () => false,
    };
  }
}

const scratch = temporaryDirectory('event-source-unit');
const running: StreamEventSource<string>[] = [];
afterAll(async () => {
  await Promise.all(running.map((source) => source.stop()));
  scratch.remove();
});

async function startSource(
  stream: FakeStream,
  handler: StreamBatchHandler<string>,
  options: Partial<StreamEventSourceOptions<string>> = {},
): Promise<{ source: StreamEventSource<string>; failed: FailedBatch[] }> {
  const failed: FailedBatch[] = [];
  const source = new StreamEventSource<string>({
    name: 'test',
    reader: stream.reader(),
    handler,
    checkpoints: new MemoryCheckpointStore(),
    onFailure: async (batch) => {
      failed.push(batch);
    },
    batchInfoKey: 'KinesisBatchInfo',
    functionArn: 'arn:fake:function',
    logger: testLogger(),
    pollIntervalMs: 1_000,
    retryDelayMs: 1,
    ...options,
  });
  running.push(source);
  await source.start();
  return { source, failed };
}

describe('the generic stream event source', () => {
  it('delivers every shard in order, in batches of at most batchSize, and whenIdle sees late records', async () => {
    const stream = new FakeStream();
    stream.addShard('s0', ['a1', 'a2', 'a3']);
    stream.addShard('s1', ['b1']);
    const batches: string[][] = [];
    const { source } = await startSource(
      stream,
      async (event) => {
        batches.push(event.Records);
      },
      { batchSize: 2 },
    );
    await source.whenIdle({ timeoutMs: 5_000 });
    expect(batches.filter((batch) => batch[0]?.startsWith('a'))).toEqual([['a1', 'a2'], ['a3']]);
    expect(batches.filter((batch) => batch[0]?.startsWith('b'))).toEqual([['b1']]);

    // Appended after the shards went idle (a 1 s poll interval): whenIdle must poll again, not trust old state.
    stream.append('s1', 'b2');
    await source.whenIdle({ timeoutMs: 5_000 });
    expect(batches.at(-1)).toEqual(['b2']);
    expect(source.stats()).toMatchObject({ invocations: 4, recordsSucceeded: 5, functionErrors: 0 });
  });

  it('starts a child shard only after its parent was read to its end', async () => {
    const stream = new FakeStream();
    stream.addShard('child', ['c1']);
    stream.addShard('parent', ['p1', 'p2'], { closed: true });
    stream.shards.set('child', { parent: 'parent', records: ['c1'], closed: false });
    const delivered: string[] = [];
    const { source } = await startSource(
      stream,
      async (event) => {
        delivered.push(...event.Records);
      },
      { shardRefreshIntervalMs: 10_000 },
    );
    await source.whenIdle({ timeoutMs: 5_000 });
    expect(delivered).toEqual(['p1', 'p2', 'c1']);
  });

  it('keeps filtered records from the handler and counts them', async () => {
    const stream = new FakeStream();
    stream.addShard('s0', ['keep-1', 'drop-1', 'keep-2']);
    const delivered: string[] = [];
    const { source } = await startSource(
      stream,
      async (event) => {
        delivered.push(...event.Records);
      },
      { filter: (record) => record.startsWith('keep') },
    );
    await source.whenIdle({ timeoutMs: 5_000 });
    expect(delivered).toEqual(['keep-1', 'keep-2']);
    expect(source.stats().recordsFiltered).toBe(1);
  });

  it('treats a handler that outlives its timeout as a function error', async () => {
    const stream = new FakeStream();
    stream.addShard('s0', ['slow']);
    const { source, failed } = await startSource(stream, () => new Promise(() => undefined), {
      functionTimeoutMs: 20,
      maximumRetryAttempts: 1,
    });
    await source.whenIdle({ timeoutMs: 5_000 });
    expect(
      failed.map((batch) => [batch.functionError, batch.invokeCount, batch.batch.startSequenceNumber]),
    ).toEqual([['Timeout', 2, '000000']]);
  });

  it('gathers records for the batching window into one invocation', async () => {
    const stream = new FakeStream();
    stream.addShard('s0', ['w1']);
    const batches: string[][] = [];
    const { source } = await startSource(
      stream,
      async (event) => {
        batches.push(event.Records);
      },
      { maximumBatchingWindowMs: 300, pollIntervalMs: 20 },
    );
    stream.append('s0', 'w2');
    await source.whenIdle({ timeoutMs: 5_000 });
    expect(batches).toEqual([['w1', 'w2']]);
  });

  it('resumes after its checkpoint when started again', async () => {
    const stream = new FakeStream();
    stream.addShard('s0', ['r1', 'r2']);
    const file = path.join(scratch.path, 'checkpoints.json');
    const first: string[] = [];
    const firstRun = await startSource(
      stream,
      async (event) => {
        first.push(...event.Records);
      },
      { checkpoints: new FileCheckpointStore(file) },
    );
    await firstRun.source.whenIdle({ timeoutMs: 5_000 });
    await firstRun.source.stop();

    stream.append('s0', 'r3');
    const second: string[] = [];
    const secondRun = await startSource(
      stream,
      async (event) => {
        second.push(...event.Records);
      },
      { checkpoints: new FileCheckpointStore(file) },
    );
    await secondRun.source.whenIdle({ timeoutMs: 5_000 });
    expect(first).toEqual(['r1', 'r2']);
    expect(second).toEqual(['r3']);
  });

  it('rejects whenIdle once stopped', async () => {
    const stream = new FakeStream();
    stream.addShard('s0', []);
    const { source } = await startSource(stream, async () => undefined);
    await source.stop();
    await expect(source.whenIdle({ timeoutMs: 1_000 })).rejects.toThrow(/stopped/);
  });
});
