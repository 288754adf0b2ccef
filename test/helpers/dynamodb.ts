import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { pino } from 'pino';
import { createDynamoDbClient } from '../../src/adapters/aws-clients.ts';
import { LOCAL_CREDENTIALS, LOCAL_HOST, LOCAL_REGION } from '../../src/local/constants.ts';
import { startDynamoDbLocal as startEmulator } from '../../src/local/dynamodb-local.ts';
import { loadInfraDefinitions } from '../../src/local/infra/load-infra.ts';
import { ensureTable } from '../../src/local/resources.ts';

/**
 * DynamoDB Local for integration tests, through the local stack's own modules: the same emulator
 * process (in memory, free port, stopped with SIGTERM then SIGKILL) and tables created from the
 * infra/ definition, so tests run against the keys, indexes and stream `serverless deploy` creates.
 */

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  /**
   * Built with the SDK's default marshalling options on purpose: the store must not depend on
   * `removeUndefinedValues` or any other option of whoever builds the client.
   */
  readonly documentClient: DynamoDBDocumentClient;
  /** A fresh incidents table (unique name), so tests never see each other's items. */
  createTable(): Promise<string>;
  stop(): Promise<void>;
}

const silent = pino({ level: 'silent' });

export async function startDynamoDbLocal(): Promise<DynamoDbLocal> {
  const emulator = await startEmulator({ host: LOCAL_HOST, logger: silent });
  const client = localClient(emulator.endpoint);
  let tables = 0;
  return {
    endpoint: emulator.endpoint,
    client,
    documentClient: DynamoDBDocumentClient.from(client),
    createTable: async () => {
      tables += 1;
      const tableName = `incidents-test-${process.pid}-${tables}`;
      const { table } = loadInfraDefinitions({ tableName });
      await ensureTable(client, table, silent);
      return tableName;
    },
    stop: async () => {
      client.destroy();
      await emulator.stop();
    },
  };
}

/** A client for an emulator endpoint: the project's client factory with local credentials and region. */
export function localClient(endpoint: string): DynamoDBClient {
  return createDynamoDbClient({
    region: LOCAL_REGION,
    endpoint,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 2,
    connectionTimeoutMs: 1_000,
    requestTimeoutMs: 10_000,
  });
}
