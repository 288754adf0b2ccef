import { formatPosition } from '../input/position.ts';
import { redactSecrets } from '../redact-secrets.ts';
import type { BatchSignal, NormalizedRecord, RecordOutcome } from './batch-types.ts';
import type { QuarantineEntry } from './ports.ts';

export interface BatchPlan {
  readonly signals: readonly BatchSignal[];
  readonly quarantine: readonly QuarantineEntry[];
  /** Outcomes already final before any store work: ignored and wholly quarantined records. */
  readonly settled: readonly RecordOutcome[];
  /** Records that carry at least one signal, with how many of their items were quarantined. */
  readonly carrying: ReadonlyMap<string, { readonly signals: number; readonly quarantined: number }>;
  readonly duplicates: number;
  readonly ignored: number;
}

/**
 * Sorts a normalized batch into what needs the store (signals, deduplicated by id) and what is
 * settled already. A record whose items were all rejected is quarantined whole with its raw bytes.
 */
export function planBatch(records: readonly NormalizedRecord[], quarantinedAt: string): BatchPlan {
  const bySignalId = new Map<string, { signal: BatchSignal['signal']; recordIds: string[] }>();
  const quarantine: QuarantineEntry[] = [];
  const settled: RecordOutcome[] = [];
  const carrying = new Map<string, { signals: number; quarantined: number }>();
  let duplicates = 0;
  let ignored = 0;

  for (const { record, results } of records) {
    let signals = 0;
    let rejected = 0;
    let ignoredReason: string | undefined;
    for (const result of results) {
      if (result.result === 'signal' && result.signal.subjects.length === 0) {
        // Well-formed but about nothing we can scope or keep (e.g. ListStateMachines): say so.
        ignored++;
        ignoredReason ??= `${result.signal.kind} names no resource`;
      } else if (result.result === 'signal') {
        signals++;
        const known = bySignalId.get(result.signal.signalId);
        if (known === undefined)
          bySignalId.set(result.signal.signalId, { signal: result.signal, recordIds: [record.recordId] });
        else {
          duplicates++;
          if (!known.recordIds.includes(record.recordId)) known.recordIds.push(record.recordId);
        }
      } else if (result.result === 'rejected') {
        rejected++;
        const { bytes, redactions } = redactSecrets(record.data);
        quarantine.push({
          recordId: record.recordId,
          position: result.position,
          reason: `${result.reason} at ${formatPosition(result.position) || '(whole record)'}`,
          raw: bytes,
          rawRedactions: redactions,
          quarantinedAt,
        });
      } else {
        ignored++;
        ignoredReason ??= result.reason;
      }
    }
    if (signals > 0) carrying.set(record.recordId, { signals, quarantined: rejected });
    else if (rejected > 0)
      settled.push({
        recordId: record.recordId,
        status: 'quarantined',
        reason: firstReason(quarantine, record.recordId),
      });
    else
      settled.push({
        recordId: record.recordId,
        status: 'ignored',
        reason: ignoredReason ?? 'record held no event',
      });
  }
  return { signals: [...bySignalId.values()], quarantine, settled, carrying, duplicates, ignored };
}

function firstReason(entries: readonly QuarantineEntry[], recordId: string): string {
  return entries.find((entry) => entry.recordId === recordId)?.reason ?? 'rejected';
}
