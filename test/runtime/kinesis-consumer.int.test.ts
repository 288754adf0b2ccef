import { readFileSync } from 'node:fs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { KinesisStreamRecord } from 'aws-lambda';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbIncidentStore } from '../../src/adapters/dynamodb/dynamodb-store.ts';
import { IncidentQueries } from '../../src/adapters/dynamodb/incident-queries.ts';
import { DEFAULT_CONFIG, withConfig } from '../../src/core/config.ts';
import { correlateOffline } from '../../src/runtime/correlate-offline.ts';
import { createKinesisConsumer } from '../../src/runtime/kinesis-consumer.ts';
import { generateBusy } from '../../src/workloads/busy.ts';
import { kinesisEvent, kinesisRecords, recordSpecOf } from '../../src/workloads/kinesis-framing.ts';
import { type DynamoDbLocal, localClient, sharedDynamoDbLocal } from '../helpers/dynamodb.ts';

const demoBytes = readFileSync(new URL('../../examples/scenarios/checkout-outage.ndjson', import.meta.url));
const demoEvents = demoBytes
  .toString('utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as Record<string, unknown>);
const silent = pino({ level: 'silent' });
/** The demo spans 82 minutes: reversed, its healthy runs are within this lateness, not the default hour. */
const CONFIG = withConfig({ allowedLatenessMs: 2 * 60 * 60_000 });

/** The Lambda handler's logic on real Kinesis-shaped batches against DynamoDB Local. */
describe('the Kinesis consumer against DynamoDB Local', () => {
  let local: DynamoDbLocal;
  beforeAll(async () => {
    local = await sharedDynamoDbLocal();
  });
  afterAll(async () => local?.stop());

  async function consumerOn(tableName: string, client = local.documentClient, config = CONFIG) {
    const store = new DynamoDbIncidentStore({ client, tableName, clock: Date.now });
    const consume = createKinesisConsumer({
      store,
      config,
      logger: silent,
      clock: Date.now,
      maxCommitAttempts: 3,
    });
    const queries = new IncidentQueries({ client: local.documentClient, tableName });
    return { consume, queries };
  }

  const offline = () => correlateOffline([{ name: 'demo', bytes: demoBytes }], CONFIG, Date.now);

  it('stores what `incidents correlate` derives, whatever the batching, order and duplicates', async () => {
    const { incidents: expected } = await offline();
    const records = kinesisRecords(demoEvents.map(recordSpecOf));

    const inOrder = await consumerOn(await local.createTable());
    expect(await inOrder.consume(kinesisEvent(records))).toEqual({ batchItemFailures: [] });
    const reference = await inOrder.queries.listIncidents({});
    expect(reference.map((i) => i.id)).toEqual(expected.map((i) => i.id));
    const referenceDetail = await inOrder.queries.getIncident(expected[0]?.id ?? '');
    expect(referenceDetail?.hints).toEqual(expected[0]?.hints);
    expect(referenceDetail?.timeline).toEqual(expected[0]?.timeline);

    const shuffled = await consumerOn(await local.createTable());
    const reversedWithDuplicates = [...records].reverse().concat(records.slice(0, 6));
    for (let start = 0; start < reversedWithDuplicates.length; start += 4) {
      const batch = kinesisEvent(reversedWithDuplicates.slice(start, start + 4));
      expect(await shuffled.consume(batch)).toEqual({ batchItemFailures: [] });
    }
    const replayed = await shuffled.queries.getIncident(expected[0]?.id ?? '');
    const { updatedAt: _a, scopeVersion: _b, ...same } = replayed ?? { updatedAt: '', scopeVersion: 0 };
    const {
      updatedAt: _c,
      scopeVersion: _d,
      ...reference2
    } = referenceDetail ?? { updatedAt: '', scopeVersion: 0 };
    expect(same).toEqual(reference2);
  });

  it('agrees with `incidents correlate` on a busy state machine whose healthy runs outnumber every cap', async () => {
    // 2 runs/s for an hour: 14,400 healthy signals, past the 4,096 runs a scope remembers, the 200
    // runs an incident lists and the 5,000 per subject the first version read.
    const busy = generateBusy({ seed: 33, rate: 2, durationMs: 60 * 60_000, outages: 1 });
    const events = busy.events.map((generated) => generated.event);
    const bytes = new TextEncoder().encode(`${events.map((event) => JSON.stringify(event)).join('\n')}\n`);
    const { incidents: offline } = await correlateOffline(
      [{ name: 'busy', bytes }],
      DEFAULT_CONFIG,
      Date.now,
    );
    expect(offline).toHaveLength(1);
    expect(offline[0]?.executions.filter((run) => run.status === 'FAILED')).toHaveLength(20);
    expect(offline[0]?.traffic.succeeded).toBeGreaterThan(200);
    expect(offline.every((incident) => incident.status === 'RESOLVED')).toBe(true);

    const tableName = await local.createTable();
    const lambda = await consumerOn(tableName, local.documentClient, DEFAULT_CONFIG);
    const records = kinesisRecords(events.map(recordSpecOf));
    for (let start = 0; start < records.length; start += 500)
      expect(await lambda.consume(kinesisEvent(records.slice(start, start + 500)))).toEqual({
        batchItemFailures: [],
      });

    const stored = await lambda.queries.listIncidents({});
    expect(stored.map((incident) => incident.id).sort()).toEqual(
      offline.map((incident) => incident.id).sort(),
    );
    for (const incident of offline) {
      const detail = await lambda.queries.getIncident(incident.id);
      const {
        updatedAt: _u,
        scopeVersion: _v,
        shrunk: _s,
        ...view
      } = detail ?? { updatedAt: '', scopeVersion: 0, shrunk: false };
      expect(view).toEqual(incident);
    }
  }, 300_000);

  it('quarantines a poison record with its raw bytes and acknowledges the whole batch', async () => {
    const tableName = await local.createTable();
    const { consume, queries } = await consumerOn(tableName);
    const records = kinesisRecords([
      ...demoEvents.slice(0, 3).map(recordSpecOf),
      { data: 'not base64!', partitionKey: 'p' },
    ]);
    expect(await consume(kinesisEvent(records))).toEqual({ batchItemFailures: [] });
    const [entry, ...others] = await queries.listQuarantine({});
    expect(others).toHaveLength(0);
    expect(entry?.recordId).toBe(records[3]?.kinesis.sequenceNumber);
    expect(entry?.reason).toContain('data is not valid base64');
    expect(Buffer.from(entry?.raw ?? new Uint8Array()).toString('utf8')).toBe('not base64!');
  });

  it('reports every record of an unreachable store as a batch item failure, and a retry completes the work', async () => {
    const tableName = await local.createTable();
    const records: KinesisStreamRecord[] = kinesisRecords(demoEvents.map(recordSpecOf));
    const deadClient = DynamoDBDocumentClient.from(localClient('http://127.0.0.1:9'));
    const broken = await consumerOn(tableName, deadClient);
    const response = await broken.consume(kinesisEvent(records));
    // The record that matches no rule in production is ignored (acknowledged); all others must be retried.
    const ignoredSequence =
      records[demoEvents.findIndex((e) => String(e['detail-type']).includes('Contributor'))]?.kinesis
        .sequenceNumber;
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(
      records.map((r) => r.kinesis.sequenceNumber).filter((s) => s !== ignoredSequence),
    );

    const healthy = await consumerOn(tableName);
    expect(await healthy.consume(kinesisEvent(records))).toEqual({ batchItemFailures: [] });
    const { incidents: expected } = await offline();
    expect((await healthy.queries.listIncidents({})).map((i) => [i.id, i.status])).toEqual(
      expected.map((i) => [i.id, i.status]),
    );
  });
});
