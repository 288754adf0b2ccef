import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbIncidentStore } from '../../src/adapters/dynamodb/dynamodb-store.ts';
import { DEFAULT_CONFIG } from '../../src/core/config.ts';
import { isHealthyRun } from '../../src/core/signals/run-status.ts';
import { generateBusy } from '../../src/workloads/busy.ts';
import { generateFleet } from '../../src/workloads/fleet.ts';
import { generateEvents } from '../../src/workloads/mix.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from '../helpers/dynamodb.ts';
import {
  ANY_ORDER_CONFIG,
  type Delivery,
  deliver,
  deliveredRecords,
  expectResolutionWithinAMinute,
  expectSameIncidents,
  inLatenessWindow,
  referenceIncidents,
  signalsOfEvents,
  widestBatchScopes,
} from './differential.ts';
import { incidentsInTable } from './dynamodb-incidents.ts';

/**
 * The same differential property as on the memory store, on DynamoDB Local through the real SDK:
 * each workload gets a fresh table, is delivered cut, reordered, redelivered, late and raced by
 * several consumers, and what a reader of the table sees must equal the reference model.
 */

const HOUR = 60 * 60_000;

let dynamo: DynamoDbLocal;

// An emulator of this file's own: DynamoDB Local slows down as it fills, and this file writes
// tens of thousands of items; each workload's table is dropped once it has been compared.
beforeAll(async () => {
  dynamo = await startDynamoDbLocal();
});

const dropTable = (tableName: string) => dynamo.client.send(new DeleteTableCommand({ TableName: tableName }));

afterAll(async () => {
  await dynamo.stop();
});

const storeOn = (tableName: string) =>
  new DynamoDbIncidentStore({ client: dynamo.documentClient, tableName, clock: () => Date.now() });

const workloadArbitrary = fc
  .record({
    seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    events: fc.integer({ min: 80, max: 200 }),
    stateMachines: fc.integer({ min: 2, max: 16 }),
  })
  .chain((workload) =>
    fc.tuple(
      fc.constant(workload),
      fc.record<Delivery>({
        seed: fc.constant(workload.seed ^ 0xd1ff),
        batchSize: fc.integer({ min: 20, max: 500 }),
        reorder: fc.constantFrom('none', 'window', 'full'),
        duplicateRate: fc.double({ min: 0, max: 0.2, noNaN: true }),
        lateRate: fc.double({ min: 0, max: 0.1, noNaN: true }),
        consumers: fc.integer({ min: 1, max: 3 }),
        scopeConcurrency: fc.constantFrom(1, 2, 8),
      }),
    ),
  );

describe('the pipeline on DynamoDB Local equals the reference model', () => {
  it('for 20 generated workloads, however they are delivered', async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(workloadArbitrary, async ([workload, delivery]) => {
        const mix = generateEvents(workload);
        const events = mix.events.map((generated) => generated.event);
        const expected = referenceIncidents(signalsOfEvents(events), ANY_ORDER_CONFIG);
        const tableName = await dynamo.createTable();

        await deliver(storeOn(tableName), deliveredRecords(events, delivery), delivery, ANY_ORDER_CONFIG);

        expectSameIncidents(
          await incidentsInTable(dynamo.documentClient, tableName, mix.stateMachineArns),
          expected,
        );
        await dropTable(tableName);
        runs += 1;
      }),
      { numRuns: 20, endOnFailure: true },
    );
    expect(runs).toBe(20);
  }, 600_000);
});

describe('production shapes on DynamoDB Local equal the reference model', () => {
  // With the default configuration (an hour's lateness, at most 4,096 remembered runs): the state item
  // must stay far below DynamoDB's 400 KB, and these deliveries stay within the lateness.
  it('a busy state machine: 2 executions/s for 24 hours, an outage every few hours', async () => {
    const busy = generateBusy({ seed: 21, rate: 2, durationMs: 24 * HOUR, outages: 6 });
    const events = busy.events.map((generated) => generated.event);
    const signals = signalsOfEvents(events);
    // Over 300,000 healthy runs: 60 times the 5,000 newest-per-subject the first version read.
    expect(signals.filter(isHealthyRun).length).toBeGreaterThanOrEqual(300_000);
    const expected = referenceIncidents(signals);
    expect(expected).toHaveLength(6);
    expect(expected.every((incident) => incident.status === 'RESOLVED')).toBe(true);
    expect(expected.reduce((sum, incident) => sum + incident.traffic.failed, 0)).toBe(6 * 20);
    expect(
      expectResolutionWithinAMinute(expected, referenceIncidents(signals, DEFAULT_CONFIG, 'exact')),
    ).toBe(6);
    const tableName = await dynamo.createTable();
    const delivery = inLatenessWindow(5);

    await deliver(storeOn(tableName), deliveredRecords(events, delivery), delivery);

    expectSameIncidents(
      await incidentsInTable(dynamo.documentClient, tableName, busy.stateMachineArns),
      expected,
    );
    // Under the default lateness the day's early incidents sealed (docs/architecture.md, "Sealed
    // incidents"): the seal read back from the STATE item is past the fourth resolution.
    const { seal } = await storeOn(tableName).loadScope(expected[0]?.stateMachineArn ?? '');
    expect(seal?.throughMs).toBeGreaterThan(Date.parse(expected[3]?.resolvedAt ?? ''));
    await dropTable(tableName);
  }, 900_000);

  it('a fleet: 300 state machines, 40 failing at once, 500-record batches touching many scopes', async () => {
    const fleet = generateFleet({
      seed: 12,
      stateMachines: 300,
      durationMs: 20 * 60_000,
      runIntervalMs: 2 * 60_000,
      failing: 40,
    });
    const events = fleet.events.map((generated) => generated.event);
    const signals = signalsOfEvents(events);
    const expected = referenceIncidents(signals);
    expect(expected).toHaveLength(40);
    const tableName = await dynamo.createTable();
    const delivery = inLatenessWindow(9);
    const records = deliveredRecords(events, delivery);
    expect(widestBatchScopes(records, signals, delivery.batchSize)).toBeGreaterThanOrEqual(100);

    await deliver(storeOn(tableName), records, delivery);

    expectSameIncidents(
      await incidentsInTable(dynamo.documentClient, tableName, fleet.stateMachineArns),
      expected,
    );
    await dropTable(tableName);
  }, 900_000);
});
