import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { pino } from 'pino';
import { createDynamoDbClient, createDynamoDbDocument } from '../src/adapters/aws-clients.ts';
import { LOCAL_CREDENTIALS, LOCAL_HOST, LOCAL_REGION } from '../src/local/constants.ts';
import { type DynamoDbLocalProcess, startDynamoDbLocal } from '../src/local/dynamodb-local.ts';
import { loadInfraDefinitions } from '../src/local/infra/load-infra.ts';
import { ensureTable } from '../src/local/resources.ts';
import { attachMeter, type DynamoDbMeter } from './dynamodb-meter.ts';

/**
 * DynamoDB Local in memory for the benchmark, with tables created from infra/ (the same keys,
 * indexes and stream as deployed) and metered clients built the way the Lambda builds its own.
 */

export interface MeteredClient {
  readonly client: DynamoDBClient;
  readonly document: DynamoDBDocumentClient;
  readonly meter: DynamoDbMeter;
}

export interface BenchDynamoDb {
  readonly endpoint: string;
  createTable(name: string): Promise<string>;
  meteredClient(): MeteredClient;
  stop(): Promise<void>;
}

const silent = pino({ level: 'silent' });

export async function startBenchDynamoDb(): Promise<BenchDynamoDb> {
  const emulator: DynamoDbLocalProcess = await startDynamoDbLocal({ host: LOCAL_HOST, logger: silent });
  const clients: DynamoDBClient[] = [];
  const newClient = () => {
    const client = createDynamoDbClient({
      region: LOCAL_REGION,
      endpoint: emulator.endpoint,
      credentials: LOCAL_CREDENTIALS,
    });
    clients.push(client);
    return client;
  };
  const admin = newClient();
  return {
    endpoint: emulator.endpoint,
    createTable: async (name) => {
      const { table } = loadInfraDefinitions({ tableName: name });
      await ensureTable(admin, table, silent);
      return name;
    },
    meteredClient: () => {
      const client = newClient();
      const meter = attachMeter(client);
      return { client, document: createDynamoDbDocument(client), meter };
    },
    stop: async () => {
      for (const client of clients) client.destroy();
      await emulator.stop();
    },
  };
}
