export type { StoredIncidentStatus } from '../../core/incident/read-model.ts';
export {
  DEFAULT_STORE_OPTIONS,
  DynamoDbIncidentStore,
  type DynamoDbStoreConfig,
  type DynamoDbStoreOptions,
} from './dynamodb-store.ts';
export {
  type IgnoredStreamRecord,
  type IncidentChange,
  type IncidentChangeKind,
  incidentChangeOf,
} from './incident-change.ts';
export {
  type IncidentDetail,
  IncidentQueries,
  type IncidentQueriesConfig,
  InvalidIncidentQueryError,
  type ListIncidentsFilter,
  type ListQuarantineFilter,
} from './incident-queries.ts';
export { MalformedItemError, type StoredIncident, type StoredQuarantineEntry } from './item-schemas.ts';
export { IndexName, ItemType } from './keys.ts';
