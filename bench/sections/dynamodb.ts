import type { KinesisStreamRecord } from 'aws-lambda';
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
import {
  type BatchSample,
  comparableBatches,
  type TenthMeans,
  type TenthThroughput,
  tenthMeans,
  tenthsOf,
  tenthThroughput,
} from '../tenths.ts';
import { type BenchWorkloadSpec, buildWorkload, type Workload } from '../workload.ts';

/**
 * The real DynamoDB store through the real consumer, on DynamoDB Local, batch by batch: events/s
 * over the first and the last tenth of the batches, the bytes and read units each batch's reads
 * cost (flat means the last tenth reads what the first did), and DynamoDB requests and capacity
 * units per 1,000 events against the per-record baseline (Powertools), each in its own table.
 * Both consumers are driven like Lambda drives them, so retried records are paid for.
 *
 * The baseline pays the same per record whatever the history (one read, one conditional write of
 * one bounded item), and at two requests per event it is the slow part on DynamoDB Local: it is
 * measured on the first `baselineEvents` of the measured events and compared per 1,000 events.
 * Its items are still small early on, so a prefix if anything understates its capacity units.
 */

export interface ConsumerCost {
  /** Events this consumer was measured on (the baseline: a prefix of ours, when it is capped). */
  readonly events: number;
  readonly batches: number;
  /** HTTP requests per operation, SDK retries included. */
  readonly requests: Readonly<Record<string, number>>;
  readonly totalRequests: number;
  readonly queriesByPartition: Readonly<Record<string, number>>;
  /** Capacity units per 1,000 events, by operation. */
  readonly unitsPer1000ByOperation: Readonly<Record<string, number>>;
  readonly requestsPer1000: number;
  readonly readUnitsPer1000: number;
  readonly writeUnitsPer1000: number;
  /** Read + write units per 1,000 events (as DynamoDB reports them: transactional writes at twice the plain units). */
  readonly capacityUnitsPer1000: number;
  readonly readBytesPer1000: number;
  /** Invocations that failed and were retried, as Lambda would. */
  readonly failedInvocations: number;
  readonly seconds: number;
}

export interface DynamoDbResult {
  readonly profile: WorkloadProfile;
  readonly workload: string;
  readonly measured: string;
  /** Events fed to our table before the measured ones (unmetered), and how long that took. */
  readonly preloadedEvents: number;
  readonly preloadSeconds: number;
  /** Measured events (ours) and their batches. */
  readonly events: number;
  readonly batches: number;
  readonly ours: ConsumerCost;
  readonly baseline: ConsumerCost;
  /** True when the baseline ran on fewer events than ours (its figures are per 1,000 events). */
  readonly baselineIsPrefix: boolean;
  /** Ours, wall clock per batch on DynamoDB Local (the emulator's own speed included). */
  readonly throughput: TenthThroughput;
  /** Response bytes of our reads per batch: flat when last / first ≈ 1 (target ≤ 1.25). */
  readonly bytesReadPerBatch: TenthMeans;
  readonly readUnitsPerBatch: TenthMeans;
  readonly requestsPerBatch: TenthMeans;
  /** FAILED runs in the first and the last tenth: an outage in one tenth only makes it read more, history or not. */
  readonly failedRunsFirstTenth: number;
  readonly failedRunsLastTenth: number;
  /** ours / baseline requests per 1,000 events: the target is ≤ 0.05. */
  readonly requestRatio: number;
  /** ours / baseline capacity units (reads + writes) per 1,000 events: the target is ≤ 0.1. */
  readonly capacityRatio: number;
}

/** Preloading is unmetered: batches as large as Lambda allows, to spend as little time as possible. */
const PRELOAD_BATCH = 10_000;

interface BatchCost extends BatchSample {
  readonly requests: number;
  readonly readUnits: number;
  readonly readBytes: number;
}

interface Measurement {
  readonly cost: ConsumerCost;
  readonly perBatch: readonly BatchCost[];
}

/** Drives the batches one at a time, so each batch's time, requests and reads are its own. */
async function measure(
  batches: readonly (readonly KinesisStreamRecord[])[],
  handler: KinesisHandler,
  metered: MeteredClient,
): Promise<Measurement> {
  metered.meter.reset();
  const perBatch: BatchCost[] = [];
  let failedInvocations = 0;
  let before = metered.meter.snapshot();
  for (const batch of batches) {
    const started = performance.now();
    const report = await driveBatches(handler, [batch]);
    const ms = performance.now() - started;
    if (report.discarded.length > 0) throw new Error(`${report.discarded.length} record(s) were given up on`);
    failedInvocations += report.failedInvocations;
    const after = metered.meter.snapshot();
    perBatch.push({
      events: batch.length,
      ms,
      requests: after.totalRequests - before.totalRequests,
      readUnits: after.readUnits - before.readUnits,
      readBytes: after.readBytes - before.readBytes,
    });
    before = after;
  }
  const events = perBatch.reduce((sum, batch) => sum + batch.events, 0);
  const seconds = perBatch.reduce((sum, batch) => sum + batch.ms, 0) / 1000;
  return {
    cost: costOf(metered.meter.snapshot(), events, batches.length, failedInvocations, seconds),
    perBatch,
  };
}

