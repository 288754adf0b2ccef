/** The embedded local runtime: emulators, resources from infra/, local EventBridge and event source mappings. */

export {
  type CompiledEventPattern,
  compileEventPattern,
  matchesEventPattern,
} from '../adapters/event-pattern.ts';
export type { OnFailureDestination, OnFailureRecord } from '../adapters/stream-polling/on-failure.ts';
export type {
  BatchPolicy,
  EventSource,
  EventSourceStats,
  PollingOptions,
} from '../adapters/stream-polling/types.ts';
export {
  type DynamoDbStreamHandler,
  type DynamoDbStreamSourceOptions,
  startDynamoDbStreamSource,
} from '../adapters/table-stream/stream-source.ts';
export { connectToLocalStack, createLocalStackClients, type LocalStackConnection } from './connect.ts';
export { LOCAL_CREDENTIALS, LOCAL_REGION, LOCAL_STAGE } from './constants.ts';
export { type DiscoveredLocalStack, discoverLocalStack } from './discover.ts';
export {
  type DynamoDbLocalOptions,
  type DynamoDbLocalProcess,
  startDynamoDbLocal,
} from './dynamodb-local.ts';
export { EmulatorStartError, JavaNotFoundError, LocalStackError } from './errors.ts';
export { createLocalEventBus, type LocalEventBus, type PutEventsResult } from './event-bus.ts';
export { type InfraDefinitions, type LoadInfraOptions, loadInfraDefinitions } from './infra/load-infra.ts';
export { type KinesaliteServer, startKinesalite } from './kinesalite-server.ts';
export {
  type KinesisBatchHandler,
  type KinesisEventSourceOptions,
  startKinesisEventSource,
} from './kinesis-event-source.ts';
export { ensureStream, ensureTable } from './resources.ts';
export {
  type AttachKinesisOptions,
  type AttachTableStreamOptions,
  type LocalStack,
  type StartLocalStackOptions,
  startLocalStack,
} from './stack.ts';
export type { LocalStackState } from './state-file.ts';
