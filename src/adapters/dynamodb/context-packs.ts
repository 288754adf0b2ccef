import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { z } from 'zod';
import { type Signal, signalSchema } from '../../core/signals/types.ts';
import type { Item } from './incident-items.ts';
import {
  describeItemKey,
  gunzipJson,
  MalformedItemError,
  parseItem,
  parseSignalItem,
  type RawItem,
} from './item-schemas.ts';
import { partsByJsonSize } from './item-size.ts';
import { carryPackSk, contextPackSk, contextPackStart, ItemType, ttlSeconds } from './keys.ts';

/**
 * Kept context as packs (docs/architecture.md, "Packed context"): what one write files in one
 * partition becomes one item per 10 minutes of event time, its signals as gzipped JSON, instead of
 * one item per signal. A pack's key is its partition, its start and the digest of the ids it holds,
 * so writing the same signals again (a retried batch) rewrites the same items; a redelivery in
 * another batch makes another pack, and readers take the union by signal id.
 */

/** One signal to be filed in one partition. */
export interface ContextFiling {
  readonly pk: string;
  readonly signal: Signal;
}

/**
 * JSON text per pack before compression: with the item's other attributes it stays far below
 * DynamoDB's 400 KB item limit, even if a pack's signals did not compress at all.
 */
export const MAX_PACK_JSON_BYTES = 256 * 1024;

export function contextPackItems(
  filings: readonly ContextFiling[],
  nowMs: number,
  retentionMs: number,
): Item[] {
  const groups = new Map<string, { pk: string; startMs: number; signals: Map<string, Signal> }>();
  for (const { pk, signal } of filings) {
    const startMs = contextPackStart(signal.eventTimeMs);
    const key = `${pk}\n${startMs}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = { pk, startMs, signals: new Map() };
      groups.set(key, group);
    }
    group.signals.set(signal.signalId, signal);
  }
  const items: Item[] = [];
  for (const { pk, startMs, signals } of groups.values()) {
    // By id, so the same signals always make the same packs, whatever order they came in.
    const sorted = [...signals.values()].sort((a, b) => (a.signalId < b.signalId ? -1 : 1));
    for (const part of partsByJsonSize(sorted, (signal) => JSON.stringify(signal), MAX_PACK_JSON_BYTES))
      items.push(packItem(pk, startMs, { signals: part.items, json: part.json }, nowMs, retentionMs));
  }
  return items;
}

/**
 * A seal's carry (core/pipeline/seal.ts) as a pack in the scope's decisive partition, keyed at the
 * seal: each view of the seal starts a look-back before it and so reads it, and its signals join
 * the view whatever their own time (`isCarryPack`). Kept off the STATE item, the carry costs bytes
 * in the derivations that read the partition anyway, not in every write and bulk read of the state
 * (docs/architecture.md, "Sealed incidents").
 *
 * Any carry pack a view reads is safe, including one of a later seal whose commit lost its race or
 * of an earlier seal a look-back away: a carry holds, per alarm, its latest transition,
 * configuration change and deletion before some time, so each of its signals is either inside the
 * view anyway or the latest of its kind before the view for that alarm, which the view's own carry
 * also holds or supersedes with a later one. Extra true signals from before the view are signals
 * the reference model sees too.
 *
 * One item, never split: a carry holds at most `MAX_CARRIED_SIGNALS` signals (seal.ts), which
 * gzipped stay far below the item limit, as they did on the STATE item.
 */
export function carryPackItem(
  pk: string,
  sealedThroughMs: number,
  carry: readonly Signal[],
  nowMs: number,
  retentionMs: number,
): Item | undefined {
  if (carry.length === 0) return undefined;
  const sorted = [...carry].sort((a, b) => (a.signalId < b.signalId ? -1 : 1));
  const json = sorted.map((signal) => JSON.stringify(signal));
  const item = packItem(pk, sealedThroughMs, { signals: sorted, json }, nowMs, retentionMs);
  return {
    ...item,
    sk: carryPackSk(sealedThroughMs, idsDigest(sorted)),
    carried: true,
    // Like the context it stands for: at least as long as any view of the seal can read it.
    expiresAt: ttlSeconds(Math.max(sealedThroughMs, nowMs) + retentionMs),
  };
}

const idsDigest = (signals: readonly Signal[]): string =>
  createHash('sha256')
    .update(signals.map((signal) => signal.signalId).join('\n'))
    .digest('hex')
    .slice(0, 32);

/** A carry pack's signals join a view whatever their own time (see `carryPackItem`). */
export const isCarryPack = (item: RawItem): boolean =>
  item.type === ItemType.signalPack && item.carried === true;

function packItem(
  pk: string,
  startMs: number,
  { signals, json }: { signals: readonly Signal[]; json: readonly string[] },
  nowMs: number,
  retentionMs: number,
): Item {
  const digest = idsDigest(signals);
  const latestMs = Math.max(...signals.map((signal) => signal.eventTimeMs));
  return {
    pk,
    sk: contextPackSk(startMs, digest),
    type: ItemType.signalPack,
    count: signals.length,
    signals: gzipSync(`[${json.join(',')}]`, { level: 6 }),
    // Like a signal item's: from the later of event time and now, so a replay is not expired on arrival.
    expiresAt: ttlSeconds(Math.max(latestMs, nowMs) + retentionMs),
  };
}

const packItemSchema = z.object({
  pk: z.string(),
  sk: z.string(),
  type: z.literal(ItemType.signalPack),
  signals: z.instanceof(Uint8Array),
});

/** The signals of a context item: a pack's, or the one of a signal item written before packs. */
export function signalsOfContextItem(item: RawItem): Signal[] {
  if (item.type !== ItemType.signalPack) return [parseSignalItem(item)];
  const { signals: bytes } = parseItem(packItemSchema, item, 'signal pack');
  const what = `Malformed signal pack item ${describeItemKey(item)}`;
  const json = gunzipJson(bytes, what, 'signals');
  const result = z.array(signalSchema).safeParse(json);
  if (!result.success)
    throw new MalformedItemError(`${what}: not a list of signals`, { cause: result.error });
  return result.data;
}
