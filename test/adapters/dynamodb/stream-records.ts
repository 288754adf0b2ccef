import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { incidentItems } from '../../../src/adapters/dynamodb/incident-items.ts';
import type { Incident } from '../../../src/core/incident/types.ts';

/** Builders for DynamoDB stream records in the JSON form Lambda delivers them. */

export function toStreamImage(item: Readonly<Record<string, unknown>>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, toAttribute(value)]));
}

function toAttribute(value: unknown): AttributeValue {
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: String(value) };
  if (typeof value === 'boolean') return { BOOL: value };
  if (value === null) return { NULL: true };
  if (value instanceof Uint8Array) return { B: Buffer.from(value).toString('base64') };
  if (Array.isArray(value)) return { L: value.map(toAttribute) };
  if (typeof value === 'object') return { M: toStreamImage(Object.fromEntries(Object.entries(value))) };
  throw new Error(`no stream attribute for ${String(value)}`);
}

/** The header item the store writes for this incident, as a stream image. */
export function headerImage(
  incident: Incident,
  extra: Record<string, unknown> = {},
  scopeVersion = 1,
): Record<string, AttributeValue> {
  const { header } = incidentItems(incident, { scopeVersion, updatedAt: '2026-03-02T12:00:00.000Z' });
  return toStreamImage({ ...header, ...extra });
}

export function streamRecord(
  keys: { pk: string; sk: string },
  images: { old?: Record<string, AttributeValue>; new?: Record<string, AttributeValue> },
): DynamoDBRecord {
  const eventName = images.new === undefined ? 'REMOVE' : images.old === undefined ? 'INSERT' : 'MODIFY';
  return {
    eventID: `event-${keys.pk}-${eventName}`,
    eventName,
    eventSource: 'aws:dynamodb',
    awsRegion: 'us-east-1',
    dynamodb: {
      Keys: toStreamImage(keys),
      NewImage: images.new,
      OldImage: images.old,
      SequenceNumber: '100',
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
  };
}

/** A MODIFY (or INSERT without `before`) of an incident header. */
export function headerChange(
  before: Incident | undefined,
  after: Incident,
  extra: Record<string, unknown> = {},
) {
  return streamRecord(
    { pk: `INC#${after.id}`, sk: 'HEAD' },
    { old: before === undefined ? undefined : headerImage(before), new: headerImage(after, extra, 2) },
  );
}
