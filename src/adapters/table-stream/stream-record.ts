import type {
  AttributeValue as SdkAttributeValue,
  _Record as SdkStreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';

/**
 * Turns a record as the SDK returns it (binary as bytes, dates as Date) into the JSON Lambda puts in
 * a `DynamoDBStreamEvent` (binary as base64, ApproximateCreationDateTime in epoch seconds).
 */

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

function toLambdaAttribute(value: SdkAttributeValue): AttributeValue | undefined {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.B !== undefined) return { B: base64(value.B) };
  if (value.SS !== undefined) return { SS: [...value.SS] };
  if (value.NS !== undefined) return { NS: [...value.NS] };
  if (value.BS !== undefined) return { BS: value.BS.map(base64) };
  if (value.L !== undefined) {
    return { L: value.L.flatMap((item) => toLambdaAttribute(item) ?? []) };
  }
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  return undefined;
}

export function toLambdaImage(image: Record<string, SdkAttributeValue>): Record<string, AttributeValue> {
  const result: Record<string, AttributeValue> = {};
  for (const [name, value] of Object.entries(image)) {
    const converted = toLambdaAttribute(value);
    if (converted !== undefined) result[name] = converted;
  }
  return result;
}

export function toLambdaDynamoDbRecord(
  record: SdkStreamRecord,
  streamArn: string,
  region: string,
): DynamoDBRecord {
  const stream = record.dynamodb;
  return {
    ...(record.eventID === undefined ? {} : { eventID: record.eventID }),
    ...(record.eventName === undefined ? {} : { eventName: record.eventName }),
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    // DynamoDB Local reports its own pseudo-region; Lambda reports the table's region.
    awsRegion: region,
    dynamodb: {
      ...(stream?.ApproximateCreationDateTime === undefined
        ? {}
        : { ApproximateCreationDateTime: Math.floor(stream.ApproximateCreationDateTime.getTime() / 1000) }),
      ...(stream?.Keys === undefined ? {} : { Keys: toLambdaImage(stream.Keys) }),
      ...(stream?.NewImage === undefined ? {} : { NewImage: toLambdaImage(stream.NewImage) }),
      ...(stream?.OldImage === undefined ? {} : { OldImage: toLambdaImage(stream.OldImage) }),
      ...(stream?.SequenceNumber === undefined ? {} : { SequenceNumber: stream.SequenceNumber }),
      ...(stream?.SizeBytes === undefined ? {} : { SizeBytes: stream.SizeBytes }),
      ...(stream?.StreamViewType === undefined ? {} : { StreamViewType: stream.StreamViewType }),
    },
    eventSourceARN: streamArn,
    // Present for deletions by TTL: the service, not a user, removed the item.
    ...(record.userIdentity === undefined
      ? {}
      : { userIdentity: { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId } }),
  };
}
