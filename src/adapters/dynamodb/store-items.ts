import { createHash } from 'node:crypto';
import type { QuarantineEntry } from '../../core/pipeline/ports.ts';
import type { Link } from '../../core/topology/links.ts';
import type { Item } from './incident-items.ts';
import { ItemType, linkItemKey, quarantineKey, reverseLinkItemKey, ttlSeconds } from './keys.ts';

/** The items of the write-only facts: links and quarantined records (context: context-packs.ts). */

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
