import { pino } from 'pino';
import { DynamoDbIncidentStore } from '../../src/adapters/dynamodb/dynamodb-store.ts';
import { DEFAULT_CONFIG } from '../../src/core/config.ts';
import { createKinesisConsumer } from '../../src/runtime/kinesis-consumer.ts';
import { driveBatches, type KinesisHandler } from '../../test/reliability/lambda-driver.ts';
import { createBaselineConsumer } from '../baseline-consumer.ts';
import type { MeterSnapshot } from '../dynamodb-meter.ts';
import { type MeteredClient, startBenchDynamoDb } from '../local-dynamodb.ts';
import { round } from '../stats.ts';
import { buildWorkload, type Workload } from '../workload.ts';

/**
 * Store cost: DynamoDB requests and capacity units per 1,000 events, for our consumer and for the
 * per-record baseline, on the same events against the same DynamoDB Local, each in its own table.
 * Both are driven like Lambda drives them, so retried records are paid for.
 */

export interface ConsumerCost {
  readonly requests: Readonly<Record<string, number>>;
  readonly totalRequests: number;
  readonly queriesByPartition: Readonly<Record<string, number>>;
  /** Capacity units per 1,000 events, by operation. */
  readonly unitsPer1000ByOperation: Readonly<Record<string, number>>;
  readonly requestsPer1000: number;
  readonly readUnitsPer1000: number;
  readonly writeUnitsPer1000: number;
  readonly failedInvocations: number;
  readonly seconds: number;
}

export interface StoreCostResult {
  readonly events: number;
  readonly ours: ConsumerCost;
  readonly baseline: ConsumerCost;
  /** ours / baseline requests: the target is ≤ 0.1. */
  readonly requestRatio: number;
  /** ours / baseline capacity units (reads + writes). */
  readonly capacityRatio: number;
}

async function measure(
  workload: Workload,
  handler: KinesisHandler,
  metered: MeteredClient,
): Promise<ConsumerCost> {
  metered.meter.reset();
  const started = performance.now();
  const report = await driveBatches(handler, workload.batches);
  const seconds = (performance.now() - started) / 1000;
  if (report.discarded.length > 0) throw new Error(`${report.discarded.length} record(s) were given up on`);
  return costOf(metered.meter.snapshot(), workload.records.length, report.failedInvocations, seconds);
}

function costOf(
  snapshot: MeterSnapshot,
  events: number,
  failedInvocations: number,
  seconds: number,
): ConsumerCost {
  const per1000 = (value: number) => round((value * 1000) / events, 1);
  return {
    requests: snapshot.requests,
    totalRequests: snapshot.totalRequests,
    queriesByPartition: snapshot.queriesByPartition,
    unitsPer1000ByOperation: Object.fromEntries(
      Object.entries(snapshot.unitsByOperation).map(([operation, units]) => [operation, per1000(units)]),
    ),
    requestsPer1000: per1000(snapshot.totalRequests),
    readUnitsPer1000: per1000(snapshot.readUnits),
    writeUnitsPer1000: per1000(snapshot.writeUnits),
    failedInvocations,
    seconds: round(seconds, 1),
  };
}

export async function runStoreCost(
  seed: number,
  events: number,
  batchSize: number,
): Promise<StoreCostResult> {
  const workload = buildWorkload(seed, events, batchSize);
  const dynamodb = await startBenchDynamoDb();
  try {
    const oursTable = await dynamodb.createTable('bench-ours');
    const baselineTable = await dynamodb.createTable('bench-baseline');

    const oursClient = dynamodb.meteredClient();
    const store = new DynamoDbIncidentStore({
      client: oursClient.document,
      tableName: oursTable,
      clock: Date.now,
    });
    const consumer = createKinesisConsumer({
      store,
      config: DEFAULT_CONFIG,
      logger: pino({ level: 'silent' }),
      clock: Date.now,
    });
    const ours = await measure(workload, consumer, oursClient);

    const baselineClient = dynamodb.meteredClient();
    const baseline = await measure(
      workload,
      createBaselineConsumer(baselineClient.document, baselineTable),
      baselineClient,
    );
    const capacity = (cost: ConsumerCost) => cost.readUnitsPer1000 + cost.writeUnitsPer1000;
    return {
      events,
      ours,
      baseline,
      requestRatio: round(ours.totalRequests / baseline.totalRequests, 3),
      capacityRatio: round(capacity(ours) / capacity(baseline), 3),
    };
  } finally {
    await dynamodb.stop();
  }
}
