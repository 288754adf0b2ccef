import {
  type _Record,
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
} from '@aws-sdk/client-dynamodb-streams';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { toStreamImage } from './stream-records.ts';

/**
 * Reads every record of a table stream from the start, in the JSON shape Lambda delivers, so the
 * change decoder is tested on images DynamoDB itself produced.
 */
export async function readTableStream(
  streams: DynamoDBStreamsClient,
  streamArn: string,
): Promise<DynamoDBRecord[]> {
  const { StreamDescription: description } = await streams.send(
    new DescribeStreamCommand({ StreamArn: streamArn }),
  );
  const records: _Record[] = [];
  for (const shard of description?.Shards ?? []) {
    let { ShardIterator: iterator } = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: shard.ShardId,
        ShardIteratorType: 'TRIM_HORIZON',
      }),
    );
    while (iterator !== undefined) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
      records.push(...(page.Records ?? []));
      iterator = (page.Records ?? []).length === 0 ? undefined : page.NextShardIterator;
    }
  }
  return records
    .sort((a, b) => compareSequence(a.dynamodb?.SequenceNumber, b.dynamodb?.SequenceNumber))
    .map(lambdaShape);
}

function compareSequence(a: string | undefined, b: string | undefined): number {
  const left = BigInt(a ?? '0');
  const right = BigInt(b ?? '0');
  return left < right ? -1 : left > right ? 1 : 0;
}

function lambdaShape(record: _Record): DynamoDBRecord {
  const image = (value: Parameters<typeof unmarshall>[0] | undefined) =>
    value === undefined ? undefined : toStreamImage(unmarshall(value));
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: {
      Keys: image(record.dynamodb?.Keys),
      NewImage: image(record.dynamodb?.NewImage),
      OldImage: image(record.dynamodb?.OldImage),
      SequenceNumber: record.dynamodb?.SequenceNumber,
      StreamViewType: record.dynamodb?.StreamViewType,
    },
  };
}
