import { MemoryIncidentStore } from '../../src/adapters/memory-store.ts';
import { type CorrelationConfig, DEFAULT_CONFIG } from '../../src/core/config.ts';
import type { BatchRecord } from '../../src/core/pipeline/batch-types.ts';
import { type PipelineDeps, processBatch } from '../../src/core/pipeline/process-batch.ts';
import type { NormalizeResult, Signal } from '../../src/core/signals/types.ts';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Records whose bytes are normalized signals, so engine tests do not depend on the parser. */
export function signalRecords(signals: readonly Signal[], prefix = 'seq'): BatchRecord[] {
  return signals.map((signal, index) => ({
    recordId: `${prefix}-${index}`,
    position: ['Records', index],
    data: encoder.encode(JSON.stringify(signal)),
  }));
}

export function signalNormalizer(record: BatchRecord): NormalizeResult[] {
  const text = decoder.decode(record.data);
  if (text.startsWith('POISON'))
    return [{ result: 'rejected', position: record.position, reason: 'poison record' }];
  return [{ result: 'signal', position: record.position, signal: JSON.parse(text) as Signal }];
}

export function pipelineDeps(
  store: MemoryIncidentStore,
  config: CorrelationConfig = DEFAULT_CONFIG,
): PipelineDeps {
  return {
    store,
    config,
    normalize: signalNormalizer,
    now: () => Date.parse('2026-03-02T12:00:00.000Z'),
    delay: async () => undefined,
    scopeConcurrency: 4,
    maxCommitAttempts: 5,
  };
}

/** Runs the batches one after another through a fresh in-memory store and returns its incidents. */
export async function incidentsAfter(batches: readonly BatchRecord[][], config?: CorrelationConfig) {
  const store = new MemoryIncidentStore();
  for (const batch of batches) await processBatch(batch, pipelineDeps(store, config));
  return store.allIncidents();
}
