import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signalsOfContextItem } from '../../src/adapters/dynamodb/context-packs.ts';
import { DynamoDbIncidentStore } from '../../src/adapters/dynamodb/dynamodb-store.ts';
import { FIELD_LIMITS } from '../../src/core/limits.ts';
import type { Signal } from '../../src/core/signals/types.ts';
import { chunk, kinesisEvent, kinesisRecords, recordSpecOf } from '../../src/workloads/kinesis-framing.ts';
import { generateEvents } from '../../src/workloads/mix.ts';
import { type DynamoDbLocal, sharedDynamoDbLocal } from '../helpers/dynamodb.ts';
import { incidentsInTable } from '../reference/dynamodb-incidents.ts';
import { consumerOn, scanTable } from '../reliability/workload.ts';
import {
  ACCESS_KEY_PATTERN,
  eventsWithSecrets,
  FORBIDDEN_VALUES,
  oversizeEvents,
  SECRET_ACCESS_KEY,
} from './secret-events.ts';

/**
 * What reaches the table after a realistic run whose events carry access keys, secret keys,
 * session tokens and customer data: none of it, in any item, quarantined poison included (its bytes
 * are kept with secrets masked). Oversize fields arrive cut and flagged.
 */

const MAX_ITEM_BYTES = 400 * 1024;
const oversize = oversizeEvents();
let local: DynamoDbLocal;
let tableName: string;
let items: readonly Record<string, unknown>[];
let store: DynamoDbIncidentStore;

const isGzip = (bytes: Uint8Array) => bytes[0] === 0x1f && bytes[1] === 0x8b;

/** An item as text, binary attributes decoded (and unzipped), so a secret cannot hide in bytes. */
function itemText(item: Record<string, unknown>): string {
  return JSON.stringify(item, (_key, value: unknown) =>
    value instanceof Uint8Array
      ? (isGzip(value) ? gunzipSync(value) : Buffer.from(value)).toString('utf8')
      : value,
  );
}

/** What DynamoDB stores of an item: binary attributes at their own size. */
function storedBytes(item: Record<string, unknown>): number {
  return Buffer.byteLength(
    JSON.stringify(item, (_key, value: unknown) =>
      value instanceof Uint8Array ? 'x'.repeat(value.byteLength) : value,
    ),
  );
}

function storedSignal(signalIdPrefix: string): Signal {
  const signal = items
    .filter((candidate) => candidate.type === 'SIGNAL_PACK')
    .flatMap((pack) => signalsOfContextItem(pack))
    .find((candidate) => candidate.signalId.startsWith(signalIdPrefix));
  if (signal === undefined) throw new Error(`no stored signal for ${signalIdPrefix}`);
  return signal;
}

beforeAll(async () => {
  local = await sharedDynamoDbLocal();
  tableName = await local.createTable();
  store = new DynamoDbIncidentStore({ client: local.documentClient, tableName, clock: Date.now });
  const generated = generateEvents({ seed: 707, events: 300, stateMachines: 3, secrets: true }).events.map(
    (event) => event.event,
  );
  const events = [
    ...generated,
    ...eventsWithSecrets(),
    oversize.execution,
    oversize.alarm,
    oversize.definition,
  ];
  // A poison record that carries an access key: its bytes go to quarantine, its reason must not.
  const poison = {
    data: Buffer.from('{"userIdentity":{"accessKeyId":"AKIAPOISONEXAMPLE999"').toString('base64'),
    partitionKey: 'p',
  };
  const records = kinesisRecords([...events.map(recordSpecOf), poison]);
  const consumer = consumerOn(store);
  for (const batch of chunk(records, 100)) {
    const response = await consumer(kinesisEvent(batch));
    expect(response.batchItemFailures).toEqual([]);
  }
  items = (await scanTable(local.documentClient, tableName)).items;
});

afterAll(async () => {
  await local?.stop();
});

