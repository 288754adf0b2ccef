import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbIncidentStore } from '../../src/adapters/dynamodb/dynamodb-store.ts';
import { isProcessAlive } from '../../src/local/child-process.ts';
import { LOCAL_HOST } from '../../src/local/constants.ts';
import { type DynamoDbLocalProcess, startDynamoDbLocal } from '../../src/local/dynamodb-local.ts';
import { findFreePort } from '../../src/local/free-port.ts';
import { loadInfraDefinitions } from '../../src/local/infra/load-infra.ts';
import { ensureTable } from '../../src/local/resources.ts';
import { chunk } from '../../src/workloads/kinesis-framing.ts';
import { localClient } from '../helpers/dynamodb.ts';
import { temporaryDirectory, testLogger } from '../local/helpers.ts';
import { incidentsInTable } from '../reference/dynamodb-incidents.ts';
import { driveBatches } from './lambda-driver.ts';
import {
  consumerOn,
  expectEachSignalFiledOnce,
  framed,
  Random,
  reliabilityWorkload,
  scanTable,
  withPoison,
} from './workload.ts';

/**
 * DynamoDB Local killed (SIGKILL, mid-batch) and restarted on the same port and data, twice in
 * one run. The records of the batches that failed must come back as batchItemFailures, never as a
 * thrown error, and succeed when Lambda retries them: the end state is the clean run's.
 */

const SEED = 310;
const BATCH_SIZE = 100;
/** Requests after which the emulator is killed: early in one batch, in the middle of a later one. */
const KILL_AT_REQUESTS = [30, 170];
const TABLE = 'incidents-restart';
const workload = reliabilityWorkload(SEED, 200, 4);
const logger = testLogger();
const dataDir = temporaryDirectory('emulator-restart');

let port: number;
let emulator: DynamoDbLocalProcess | undefined;
let client: DynamoDBClient;
const reference = workload.expected;

const startEmulator = () => startDynamoDbLocal({ dbPath: dataDir.path, host: LOCAL_HOST, port, logger });

beforeAll(async () => {
  port = await findFreePort(LOCAL_HOST);
  emulator = await startEmulator();
  client = localClient(emulator.endpoint);
  await ensureTable(client, loadInfraDefinitions({ tableName: TABLE }).table, logger);
});

afterAll(async () => {
  client?.destroy();
  await emulator?.stop();
  dataDir.remove();
});

describe('the consumer while DynamoDB Local is killed and restarted mid-run', () => {
  it('reports the failed records as batch item failures and ends, after retries, with the clean incidents', async () => {
    const pids: number[] = [];
    let requests = 0;
    let down = false;
    // Counted inside the SDK, so the kill lands between two requests of one batch.
    client.middlewareStack.add(
      (next) => async (args) => {
        requests += 1;
        if (KILL_AT_REQUESTS.includes(requests) && emulator !== undefined) {
          pids.push(emulator.pid);
          emulator.killNow();
          down = true;
        }
        return next(args);
      },
      { step: 'initialize', name: 'killEmulatorMidRun' },
    );
    const document = DynamoDBDocumentClient.from(client);
    const consumer = consumerOn(
      new DynamoDbIncidentStore({ client: document, tableName: TABLE, clock: Date.now }),
    );
    let thrown = 0;
    let partialFailures = 0;
    const observed = async (event: KinesisStreamEvent) => {
      try {
        const response = await consumer(event);
        if (response.batchItemFailures.length > 0) partialFailures += 1;
        return response;
      } catch (error) {
        thrown += 1;
        throw error;
      }
    };
    const stream = framed(withPoison(workload.entries, 0.01, new Random(SEED)));

    const report = await driveBatches(observed, chunk(stream.records, BATCH_SIZE), {
      // Lambda waits before retrying; by then the emulator is back, on the same port and data.
      beforeRetry: async () => {
        if (!down) return;
        emulator = await startEmulator();
        down = false;
      },
    });

    expect(reference.length).toBeGreaterThanOrEqual(2);
    expect(pids).toHaveLength(KILL_AT_REQUESTS.length);
    for (const pid of pids) expect(isProcessAlive(pid)).toBe(false);
    expect(thrown).toBe(0);
    expect(partialFailures).toBeGreaterThanOrEqual(KILL_AT_REQUESTS.length);
    expect(report.redelivered).toBeGreaterThan(0);
    expect(report.discarded).toEqual([]);

    expect(await incidentsInTable(document, TABLE, workload.mix.stateMachineArns)).toEqual(reference);
    const contents = await scanTable(document, TABLE);
    expectEachSignalFiledOnce(contents, workload);
    expect(new Set(contents.quarantine.map((entry) => entry.recordId))).toEqual(
      new Set(stream.poison.keys()),
    );
  });
});
