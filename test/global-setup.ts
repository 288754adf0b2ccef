import { pino } from 'pino';
import type { TestProject } from 'vitest/node';
import { LOCAL_HOST } from '../src/local/constants.ts';
import { startDynamoDbLocal } from '../src/local/dynamodb-local.ts';

/**
 * One DynamoDB Local for every integration test that needs only a table (each test creates its own,
 * uniquely named): the JVM starts once per run instead of once per file. Tests that exercise the
 * emulator's lifecycle itself (restarts, kills, the local stack) still start their own.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const emulator = await startDynamoDbLocal({ host: LOCAL_HOST, logger: pino({ level: 'silent' }) });
  project.provide('dynamodbEndpoint', emulator.endpoint);
  return async () => {
    await emulator.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}
