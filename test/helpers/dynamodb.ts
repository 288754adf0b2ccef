import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { pino } from 'pino';
import { inject } from 'vitest';
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

/** The run's shared DynamoDB Local (see test/global-setup.ts); `stop()` only releases this file's client. */
export async function sharedDynamoDbLocal(): Promise<DynamoDbLocal> {
  const endpoint = inject('dynamodbEndpoint');
  return handle(endpoint, async () => undefined);
}

/** A DynamoDB Local of this file's own, for tests that stop or restart the emulator. */
export async function startDynamoDbLocal(): Promise<DynamoDbLocal> {
  const emulator = await startEmulator({ host: LOCAL_HOST, logger: silent });
  return handle(emulator.endpoint, () => emulator.stop());
}

function handle(endpoint: string, stopEmulator: () => Promise<void>): DynamoDbLocal {
  const client = localClient(endpoint);
  let tables = 0;
  return {
    endpoint,
    client,
    documentClient: DynamoDBDocumentClient.from(client),
    createTable: async () => {
      tables += 1;
      const tableName = `incidents-test-${process.pid}-${Date.now().toString(36)}-${tables}`;
      const { table } = loadInfraDefinitions({ tableName });
      await ensureTable(client, table, silent);
      return tableName;
    },
    stop: async () => {
      client.destroy();
      await stopEmulator();
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
