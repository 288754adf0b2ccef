import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type TableDescription,
  ResourceInUseException as TableInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  type KinesisClient,
  ResourceInUseException as StreamInUseException,
} from '@aws-sdk/client-kinesis';
import type { Logger } from 'pino';
import { ConfigurationError } from '../errors.ts';
import type { TableDefinition } from './infra/table-definition.ts';
import { pollUntil } from './wait.ts';

/**
 * Creates the emulated stream and table from their infra/ definitions, idempotently: an existing
 * resource is fine, and the call returns once it is ACTIVE. A table left by an earlier run is
 * brought up to date where DynamoDB allows it (new GSIs, stream, TTL); a changed key schema cannot
 * be, and fails with what to do.
 */

const ACTIVE_TIMEOUT_MS = 30_000;
const ACTIVE_POLL_MS = 50;

export interface EnsuredStream {
  readonly streamName: string;
  readonly streamArn: string;
  readonly shardCount: number;
}

export async function ensureStream(
  kinesis: KinesisClient,
  streamName: string,
  shardCount: number,
  logger: Logger,
): Promise<EnsuredStream> {
  try {
    await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: shardCount }));
    logger.info({ streamName, shardCount }, 'stream created');
  } catch (error) {
    if (!(error instanceof StreamInUseException)) throw error;
  }
  const summary = await pollUntil(
    async () => {
      const { StreamDescriptionSummary: description } = await kinesis.send(
        new DescribeStreamSummaryCommand({ StreamName: streamName }),
      );
      return description?.StreamStatus === 'ACTIVE' ? description : undefined;
    },
    {
      timeoutMs: ACTIVE_TIMEOUT_MS,
      intervalMs: ACTIVE_POLL_MS,
      description: `stream ${streamName} to be ACTIVE`,
    },
  );
  const openShards = summary.OpenShardCount ?? shardCount;
  if (openShards !== shardCount) {
    logger.info({ streamName, openShards, requested: shardCount }, 'existing stream keeps its shard count');
  }
  if (summary.StreamARN === undefined) throw new Error(`Stream ${streamName} has no ARN`);
  return { streamName, streamArn: summary.StreamARN, shardCount: openShards };
}

export interface EnsuredTable {
  readonly tableName: string;
  readonly tableArn: string | undefined;
  /** The table's stream; undefined when the definition enables none. */
  readonly streamArn: string | undefined;
}

async function describeTable(dynamodb: DynamoDBClient, tableName: string): Promise<TableDescription> {
  const { Table: table } = await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
  if (table === undefined) throw new Error(`DescribeTable returned no table for ${tableName}`);
  return table;
}

function waitUntilActive(dynamodb: DynamoDBClient, tableName: string): Promise<TableDescription> {
  return pollUntil(
    async () => {
      const table = await describeTable(dynamodb, tableName);
      const indexesActive = (table.GlobalSecondaryIndexes ?? []).every(
        (index) => index.IndexStatus === 'ACTIVE',
      );
      return table.TableStatus === 'ACTIVE' && indexesActive ? table : undefined;
    },
    {
      timeoutMs: ACTIVE_TIMEOUT_MS,
      intervalMs: ACTIVE_POLL_MS,
      description: `table ${tableName} to be ACTIVE`,
    },
  );
}

function sameKeys(left: TableDescription['KeySchema'], right: TableDescription['KeySchema']): boolean {
  const text = (keys: TableDescription['KeySchema']) =>
    JSON.stringify((keys ?? []).map((key) => [key.AttributeName, key.KeyType]));
  return text(left) === text(right);
}

/** Brings an existing table to the definition: missing GSIs (one per UpdateTable) and the stream. */
async function reconcileTable(
  dynamodb: DynamoDBClient,
  definition: TableDefinition,
  existing: TableDescription,
  logger: Logger,
): Promise<TableDescription> {
  const wanted = definition.createTable;
  if (!sameKeys(existing.KeySchema, wanted.KeySchema)) {
    throw new ConfigurationError(
      `The local table ${wanted.TableName} has a different key schema than infra/ defines; delete the data directory to recreate it`,
    );
  }
  let table = existing;
  const existingIndexes = new Set((table.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  for (const index of wanted.GlobalSecondaryIndexes ?? []) {
    if (existingIndexes.has(index.IndexName)) continue;
    logger.info({ table: wanted.TableName, index: index.IndexName }, 'adding index defined in infra/');
    await dynamodb.send(
      new UpdateTableCommand({
        TableName: wanted.TableName,
        AttributeDefinitions: wanted.AttributeDefinitions,
        GlobalSecondaryIndexUpdates: [{ Create: index }],
      }),
    );
    table = await waitUntilActive(dynamodb, wanted.TableName);
  }
  const wantedStream = wanted.StreamSpecification;
  if (wantedStream?.StreamEnabled && table.StreamSpecification?.StreamEnabled !== true) {
    logger.info({ table: wanted.TableName }, 'enabling the stream defined in infra/');
    await dynamodb.send(
      new UpdateTableCommand({ TableName: wanted.TableName, StreamSpecification: wantedStream }),
    );
    table = await waitUntilActive(dynamodb, wanted.TableName);
  } else if (wantedStream && table.StreamSpecification?.StreamViewType !== wantedStream.StreamViewType) {
    throw new ConfigurationError(
      `The local table ${wanted.TableName} streams ${table.StreamSpecification?.StreamViewType}, infra/ defines ${wantedStream.StreamViewType}; delete the data directory to recreate it`,
    );
  }
  return table;
}

async function ensureTimeToLive(
  dynamodb: DynamoDBClient,
  tableName: string,
  attributeName: string,
  logger: Logger,
): Promise<void> {
  try {
    const { TimeToLiveDescription: current } = await dynamodb.send(
      new DescribeTimeToLiveCommand({ TableName: tableName }),
    );
    const enabled = current?.TimeToLiveStatus === 'ENABLED' || current?.TimeToLiveStatus === 'ENABLING';
    if (enabled && current?.AttributeName === attributeName) return;
    await dynamodb.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: attributeName, Enabled: true },
      }),
    );
  } catch (error) {
    // TTL only expires items; everything else works without it, so an emulator lacking it is no reason to stop.
    logger.warn({ tableName, err: error }, 'time to live could not be enabled on the local table');
  }
}

export async function ensureTable(
  dynamodb: DynamoDBClient,
  definition: TableDefinition,
  logger: Logger,
): Promise<EnsuredTable> {
  const tableName = definition.createTable.TableName;
  let created = false;
  try {
    await dynamodb.send(new CreateTableCommand(definition.createTable));
    created = true;
    logger.info({ tableName }, 'table created');
  } catch (error) {
    if (!(error instanceof TableInUseException)) throw error;
  }
  let table = await waitUntilActive(dynamodb, tableName);
  if (!created) table = await reconcileTable(dynamodb, definition, table, logger);
  if (definition.timeToLiveAttribute !== undefined) {
    await ensureTimeToLive(dynamodb, tableName, definition.timeToLiveAttribute, logger);
  }
  return { tableName, tableArn: table.TableArn, streamArn: table.LatestStreamArn };
}
