import { MemoryIncidentStore } from '../adapters/memory-store.ts';
import type { CorrelationConfig } from '../core/config.ts';
import type { Incident } from '../core/incident/types.ts';
import type { BatchRecord, BatchReport } from '../core/pipeline/batch-types.ts';
import { processBatch } from '../core/pipeline/process-batch.ts';
import { normalizeInput } from '../core/signals/normalize.ts';

export interface OfflineInput {
  readonly name: string;
  readonly bytes: Uint8Array;
}

export interface OfflineResult {
  readonly incidents: readonly Incident[];
  readonly report: BatchReport;
}

/**
 * The whole pipeline with the in-memory store: events in, incidents out, no AWS. Each input (a
 * file) is one record; the horizon is unbounded because everything is in memory anyway.
 */
export async function correlateOffline(
  inputs: readonly OfflineInput[],
  config: CorrelationConfig,
  clock: () => number,
): Promise<OfflineResult> {
  const store = new MemoryIncidentStore();
  const records: BatchRecord[] = inputs.map((input) => ({
    recordId: input.name,
    position: [],
    data: input.bytes,
  }));
  const report = await processBatch(records, {
    store,
    config: { ...config, contextHorizonMs: Number.POSITIVE_INFINITY },
    normalize: (record) => normalizeInput(record.data),
    now: clock,
    delay: async () => undefined,
    scopeConcurrency: 4,
    maxCommitAttempts: 3,
  });
  return { incidents: store.allIncidents(), report };
}
