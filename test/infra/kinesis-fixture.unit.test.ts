/**
 * The sample Lambda Kinesis event (test/fixtures/kinesis/sample-batch.json) must stay what it claims
 * to be: one shard's batch, in sequence order, whose records carry the seed events as EventBridge
 * delivers them, with the partition keys the rules in infra/resources/event-rules.yml would give.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { KinesisStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';

const fixtures = fileURLToPath(new URL('../fixtures/', import.meta.url));
const readJson = (path: string): unknown => JSON.parse(readFileSync(join(fixtures, path), 'utf8'));

describe('sample Kinesis batch fixture', () => {
  const batch = readJson('kinesis/sample-batch.json') as KinesisStreamEvent;
  const decoded = batch.Records.map((r) =>
    JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString('utf8')),
  );

  it('is one shard of the events stream, in sequence order', () => {
    expect(batch.Records).toHaveLength(3);
    const shards = new Set(batch.Records.map((r) => r.eventID.split(':')[0]));
    expect(shards.size).toBe(1);
    const sequence = batch.Records.map((r) => BigInt(r.kinesis.sequenceNumber));
    expect([...sequence].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(sequence);
    for (const record of batch.Records) {
      expect(record).toMatchObject({
        eventSource: 'aws:kinesis',
        eventName: 'aws:kinesis:record',
        eventSourceARN: 'arn:aws:kinesis:us-east-1:123456789012:stream/sfn-incident-correlator-dev-events',
        kinesis: { kinesisSchemaVersion: '1.0' },
      });
      expect(record.eventID).toBe(`${[...shards][0]}:${record.kinesis.sequenceNumber}`);
    }
  });

  it('carries a FAILED execution, an alarm state change and a StopExecution call, as seeded', () => {
    expect(decoded[0]).toEqual(readJson('seed-events/stepfunctions-status--execution-failed.json'));
    expect(decoded[1]).toEqual(
      readJson('seed-events/cloudwatch-alarm--state-change-for-a-single-metric-alarm.json'),
    );
    expect(decoded[2]).toMatchObject({
      'detail-type': 'AWS API Call via CloudTrail',
      source: 'aws.states',
      detail: readJson('seed-events/cloudtrail-states--stopexecution.json'),
    });
  });

  it('uses the partition keys the EventBridge rules extract', () => {
    expect(batch.Records.map((r) => r.kinesis.partitionKey)).toEqual([
      decoded[0].detail.stateMachineArn,
      decoded[1].detail.alarmName,
      decoded[2].id,
    ]);
  });
});
