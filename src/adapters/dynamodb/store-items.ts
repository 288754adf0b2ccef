import { createHash } from 'node:crypto';
import type { QuarantineEntry, ScopeFiling } from '../../core/pipeline/ports.ts';
import type { Signal } from '../../core/signals/types.ts';
import type { Link } from '../../core/topology/links.ts';
import type { Item } from './incident-items.ts';
import {
  contextKey,
  type ItemKey,
  ItemType,
  linkItemKey,
  quarantineKey,
  reverseLinkItemKey,
  scopeContextKey,
  ttlSeconds,
} from './keys.ts';

/** The items of the write-only facts: context signals, links and quarantined records. */

/**
 * One item per subject, in the partition of the signal's context class (see `contextKey`), the
 * signal kept as compact JSON: the engine reads it back whole, and a
 * string attribute costs less to store and parse than the same data as nested maps. The TTL runs
 * from the later of event time and now, so a replayed old event is not expired on arrival.
 */
export function contextItems(signal: Signal, nowMs: number, retentionMs: number): Item[] {
  return signal.subjects.flatMap((subject) =>
    signalItems(contextKey(subject, signal), signal, nowMs, retentionMs),
  );
}

/** The same item filed under a scope the signal was assigned to (see `scopeContextKey`). */
export function scopeContextItems(filing: ScopeFiling, nowMs: number, retentionMs: number): Item[] {
  const { stateMachineArn, signal } = filing;
  return signalItems(scopeContextKey(stateMachineArn, signal), signal, nowMs, retentionMs);
}

function signalItems(key: ItemKey | undefined, signal: Signal, nowMs: number, retentionMs: number): Item[] {
  if (key === undefined) return [];
  return [
    {
      ...key,
      type: ItemType.signal,
      signalId: signal.signalId,
      kind: signal.kind,
      eventTime: signal.eventTime,
      signal: JSON.stringify(signal),
      expiresAt: ttlSeconds(Math.max(signal.eventTimeMs, nowMs) + retentionMs),
    },
  ];
}

/** Both directions, so either side is one Query. */
export function linkItems(link: Link): Item[] {
  const fields = { type: ItemType.link, from: link.from, to: link.to, source: link.source };
  return [
    { ...linkItemKey(link), ...fields },
    { ...reverseLinkItemKey(link), ...fields },
  ];
}

/** Raw bytes beyond this are cut (the digest and size still describe the whole record). */
export const MAX_QUARANTINED_RAW_BYTES = 300 * 1024;
const MAX_REASON_CHARS = 4096;

export function quarantineItem(entry: QuarantineEntry, retentionMs: number): Item {
  const raw = entry.raw;
  const truncated = raw.byteLength > MAX_QUARANTINED_RAW_BYTES;
  return {
    ...quarantineKey(entry),
    type: ItemType.quarantine,
    recordId: entry.recordId,
    position: [...entry.position],
    reason: entry.reason.slice(0, MAX_REASON_CHARS),
    quarantinedAt: entry.quarantinedAt,
    raw: truncated ? raw.subarray(0, MAX_QUARANTINED_RAW_BYTES) : raw,
    rawBytes: raw.byteLength,
    rawSha256: createHash('sha256').update(raw).digest('hex'),
    rawTruncated: truncated,
    rawRedactions: entry.rawRedactions,
    expiresAt: ttlSeconds(Date.parse(entry.quarantinedAt) + retentionMs),
  };
}
