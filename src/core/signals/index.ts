export {
  normalizeDecoded,
  normalizeEvent,
  normalizeInput,
  normalizeRecordPayload,
  normalizeValue,
} from './normalize.ts';
export { signalIdFor } from './signal-id.ts';
export type * from './types.ts';
export { EXECUTION_STATUSES } from './types.ts';
