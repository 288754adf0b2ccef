import { normalizeRecordPayload } from '../signals/normalize.ts';
import type { NormalizeResult } from '../signals/types.ts';
import type { BatchRecord } from './batch-types.ts';

/** The normalizer the pipeline runs on real records: envelope failures first, then the payload. */
export function normalizeBatchRecord(record: BatchRecord): NormalizeResult[] {
  if (record.undecodable !== undefined) {
    return [{ result: 'rejected', position: record.position, reason: record.undecodable }];
  }
  return normalizeRecordPayload(record.data, record.position);
}