function costOf(
  snapshot: MeterSnapshot,
  events: number,
  batches: number,
  failedInvocations: number,
  seconds: number,
): ConsumerCost {
  const per1000 = (value: number) => round((value * 1000) / events, 1);
  return {
    events,
    batches,
    requests: snapshot.requests,
    totalRequests: snapshot.totalRequests,
    queriesByPartition: snapshot.queriesByPartition,
    unitsPer1000ByOperation: Object.fromEntries(
      Object.entries(snapshot.unitsByOperation).map(([operation, units]) => [operation, per1000(units)]),
    ),
    requestsPer1000: per1000(snapshot.totalRequests),
    readUnitsPer1000: per1000(snapshot.readUnits),
    writeUnitsPer1000: per1000(snapshot.writeUnits),
    capacityUnitsPer1000: per1000(snapshot.readUnits + snapshot.writeUnits),
    readBytesPer1000: per1000(snapshot.readBytes),
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

/** The whole batches from the start that hold at least `events` events (all, if fewer). */
function leadingBatches(
  batches: readonly (readonly KinesisStreamRecord[])[],
  events: number,
): (readonly KinesisStreamRecord[])[] {
  const taken: (readonly KinesisStreamRecord[])[] = [];
  let count = 0;
  for (const batch of batches) {
    if (count >= events) break;
    taken.push(batch);
    count += batch.length;
  }
  return taken;
}

/** ours / baseline of a per-event amount, from the unrounded totals. */
function perEventRatio(ours: number, oursEvents: number, baseline: number, baselineEvents: number): number {
  return round(ours / oursEvents / (baseline / baselineEvents), 3);
}

export async function runDynamoDb(
  spec: BenchWorkloadSpec,
  seed: number,
  batchSize: number,
  baselineEvents: number,
): Promise<DynamoDbResult> {
  const workload = buildWorkload(spec, seed, batchSize);
  const dynamodb = await startBenchDynamoDb();
  try {
    const oursTable = await dynamodb.createTable('bench-ours');
    const baselineTable = await dynamodb.createTable('bench-baseline');

    // The baseline goes first, on an empty emulator: DynamoDB Local slows down as it fills, and
    // the baseline's few hot items would pay for our preload's thousands of items.
    const baselineClient = dynamodb.meteredClient();
    const baseline = await measure(
      leadingBatches(workload.batches, baselineEvents),
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
    const ours = await measure(workload.batches, consumer, oursClient);
    const oursSnapshot = oursClient.meter.snapshot();
    const baselineSnapshot = baselineClient.meter.snapshot();
    // Tenths over whole batches only (tenths.ts); the totals above count every batch.
    const compared = comparableBatches(ours.perBatch, (batch) => batch.events);
    const failedRuns = tenthsOf(workload.failedRunsPerBatch.slice(0, compared.length));
    const total = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0);
    return {
      profile: workload.profile,
      workload: workload.generated,
      measured: workload.measured,
      preloadedEvents: workload.preloadedEvents,
      preloadSeconds: round(preloadSeconds, 1),
      events: ours.cost.events,
      batches: ours.cost.batches,
      ours: ours.cost,
      baseline: baseline.cost,
      baselineIsPrefix: baseline.cost.events < ours.cost.events,
      throughput: tenthThroughput(compared),
      bytesReadPerBatch: tenthMeans(compared.map((batch) => batch.readBytes)),
      readUnitsPerBatch: tenthMeans(
        compared.map((batch) => batch.readUnits),
        1,
      ),
      requestsPerBatch: tenthMeans(
        compared.map((batch) => batch.requests),
        1,
      ),
      failedRunsFirstTenth: total(failedRuns.first),
      failedRunsLastTenth: total(failedRuns.last),
      requestRatio: perEventRatio(
        oursSnapshot.totalRequests,
        ours.cost.events,
        baselineSnapshot.totalRequests,
        baseline.cost.events,
      ),
      capacityRatio: perEventRatio(
        oursSnapshot.readUnits + oursSnapshot.writeUnits,
        ours.cost.events,
        baselineSnapshot.readUnits + baselineSnapshot.writeUnits,
        baseline.cost.events,
      ),
    };
  } finally {
    await dynamodb.stop();
  }
}
