import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

/**
 * The consumer most users would write first, for the store-cost comparison: Powertools'
 * `BatchProcessor` over Kinesis with `processPartialResponse`, and a record handler that reads
 * the incident of the record's state machine (one GetItem) and writes it back with a version
 * condition (one PutItem). Records are processed in order (`processInParallel: false`): in
 * parallel, records of one state machine would fail each other's version condition, which would
 * only make the baseline more expensive.
 */

const RECENT_EVENTS = 20;

interface BaselineIncident {
  readonly pk: string;
  readonly sk: string;
  readonly type: 'BASELINE';
  readonly scope: string;
  readonly version: number;
  readonly counts: Record<string, number>;
  readonly lastEventAt: string;
  readonly recent: {
    readonly id: string;
    readonly kind: string;
    readonly at: string;
    readonly what: string;
  }[];
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && key in value ? Reflect.get(value, key) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The state machine a record is about, where it says; otherwise the resource it names. */
function scopeOf(event: unknown): string {
  const detail = field(event, 'detail');
  const resources = field(event, 'resources');
  return (
    text(field(detail, 'stateMachineArn')) ??
    text(field(field(detail, 'requestParameters'), 'stateMachineArn')) ??
    (Array.isArray(resources) ? text(resources[0]) : undefined) ??
    text(field(event, 'id')) ??
    'unknown'
  );
}

function whatOf(event: unknown): string {
  const detail = field(event, 'detail');
  return (
    text(field(detail, 'status')) ??
    text(field(field(detail, 'state'), 'value')) ??
    text(field(detail, 'eventName')) ??
    text(field(detail, 'operation')) ??
    'event'
  );
}

function parseStored(item: Record<string, unknown> | undefined): {
  version: number;
  counts: Record<string, number>;
  recent: BaselineIncident['recent'];
} {
  const version = typeof item?.version === 'number' ? item.version : 0;
  const counts: Record<string, number> = {};
  const storedCounts = item?.counts;
  if (typeof storedCounts === 'object' && storedCounts !== null) {
    for (const [key, value] of Object.entries(storedCounts))
      if (typeof value === 'number') counts[key] = value;
  }
  const recent = Array.isArray(item?.recent)
    ? item.recent.flatMap((entry: unknown) => {
        const id = text(field(entry, 'id'));
        const kind = text(field(entry, 'kind'));
        const at = text(field(entry, 'at'));
        const what = text(field(entry, 'what'));
        return id && kind && at && what ? [{ id, kind, at, what }] : [];
      })
    : [];
  return { version, counts, recent };
}

export type BaselineHandler = (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse>;

export function createBaselineConsumer(client: DynamoDBDocumentClient, tableName: string): BaselineHandler {
  const processor = new BatchProcessor(EventType.KinesisDataStreams);

  const recordHandler = async (record: KinesisStreamRecord): Promise<void> => {
    const event: unknown = JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8'));
    const scope = scopeOf(event);
    const key = { pk: `BASELINE#${scope}`, sk: 'INCIDENT' };
    const { Item } = await client.send(
      new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }),
    );
    const stored = parseStored(Item);
    const what = whatOf(event);
    const at = text(field(event, 'time')) ?? new Date().toISOString();
    const incident: BaselineIncident = {
      ...key,
      type: 'BASELINE',
      scope,
      version: stored.version + 1,
      counts: { ...stored.counts, [what]: (stored.counts[what] ?? 0) + 1 },
      lastEventAt: at,
      recent: [
        ...stored.recent,
        {
          id: text(field(event, 'id')) ?? record.kinesis.sequenceNumber,
          kind: text(field(event, 'detail-type')) ?? '?',
          at,
          what,
        },
      ].slice(-RECENT_EVENTS),
    };
    await client.send(
      new PutCommand({
        TableName: tableName,
        Item: incident,
        ConditionExpression: 'attribute_not_exists(pk) OR version = :expected',
        ExpressionAttributeValues: { ':expected': stored.version },
      }),
    );
  };

  return (event) => processPartialResponse(event, recordHandler, processor, { processInParallel: false });
}
