/**
 * The public API of sfn-incident-correlator as a library: query the incidents table, decode its
 * stream into typed incident changes, and run the correlation engine yourself.
 */

export { type AwsClients, createAwsClients } from './adapters/aws-clients.ts';
export {
  DynamoDbIncidentStore,
  type IgnoredStreamRecord,
  type IncidentChange,
  type IncidentChangeKind,
  type IncidentDetail,
  IncidentQueries,
  InvalidIncidentQueryError,
  incidentChangeOf,
  type ListIncidentsFilter,
  type ListQuarantineFilter,
  type StoredIncident,
  type StoredQuarantineEntry,
} from './adapters/dynamodb/index.ts';
export { MemoryIncidentStore } from './adapters/memory-store.ts';
export { type CorrelationConfig, DEFAULT_CONFIG, withConfig } from './core/config.ts';
export { correlateScope } from './core/incident/correlate.ts';
export type * from './core/incident/types.ts';
export type { IncidentStore } from './core/pipeline/ports.ts';
export { processBatch } from './core/pipeline/process-batch.ts';
export { normalizeEvent, normalizeInput } from './core/signals/normalize.ts';
export type * from './core/signals/types.ts';
export * from './errors.ts';
export { correlateOffline } from './runtime/correlate-offline.ts';
export { parseCorrelationConfig } from './runtime/correlation-config.ts';
export { createIncidentStreamHandler, toPublishable } from './runtime/incident-stream.ts';
export { createKinesisConsumer } from './runtime/kinesis-consumer.ts';
