/**
 * Runs in its own process (see sections/memory.ts), so its peak RSS is the batch's and nothing
 * else's: reads one Kinesis event from a file, as the Lambda runtime hands it over, runs it
 * through the consumer once and prints its memory figures as one JSON line on stdout.
 */

import { readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import type { KinesisStreamEvent } from 'aws-lambda';
import { pino } from 'pino';
import { MemoryIncidentStore } from '../src/adapters/memory-store.ts';
import { DEFAULT_CONFIG } from '../src/core/config.ts';
import { createKinesisConsumer } from '../src/runtime/kinesis-consumer.ts';

const MIB = 1024 * 1024;

function isKinesisEvent(value: unknown): value is KinesisStreamEvent {
  return typeof value === 'object' && value !== null && 'Records' in value && Array.isArray(value.Records);
}

async function main(file: string | undefined): Promise<void> {
  if (file === undefined) throw new Error('usage: memory-child.ts <kinesis-event.json>');
  const event: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!isKinesisEvent(event)) throw new Error(`${file} is not a Kinesis event`);
  const before = process.memoryUsage();
  // The in-memory store keeps every signal and incident it is given, so this overstates what the
  // DynamoDB store (which writes them away) holds: the figure is an upper bound.
  const consumer = createKinesisConsumer({
    store: new MemoryIncidentStore(),
    config: DEFAULT_CONFIG,
    logger: pino({ level: 'silent' }),
    clock: Date.now,
  });
  const started = performance.now();
  const response = await consumer(event);
  const ms = performance.now() - started;
  const after = process.memoryUsage();
  const heap = getHeapStatistics();
  process.stdout.write(
    `${JSON.stringify({
      records: event.Records.length,
      failures: response.batchItemFailures.length,
      ms,
      rssBeforeMiB: before.rss / MIB,
      heapUsedBeforeMiB: before.heapUsed / MIB,
      // maxRSS is in KiB: the high-water mark of the whole process life.
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
      heapUsedAfterMiB: after.heapUsed / MIB,
      heapTotalAfterMiB: after.heapTotal / MIB,
      peakMallocedMiB: heap.peak_malloced_memory / MIB,
    })}\n`,
  );
}

await main(process.argv[2]);
