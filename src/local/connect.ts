import type { Logger } from 'pino';
import { type AwsClients, createAwsClients } from '../adapters/aws-clients.ts';
import { LOCAL_CREDENTIALS } from './constants.ts';
import { discoverLocalStack } from './discover.ts';
import { LocalStackError } from './errors.ts';
import { createLocalEventBus, type LocalEventBus } from './event-bus.ts';
import { type LoadInfraOptions, loadInfraDefinitions } from './infra/load-infra.ts';
import type { LocalStackState } from './state-file.ts';

/**
 * A client-side handle on a local stack running in another process (`incidents start` in one
 * terminal, `incidents send` or `tail` in another): its clients and an event bus applying the
 * infra/ rules, without starting anything.
 */

export interface LocalStackConnection {
  readonly state: LocalStackState;
  readonly clients: AwsClients;
  readonly eventBus: LocalEventBus;
  close(): void;
}

export function createLocalStackClients(state: Pick<LocalStackState, 'region' | 'endpoints'>): AwsClients {
  return createAwsClients({
    region: state.region,
    credentials: LOCAL_CREDENTIALS,
    endpoints: state.endpoints,
  });
}

export async function connectToLocalStack(
  dataDir: string,
  logger: Logger,
  infra: Omit<LoadInfraOptions, 'tableName' | 'streamName' | 'region'> = {},
): Promise<LocalStackConnection> {
  const discovered = await discoverLocalStack(dataDir);
  if (discovered.status === 'absent') {
    throw new LocalStackError(`No local stack runs from ${dataDir}: start one with \`npm start\``);
  }
  if (discovered.status === 'stale') {
    throw new LocalStackError(`The local stack of ${dataDir} is not running (${discovered.reason})`);
  }
  const { state } = discovered;
  const definitions = loadInfraDefinitions({
    ...infra,
    region: state.region,
    tableName: state.tableName,
    streamName: state.streamName,
  });
  const clients = createLocalStackClients(state);
  return {
    state,
    clients,
    eventBus: createLocalEventBus({
      kinesis: clients.kinesis,
      streamName: state.streamName,
      rules: definitions.rules,
      logger,
      region: state.region,
    }),
    close: () => clients.destroy(),
  };
}
