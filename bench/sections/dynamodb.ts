import { pino } from 'pino';
import { DynamoDbIncidentStore } from '../../src/adapters/dynamodb/dynamodb-store.ts';
import { DEFAULT_CONFIG } from '../../src/core/config.ts';
import { createKinesisConsumer } from '../../src/runtime/kinesis-consumer.ts';
import type { WorkloadProfile } from '../../src/workloads/profiles.ts';
import { driveBatches, type KinesisHandler } from '../../test/reliability/lambda-driver.ts';
import { createBaselineConsumer } from '../baseline-consumer.ts';
import type { MeterSnapshot } from '../dynamodb-meter.ts';
import { type MeteredClient, startBenchDynamoDb } from '../local-dynamodb.ts';
import { round } from '../stats.ts';
import { type BenchWorkloadSpec, buildWorkload, type Workload } from '../workload.ts';

/**
 * Store cost: DynamoDB requests and capacity units per 1,000 events, for our consumer and for the
 * per-record baseline, on the same events against the same DynamoDB Local, each in its own table.
 * Both are driven like Lambda drives them, so retried records are paid for. Run once per workload
 * profile. When only a slice of a profile is measured, our table is first fed the events before
 * it (unmetered), so our reads meet the history they would; the baseline is not, because what it
 * pays per record (one read, one conditional write of one bounded item) does not depend on history.
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
  readonly profile: WorkloadProfile;
  readonly workload: string;
  readonly measured: string;
  /** Events fed to our table before the measured ones (unmetered), and how long that took. */
  readonly preloadedEvents: number;
  readonly preloadSeconds: number;
  /** Measured events. */
  readonly events: number;
  readonly ours: ConsumerCost;
  readonly baseline: ConsumerCost;
  /** ours / baseline requests: the target is ≤ 0.1. */
  readonly requestRatio: number;
  /** ours / baseline capacity units (reads + writes). */
  readonly capacityRatio: number;
}

/** Preloading is unmetered: batches as large as Lambda allows, to spend as little time as possible. */
const PRELOAD_BATCH = 10_000;

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

async function preload(workload: Workload, handler: KinesisHandler): Promise<number> {
  const started = performance.now();
  for (const batch of workload.preloadBatches(PRELOAD_BATCH)) {
    const report = await driveBatches(handler, [batch]);
    if (report.discarded.length > 0)
      throw new Error(`${report.discarded.length} preloaded record(s) were given up on`);
  }
  return (performance.now() - started) / 1000;
}

export async function runStoreCost(
  spec: BenchWorkloadSpec,
  seed: number,
  batchSize: number,
): Promise<StoreCostResult> {
  const workload = buildWorkload(spec, seed, batchSize);
  const dynamodb = await startBenchDynamoDb();
  try {
    const oursTable = await dynamodb.createTable('bench-ours');
    const baselineTable = await dynamodb.createTable('bench-baseline');

    // The baseline goes first, on an empty emulator: DynamoDB Local slows down as it fills, and
    // the baseline's one hot item would pay for our preload's thousands of items.
    const baselineClient = dynamodb.meteredClient();
    const baseline = await measure(
      workload,
      createBaselineConsumer(baselineClient.document, baselineTable),
      baselineClient,
    );

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
    const preloadSeconds = await preload(workload, consumer);
    const ours = await measure(workload, consumer, oursClient);
    const capacity = (cost: ConsumerCost) => cost.readUnitsPer1000 + cost.writeUnitsPer1000;
    return {
      profile: workload.profile,
      workload: workload.generated,
      measured: workload.measured,
      preloadedEvents: workload.preloadedEvents,
      preloadSeconds: round(preloadSeconds, 1),
      events: workload.records.length,
      ours,
      baseline,
      requestRatio: round(ours.totalRequests / baseline.totalRequests, 3),
      capacityRatio: round(capacity(ours) / capacity(baseline), 3),
    };
  } finally {
    await dynamodb.stop();
  }
}
