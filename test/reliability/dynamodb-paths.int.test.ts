import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbIncidentStore } from '../../src/adapters/dynamodb/dynamodb-store.ts';
import { chunk } from '../../src/workloads/kinesis-framing.ts';
import { type DynamoDbLocal, sharedDynamoDbLocal } from '../helpers/dynamodb.ts';
import { incidentsInTable } from '../reference/dynamodb-incidents.ts';
import { InstrumentedStore } from './instrumented-store.ts';
import { driveBatches } from './lambda-driver.ts';
import {
  consumerOn,
  duplicated,
  expectEachSignalFiledOnce,
  framed,
  POISON_REASON,
  Random,
  reliabilityWorkload,
  scanTable,
  withPoison,
} from './workload.ts';

/**
 * The store paths on DynamoDB Local: redelivered records (with poison among them) and several
 * consumers committing the same scopes at once. The DynamoDB runs must end with exactly the
 * reference model's incidents for the workload's events (test/reference/reference-model.ts).
 */

const SEED = 306;
const BATCH_SIZE = 100;
const workload = reliabilityWorkload(SEED, 300, 4);
const arns = workload.mix.stateMachineArns;
const reference = workload.expected;
let local: DynamoDbLocal;

beforeAll(async () => {
  local = await sharedDynamoDbLocal();
});

afterAll(async () => {
  await local?.stop();
});

async function freshStore() {
  const tableName = await local.createTable();
  const store = () => new DynamoDbIncidentStore({ client: local.documentClient, tableName, clock: Date.now });
  return { tableName, store };
}

/**
 * Every signal kept once under each of its subjects and once under each of its scopes: nothing
 * lost, nothing doubled, nothing filed under a state machine it does not belong to.
 */
async function expectEverySignalStoredOnce(tableName: string) {
  const contents = await scanTable(local.documentClient, tableName);
  expectEachSignalFiledOnce(contents, workload);
  return contents;
}

describe('the consumer on DynamoDB Local', () => {
  it('has a reference worth comparing with', () => {
    expect(reference.length).toBeGreaterThanOrEqual(3);
    expect(new Set(reference.map((incident) => incident.stateMachineArn)).size).toBeGreaterThanOrEqual(2);
    expect(new Set(reference.map((incident) => incident.status))).toEqual(new Set(['OPEN', 'RESOLVED']));
  });

  it('every record delivered twice, 1% poison among them: the clean incidents, each signal once, poison quarantined', async () => {
    const { tableName, store } = await freshStore();
    const random = new Random(SEED + 1);
    const stream = framed(withPoison(duplicated(workload.entries, random), 0.01, random));
    const report = await driveBatches(consumerOn(store()), chunk(stream.records, BATCH_SIZE));

    expect(report.discarded).toEqual([]);
    expect(await incidentsInTable(local.documentClient, tableName, arns)).toEqual(reference);
    const contents = await expectEverySignalStoredOnce(tableName);
    const quarantined = new Map(contents.quarantine.map((entry) => [entry.recordId, entry]));
    expect([...quarantined.keys()].sort()).toEqual([...stream.poison.keys()].sort());
    for (const [recordId, { kind, raw }] of stream.poison) {
      expect(Buffer.from(quarantined.get(recordId)?.raw ?? [])).toEqual(raw);
      expect(quarantined.get(recordId)?.reason).toMatch(POISON_REASON[kind]);
    }
  });

  it('three consumers on interleaved slices of the stream at once: conflicts settle on the clean incidents', async () => {
    const { tableName, store } = await freshStore();
    const records = framed(workload.entries).records;
    const slices = [0, 1, 2].map((consumer) => records.filter((_, index) => index % 3 === consumer));
    // Each consumer has its own store instance, as separate Lambda invocations would.
    const stores = slices.map(() => new InstrumentedStore(store()));
    const reports = await Promise.all(
      slices.map((slice, index) =>
        driveBatches(consumerOn(stores[index] ?? store()), chunk(slice, BATCH_SIZE / 2)),
      ),
    );

    // The race is real: some commits lost their version check and were re-derived.
    expect(stores.reduce((sum, counted) => sum + counted.conflicts, 0)).toBeGreaterThan(0);
    expect(reports.flatMap((report) => report.discarded)).toEqual([]);
    expect(await incidentsInTable(local.documentClient, tableName, arns)).toEqual(reference);
    await expectEverySignalStoredOnce(tableName);
  });
});
