/**
 * Generated events framed the way Lambda hands them to the consumer: Kinesis records with
 * base64 data, partition keys as the EventBridge rules set them, sequence numbers that sort by
 * arrival, cut into batches of the event source mapping's size.
 */

import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';
import type { JsonObject } from './events.ts';
import { GENERATOR_ACCOUNT, GENERATOR_REGION } from './simulated-account.ts';

export const SHARD_ID = 'shardId-000000000000';
const STREAM_ARN = `arn:aws:kinesis:${GENERATOR_REGION}:${GENERATOR_ACCOUNT}:stream/incident-events`;

/** Kinesis sequence numbers are large decimal strings that sort by arrival within a shard. */
export function sequenceNumber(index: number): string {
  return `4964${String(index).padStart(52, '0')}`;
}

export interface RecordSpec {
  /** The Kinesis `data` field as sent: base64 text (or, for poison, whatever arrived). */
  readonly data: string;
  readonly partitionKey: string;
}

/** The rules partition by state machine when the event names one, by event id otherwise. */
export function recordSpecOf(event: JsonObject): RecordSpec {
  const detail = event.detail;
  const partitionKey =
    typeof detail === 'object' &&
    detail !== null &&
    'stateMachineArn' in detail &&
    typeof detail.stateMachineArn === 'string'
      ? detail.stateMachineArn
      : String(event.id);
  return { data: Buffer.from(JSON.stringify(event), 'utf8').toString('base64'), partitionKey };
}

/** Records with sequence numbers from `firstIndex` on, in the shape Lambda puts in the event. */
export function kinesisRecords(specs: readonly RecordSpec[], firstIndex = 0): KinesisStreamRecord[] {
  return specs.map((spec, offset) => {
    const sequence = sequenceNumber(firstIndex + offset);
    return {
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: spec.partitionKey,
        sequenceNumber: sequence,
        data: spec.data,
        approximateArrivalTimestamp: 1_772_409_600 + (firstIndex + offset) / 1000,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${SHARD_ID}:${sequence}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: `arn:aws:iam::${GENERATOR_ACCOUNT}:role/consumer`,
      awsRegion: GENERATOR_REGION,
      eventSourceARN: STREAM_ARN,
    };
  });
}

export function kinesisEvent(records: readonly KinesisStreamRecord[]): KinesisStreamEvent {
  return { Records: [...records] };
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
