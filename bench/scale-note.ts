import type { CoreResult } from './sections/core.ts';
import type { DynamoDbResult } from './sections/dynamodb.ts';
import { round } from './stats.ts';

/**
 * From the measured per-event costs to shards, parallelization factor and dollars per million
 * events on AWS. Every price and rate below is an assumption stated in the output (us-east-1
 * list prices, on-demand DynamoDB, provisioned Kinesis, x86 Lambda at serverless.yml's 1024 MB).
 */

export const ASSUMPTIONS = {
  lambdaMemoryMb: 1024,
  /** Lambda gives one full vCPU at 1,769 MB and CPU in proportion below it. */
  fullVcpuMemoryMb: 1769,
  lambdaPricePerGbSecond: 0.0000166667,
  lambdaPricePerMillionInvocations: 0.2,
  batchSize: 500,
  /** A DynamoDB request's round trip inside a region, and how many the consumer keeps in flight. */
  dynamodbRequestMs: 6,
  dynamodbRequestsInFlight: 8,
  dynamodbPricePerMillionWriteUnits: 0.625,
  dynamodbPricePerMillionReadUnits: 0.125,
  kinesisPricePerShardHour: 0.015,
  kinesisPricePerMillionPutUnits: 0.014,
  kinesisRecordsPerShardPerSecond: 1_000,
  kinesisBytesPerShardPerSecond: 1_048_576,
  maxParallelizationFactor: 10,
} as const;

export interface ScaleRow {
  readonly eventsPerSecond: number;
  readonly shards: number;
  readonly parallelizationFactor: number;
  /** Concurrent consumer invocations needed to keep up. */
  readonly concurrency: number;
  readonly lambdaPerMillion: number;
  readonly dynamodbPerMillion: number;
  readonly kinesisPerMillion: number;
  readonly totalPerMillion: number;
}

export interface ScaleNote {
  readonly secondsPerEventOnLambda: number;
  readonly rows: readonly ScaleRow[];
  readonly assumptions: typeof ASSUMPTIONS;
}

const RATES = [10, 100, 1_000, 5_000] as const;

export function scaleNote(core: CoreResult, store: DynamoDbResult): ScaleNote {
  const avgEventBytes = core.avgEventBytes;
  const a = ASSUMPTIONS;
  // The slower of the first and the last tenth of the core run: what a long-lived scope costs.
  const cpuSeconds =
    1 / Math.min(core.throughput.firstTenthEventsPerSecond, core.throughput.lastTenthEventsPerSecond);
  const cpuSecondsOnLambda = cpuSeconds * (a.fullVcpuMemoryMb / a.lambdaMemoryMb);
  const ioSecondsPerEvent =
    ((store.ours.requestsPer1000 / 1000) * a.dynamodbRequestMs) / 1000 / a.dynamodbRequestsInFlight;
  const secondsPerEvent = cpuSecondsOnLambda + ioSecondsPerEvent;

  const lambdaPerMillion =
    1_000_000 * secondsPerEvent * (a.lambdaMemoryMb / 1024) * a.lambdaPricePerGbSecond +
    (1_000_000 / a.batchSize / 1_000_000) * a.lambdaPricePerMillionInvocations;
  const dynamodbPerMillion =
    (store.ours.writeUnitsPer1000 * 1000 * a.dynamodbPricePerMillionWriteUnits) / 1_000_000 +
    (store.ours.readUnitsPer1000 * 1000 * a.dynamodbPricePerMillionReadUnits) / 1_000_000;
  // A PUT payload unit is 25 KB: every event here is one unit.
  const putUnitsPerEvent = Math.max(1, Math.ceil(avgEventBytes / 25_600));

  const rows = RATES.map((rate): ScaleRow => {
    const concurrency = Math.max(1, Math.ceil(rate * secondsPerEvent));
    const ingestShards = Math.max(
      Math.ceil(rate / a.kinesisRecordsPerShardPerSecond),
      Math.ceil((rate * avgEventBytes) / a.kinesisBytesPerShardPerSecond),
      1,
    );
    // Beyond ten consumers per shard, more shards are the only way to more concurrency.
    const shards = Math.max(ingestShards, Math.ceil(concurrency / a.maxParallelizationFactor));
    const parallelizationFactor = Math.min(a.maxParallelizationFactor, Math.ceil(concurrency / shards));
    const hoursPerMillion = 1_000_000 / rate / 3600;
    const kinesisPerMillion =
      shards * a.kinesisPricePerShardHour * hoursPerMillion +
      putUnitsPerEvent * a.kinesisPricePerMillionPutUnits;
    return {
      eventsPerSecond: rate,
      shards,
      parallelizationFactor,
      concurrency,
      lambdaPerMillion: round(lambdaPerMillion, 2),
      dynamodbPerMillion: round(dynamodbPerMillion, 2),
      kinesisPerMillion: round(kinesisPerMillion, 2),
      totalPerMillion: round(lambdaPerMillion + dynamodbPerMillion + kinesisPerMillion, 2),
    };
  });
  return { secondsPerEventOnLambda: round(secondsPerEvent * 1_000_000, 0) / 1_000_000, rows, assumptions: a };
}
