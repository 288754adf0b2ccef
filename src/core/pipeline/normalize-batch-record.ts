import { INPUT_LIMITS } from '../limits.ts';
import { normalizeRecordPayload } from '../signals/normalize.ts';
import { DEFAULT_NORMALIZE_OPTIONS, type NormalizeOptions } from '../signals/normalize-options.ts';
import type { NormalizeResult } from '../signals/types.ts';
import type { BatchRecord } from './batch-types.ts';

/** The normalizer the pipeline runs on real records: envelope failures first, then the payload. */
export function normalizeBatchRecordWith(
  options: NormalizeOptions,
): (record: BatchRecord) => NormalizeResult[] {
  return (record) => {
    if (record.undecodable !== undefined) {
      return [{ result: 'rejected', position: record.position, reason: record.undecodable }];
    }
    return normalizeRecordPayload(record.data, record.position, INPUT_LIMITS, options);
  };
}

export const normalizeBatchRecord = normalizeBatchRecordWith(DEFAULT_NORMALIZE_OPTIONS);
