import { map, type OperatorFunction } from 'rxjs';
import type { NormalizeResult } from '../signals/types.ts';
import type { BatchRecord, NormalizedRecord } from './batch-types.ts';

/** Decode and normalize each record; the normalizer never throws, so one bad record cannot stop a batch. */
export function normalizeRecords(
  normalize: (record: BatchRecord) => readonly NormalizeResult[],
): OperatorFunction<BatchRecord, NormalizedRecord> {
  return map((record) => ({ record, results: normalize(record) }));
}
