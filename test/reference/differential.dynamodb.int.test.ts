import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbIncidentStore } from '../../src/adapters/dynamodb/dynamodb-store.ts';
import { contextClassOf } from '../../src/core/context/context-class.ts';
import { generateBusy } from '../../src/workloads/busy.ts';
import { generateEvents } from '../../src/workloads/mix.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from '../helpers/dynamodb.ts';
import {
  type Delivery,
  deliver,
  deliveredRecords,
  expectSameIncidents,
  referenceIncidents,
  signalsOfEvents,
} from './differential.ts';
import { incidentsInTable } from './dynamodb-incidents.ts';

/**
 * The same differential property as on the memory store, on DynamoDB Local through the real SDK:
 * each workload gets a fresh table, is delivered cut, reordered, redelivered, late and raced by
 * several consumers, and what a reader of the table sees must equal the reference model.
 */

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
        const expected = referenceIncidents(signalsOfEvents(events));
        const tableName = await dynamo.createTable();

        await deliver(storeOn(tableName), deliveredRecords(events, delivery), delivery);

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
  it('a busy state machine: 2 executions/s for 50 minutes, over 10,000 healthy signals in the horizon', async () => {
    const busy = generateBusy({ seed: 21, rate: 2, durationMs: 50 * 60_000, outages: 1 });
    const events = busy.events.map((generated) => generated.event);
    const signals = signalsOfEvents(events);
    const healthy = signals.filter((signal) => ['succeeded', 'running'].includes(contextClassOf(signal)));
    // Twice the 5,000 newest-per-subject the first version read: its incident would have been lost.
    expect(healthy.length).toBeGreaterThanOrEqual(10_000);
    const expected = referenceIncidents(signals);
    expect(expected).toHaveLength(1);
    expect(expected[0]).toMatchObject({ status: 'RESOLVED', counts: { FAILED: 20 } });
    const tableName = await dynamo.createTable();
    const delivery: Delivery = {
      seed: 5,
      batchSize: 500,
      reorder: 'window',
      duplicateRate: 0.02,
      lateRate: 0.01,
      consumers: 2,
      scopeConcurrency: 8,
    };

    await deliver(storeOn(tableName), deliveredRecords(events, delivery), delivery);

    expectSameIncidents(
      await incidentsInTable(dynamo.documentClient, tableName, busy.stateMachineArns),
      expected,
    );
  }, 600_000);
});