describe('items stored after events carrying secrets', () => {
  it('hold incidents, context and a quarantined record: the scan below has something to search', async () => {
    const types = new Set(items.map((item) => item.type));
    for (const type of ['INCIDENT', 'SIGNAL_PACK', 'SCOPE', 'LINK', 'QUARANTINE'])
      expect(types).toContain(type);
    const incidents = await incidentsInTable(local.documentClient, tableName, [
      'arn:aws:states:us-east-1:111122223333:stateMachine:checkout-0',
    ]);
    expect(incidents.flatMap((incident) => incident.actors.map((actor) => actor.arn))).toContain(
      'arn:aws:iam::111122223333:user/mallory',
    );
  });

  it('contain no access key id, secret key, session token, password or customer data', () => {
    expect(items.length).toBeGreaterThan(100);
    for (const item of items) {
      const text = itemText(item);
      expect(text).not.toMatch(ACCESS_KEY_PATTERN);
      for (const value of FORBIDDEN_VALUES) expect(text).not.toContain(value);
    }
  });

  it('keep execution input and output as size and digest only', () => {
    const leaky = storedSignal('5ec0e7e5-0000-4000-a000-000000000001');
    expect(leaky.kind).toBe('execution');
    if (leaky.kind !== 'execution') return;
    expect(leaky.input).toEqual({
      included: true,
      bytes: expect.any(Number),
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(Object.keys(leaky.output).sort()).toEqual(['bytes', 'included', 'sha256']);
  });

  it('keep the bytes of quarantined poison with the access key masked, and its reason free of it', () => {
    const quarantined = items.filter((item) => item.type === 'QUARANTINE');
    expect(quarantined).toHaveLength(1);
    const [entry] = quarantined;
    expect(String(entry?.reason)).toMatch(/JSON/);
    expect(String(entry?.reason)).not.toMatch(ACCESS_KEY_PATTERN);
    expect(Buffer.from(entry?.raw as Uint8Array).toString('utf8')).toBe(
      '{"userIdentity":{"accessKeyId":"[REDACTED]"',
    );
    expect(entry?.rawRedactions).toBe(1);
  });

  it('stay far below the 400 KB item limit, even with oversize events', () => {
    const largest = Math.max(...items.map(storedBytes));
    expect(largest).toBeLessThan(MAX_ITEM_BYTES / 4);
    // Unzipped too: a pack's signals (every oversize field cut) stay within the pack budget.
    expect(Math.max(...items.map((item) => Buffer.byteLength(itemText(item))))).toBeLessThan(MAX_ITEM_BYTES);
  });

  it('cut oversize fields to their caps and flag each cut field in `truncated`', () => {
    const execution = storedSignal('0versize-0000-4000-a000-000000000001');
    expect(execution.truncated).toEqual(['cause', 'error', 'executionName']);
    if (execution.kind !== 'execution') throw new Error('expected an execution signal');
    expect(execution.cause).toHaveLength(FIELD_LIMITS.causeChars);
    expect(execution.error).toHaveLength(FIELD_LIMITS.errorChars);
    expect(execution.executionName).toHaveLength(FIELD_LIMITS.nameChars);

    const alarm = storedSignal('0versize-0000-4000-a000-000000000002');
    expect(alarm.truncated).toEqual(
      expect.arrayContaining(['configuration.description', 'state.reason', 'tags', 'tags.tag-0']),
    );
    if (alarm.kind !== 'alarm-state') throw new Error('expected an alarm signal');
    expect(alarm.state.reason).toHaveLength(FIELD_LIMITS.reasonChars);
    expect(Object.keys(alarm.tags)).toHaveLength(FIELD_LIMITS.tags);

    const definition = storedSignal('0versize-0000-4000-a000-000000000003');
    expect(definition.truncated).toEqual(['definition.resources']);
    if (definition.kind !== 'api-call') throw new Error('expected an API call signal');
    expect(definition.definition?.resources).toHaveLength(FIELD_LIMITS.definitionResources);
  });

  it('never store a secret access key even where the definition hard-codes one', () => {
    const update = storedSignal('5ec0e7e5-0000-4000-a000-000000000004');
    expect(itemText({ update })).not.toContain(SECRET_ACCESS_KEY);
    if (update.kind !== 'api-call') throw new Error('expected an API call signal');
    expect(update.definition?.resources).toEqual([
      'arn:aws:lambda:us-east-1:111122223333:function:checkout-0-charge',
    ]);
  });
});
