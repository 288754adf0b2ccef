import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { incidentDigest } from '../../core/incident/digest.ts';
import type { Incident, TimelineEntry } from '../../core/incident/types.ts';
import {
  HEADER_LIST_FIELDS,
  parseIncidentHeaderItem,
  parseTimelineIndexItem,
  parseTimelineItem,
  parseTimelinePackItem,
  type RawItem,
  type StoredIncident,
  type TimelineIndex,
} from './item-schemas.ts';
import {
  fitTimelineKeys,
  type IncidentHeaderFields,
  partsByJsonSize,
  serializedSize,
  shrinkHeader,
} from './item-size.ts';
import {
  HEAD_SK,
  ItemType,
  incidentHeaderKey,
  incidentPk,
  listingKey,
  openedGsiSk,
  type StoredIncidentStatus,
  stateMachineGsiPk,
  statusGsiPk,
  TIMELINE_INDEX_SK,
  TIMELINE_PACK_SK_PREFIX,
  TIMELINE_SK_PREFIX,
  timelineEntrySk,
  timelineIndexKey,
} from './keys.ts';

/**
 * The incident codec. An incident is stored as four kinds of items in its own partition:
 * - the header (`HEAD`): every field but the timeline, as real attributes but its lists (one gzipped
 *   attribute, see `withPackedLists`), so the table's stream carries complete NEW/OLD images; it
 *   also keeps `derivedDigest`, the `incidentDigest` of the incident as the engine handed it over,
 *   before any shrinking, so a shrunk header still compares equal to the derivation that produced it;
 * - the listing (`LIST`, `listingItem`): the index keys and the status, the only item the two GSIs
 *   hold of an incident written by this engine. A header is rewritten at every change of its
 *   incident and the indexes project whole items, so keeping it out of them saves two writes of its
 *   kilobytes per change; the listing changes only with the status or the opening. Headers written
 *   before listings carry the index keys themselves, and readers take either (incident-queries.ts);
 * - timeline packs (`EVTP#…`, `timelineWrite`): the entries one commit added, as one gzipped item,
 *   instead of an item per entry (`EVT#…`, as written before packs, still read);
 * - the timeline index (`TIMELINE`): the sort keys of the entries that make up the current timeline,
 *   in order, and which pack holds each. The engine bounds and re-derives the timeline, so entries
 *   fall out of it (the middle of a long incident, a resolution that a late failure undid); readers
 *   follow the index, never "every entry stored", and a commit deletes the packs and entry items
 *   none of whose entries is left in the same transaction as the new index.
 */

export type Item = Record<string, unknown>;

export interface ItemLimits {
  /** Serialized header budget: far below 400 KB, leaving room for bookkeeping and stream images. */
  readonly maxHeaderBytes: number;
  readonly maxTimelineIndexBytes: number;
}

export const DEFAULT_ITEM_LIMITS: ItemLimits = {
  maxHeaderBytes: 300 * 1024,
  maxTimelineIndexBytes: 300 * 1024,
};

export interface HeaderMeta {
  /** The scope version this commit writes: which commit last wrote the header. */
  readonly scopeVersion: number;
  readonly updatedAt: string;
}

export interface IncidentItems {
  readonly header: Item;
  readonly listing: Item;
  /** `incidentDigest` of the incident as given, before shrinking: stored on the header. */
  readonly derivedDigest: string;
  /** The timeline's sort keys in order, exactly as the index lists them. */
  readonly timelineKeys: readonly string[];
  /** The entry of each distinct timeline sort key. */
  readonly timelineEntries: ReadonlyMap<string, TimelineEntry>;
  readonly shrunk: boolean;
}

export function incidentItems(
  incident: Incident,
  meta: HeaderMeta,
  limits: ItemLimits = DEFAULT_ITEM_LIMITS,
): IncidentItems {
  const { timeline, ...fields } = incident;
  const derivedDigest = incidentDigest(incident);
  const keyed = timeline.map((entry) => ({ sk: timelineEntrySk(entry), entry }));
  const fitted = fitTimelineKeys(
    keyed,
    ({ sk }) => Buffer.byteLength(sk, 'utf8') + INDEX_BYTES_PER_ENTRY,
    limits.maxTimelineIndexBytes,
  );
  const unshrunk: IncidentHeaderFields = {
    ...fields,
    timelineOmitted: fields.timelineOmitted + fitted.dropped,
  };
  // Shrinking adds what it drops from the capped lists to `omitted`, as the fit above adds to
  // `timelineOmitted`.
  const { header, shrunk } = shrinkHeader(
    unshrunk,
    (candidate) => serializedSize(headerItem(candidate, meta, true, derivedDigest)),
    limits.maxHeaderBytes,
  );
  const timelineKeys = fitted.kept.map(({ sk }) => sk);
  return {
    header: withPackedLists(headerItem(header, meta, shrunk || fitted.dropped > 0, derivedDigest)),
    listing: listingItem(incident.id, incident.status, incident.openedAt, incident.stateMachineArn),
    derivedDigest,
    timelineKeys,
    timelineEntries: new Map(fitted.kept.map(({ sk, entry }) => [sk, entry])),
    shrunk: shrunk || fitted.dropped > 0,
  };
}

/**
 * The header as stored: its lists as one gzipped attribute (item-schemas.ts, `HEADER_LIST_FIELDS`).
 * Shrinking measures the header before this, so what fits is what it was; the stored item is smaller.
 */
function withPackedLists(item: Item): Item {
  const lists: Record<string, unknown> = {};
  const rest: Item = {};
  const listFields: ReadonlySet<string> = new Set(HEADER_LIST_FIELDS);
  for (const [name, value] of Object.entries(item)) {
    if (listFields.has(name)) lists[name] = value;
    else rest[name] = value;
  }
  return { ...rest, lists: gzipSync(JSON.stringify(lists), { level: 6 }) };
}

/**
 * The item both indexes list an incident by: by status (`gsi1`) and by state machine (`gsi2`),
 * newest opening first. Nothing else, so a listing is one write unit in the table and in each index.
 */
export function listingItem(
  incidentId: string,
  status: StoredIncidentStatus,
  openedAt: string,
  stateMachineArn: string,
): Item {
  const sortKey = openedGsiSk(openedAt, incidentId);
  return {
    ...listingKey(incidentId),
    type: ItemType.listing,
    status,
    gsi1pk: statusGsiPk(status),
    gsi1sk: sortKey,
    gsi2pk: stateMachineGsiPk(stateMachineArn),
    gsi2sk: sortKey,
  };
}

function headerItem(
  header: IncidentHeaderFields,
  meta: HeaderMeta,
  shrunk: boolean,
  derivedDigest: string,
): Item {
  return withoutUndefined({
    ...incidentHeaderKey(header.id),
    type: ItemType.incident,
    id: header.id,
    stateMachineArn: header.stateMachineArn,
    title: header.title,
    status: header.status,
    severity: header.severity,
    openedAt: header.openedAt,
    lastSignalAt: header.lastSignalAt,
    resolvedAt: header.resolvedAt,
    flapCount: header.flapCount,
    counts: header.counts,
    executions: header.executions,
    alarms: header.alarms,
    apiCalls: header.apiCalls,
    actors: header.actors,
    hints: header.hints,
    timelineOmitted: header.timelineOmitted,
    omitted: header.omitted,
    signalCount: header.signalCount,
    traffic: header.traffic,
    scopeVersion: meta.scopeVersion,
    updatedAt: meta.updatedAt,
    shrunk,
    derivedDigest,
  });
}

/**
 * What an index entry costs beyond its sort key: list overhead, its `packOf` number, and at worst a
 * pack of its own in `packs`.
 */
const INDEX_BYTES_PER_ENTRY = 4 + 4 + 24;

/** JSON text per timeline pack before compression, far below the item limit (as for context packs). */
const MAX_TIMELINE_PACK_JSON_BYTES = 256 * 1024;

/** How one commit stores an incident's timeline, given the index stored before it. */
export interface TimelineWrite {
  /** Packs of the entries the stored index does not hold: put (idempotently) before the commit. */
  readonly packs: readonly Item[];
  /** The new index; undefined when the stored one lists exactly these entries already. */
  readonly index: Item | undefined;
  /** Packs and entry items none of whose entries the new index lists: deleted with it. */
  readonly deletes: readonly string[];
}

/**
 * DynamoDB bills each item written by the kilobyte, rounded up, and a timeline entry is a line of
 * text: one item per entry cost a write unit each, a seventh of the bench mix's bulk writes. A
 * commit now writes the entries it adds to an incident as packs (`EVTP#<digest of their keys>`,
 * so a retried commit writes the same item), and the index says which pack holds each entry. A
 * pack stays while any of its entries is listed; once none is, the commit that drops the last one
 * deletes it with the index, as it deletes an entry item of its own (written before packs).
 */
export function timelineWrite(
  incidentId: string,
  keys: readonly string[],
  entries: ReadonlyMap<string, TimelineEntry>,
  stored: TimelineIndex | undefined,
): TimelineWrite {
  if (stored !== undefined && sameKeys(stored.entries, keys))
    return { packs: [], index: undefined, deletes: [] };
  // Where each stored entry is: its pack's sort key, or null for an item of its own.
  const storedAt = new Map<string, string | null>();
  stored?.entries.forEach((sk, position) => {
    const pack = stored.packOf[position] ?? -1;
    storedAt.set(sk, pack < 0 ? null : (stored.packs[pack] ?? null));
  });
  const fresh = keys.filter((sk) => !storedAt.has(sk));
  const packs = timelinePackItems(incidentId, fresh, entries);
  const at = new Map(storedAt);
  for (const pack of packs) for (const sk of pack.keys) at.set(sk, pack.sk);
  const listedPacks: string[] = [];
  const packOf = keys.map((sk) => {
    const pack = at.get(sk) ?? null;
    if (pack === null) return -1;
    let position = listedPacks.indexOf(pack);
    if (position < 0) position = listedPacks.push(pack) - 1;
    return position;
  });
  const kept = new Set(keys);
  const keptPacks = new Set(listedPacks);
  const deletes = [
    ...[...storedAt].filter(([sk, pack]) => pack === null && !kept.has(sk)).map(([sk]) => sk),
    ...new Set((stored?.packs ?? []).filter((pack) => !keptPacks.has(pack))),
  ];
  return {
    packs: packs.map((pack) => pack.item),
    index: {
      ...timelineIndexKey(incidentId),
      type: ItemType.timelineIndex,
      incidentId,
      contents: gzipSync(JSON.stringify({ entries: keys, packs: listedPacks, packOf }), { level: 6 }),
    },
    deletes,
  };
}

function timelinePackItems(
  incidentId: string,
  keys: readonly string[],
  entries: ReadonlyMap<string, TimelineEntry>,
): { sk: string; keys: readonly string[]; item: Item }[] {
  const asJson = (sk: string) => {
    const entry = entries.get(sk);
    if (entry === undefined) throw new Error(`timeline entry ${sk} has no entry`);
    return JSON.stringify(withoutUndefined({ sk, ...entry }));
  };
  const parts = partsByJsonSize([...new Set(keys)].sort(), asJson, MAX_TIMELINE_PACK_JSON_BYTES);
  return parts.map(({ items: packKeys, json }) => {
    const digest = createHash('sha256').update(packKeys.join('\n')).digest('hex').slice(0, 16);
    const sk = `${TIMELINE_PACK_SK_PREFIX}${digest}`;
    return {
      sk,
      keys: packKeys,
      item: {
        pk: incidentPk(incidentId),
        sk,
        type: ItemType.timelinePack,
        incidentId,
        count: packKeys.length,
        entries: gzipSync(`[${json.join(',')}]`, { level: 6 }),
      },
    };
  });
}

const sameKeys = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((value, index) => value === b[index]);

/**
 * DynamoDB has no `undefined`: optional fields the engine leaves undefined are omitted, so the
 * store works whatever marshalling options the document client was built with.
 */
export function withoutUndefined(item: Item): Item {
  const result: Item = {};
  for (const [key, value] of Object.entries(item)) {
    if (value !== undefined) result[key] = stripUndefined(value);
  }
  return result;
}

function stripUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripUndefined);
  if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array)) {
    return withoutUndefined(Object.fromEntries(Object.entries(value)));
  }
  return value;
}

export interface IncidentRead {
  readonly header: StoredIncident;
  /** What the engine derived before shrinking (see `incidentItems`); undefined on older headers. */
  readonly derivedDigest: string | undefined;
  readonly timeline: readonly TimelineEntry[];
  /**
   * Index entries whose item was not seen. Items are written before the index that names them, so
   * this only happens when a newer commit deleted them while the partition was being read.
   */
  readonly missingTimelineEntries: number;
}

/** Decodes the items of one incident partition (in any order); undefined when it has no header. */
export function readIncidentPartition(items: readonly RawItem[]): IncidentRead | undefined {
  let headerItem: RawItem | undefined;
  let indexItem: RawItem | undefined;
  const timelineBySk = new Map<string, RawItem>();
  const packsBySk = new Map<string, RawItem>();
  for (const item of items) {
    const sk = item.sk;
    if (sk === HEAD_SK) headerItem = item;
    else if (sk === TIMELINE_INDEX_SK) indexItem = item;
    else if (typeof sk === 'string' && sk.startsWith(TIMELINE_SK_PREFIX)) timelineBySk.set(sk, item);
    else if (typeof sk === 'string' && sk.startsWith(TIMELINE_PACK_SK_PREFIX)) packsBySk.set(sk, item);
  }
  if (headerItem === undefined) return undefined;
  const { header, derivedDigest } = parseIncidentHeaderItem(headerItem);
  const index = indexItem === undefined ? undefined : parseTimelineIndexItem(indexItem);
  const decoded = new Map<string, ReadonlyMap<string, TimelineEntry>>();
  const packEntries = (packSk: string) => {
    let entries = decoded.get(packSk);
    if (entries === undefined) {
      const item = packsBySk.get(packSk);
      entries = item === undefined ? new Map() : parseTimelinePackItem(item);
      decoded.set(packSk, entries);
    }
    return entries;
  };
  const timeline: TimelineEntry[] = [];
  let missing = 0;
  index?.entries.forEach((sk, position) => {
    const pack = index.packs[index.packOf[position] ?? -1];
    const item = pack === undefined ? timelineBySk.get(sk) : undefined;
    const entry = pack !== undefined ? packEntries(pack).get(sk) : item && parseTimelineItem(item).entry;
    if (entry === undefined) missing++;
    else timeline.push(entry);
  });
  return { header, derivedDigest, timeline, missingTimelineEntries: missing };
}

/**
 * The engine's view of a stored incident, fields in the order the engine builds them. A superseded
 * header is history, not part of its scope any more: undefined.
 */
export function engineIncident(
  header: StoredIncident,
  timeline: readonly TimelineEntry[],
): Incident | undefined {
  if (header.status === 'SUPERSEDED') return undefined;
  return {
    id: header.id,
    stateMachineArn: header.stateMachineArn,
    title: header.title,
    status: header.status,
    severity: header.severity,
    openedAt: header.openedAt,
    lastSignalAt: header.lastSignalAt,
    resolvedAt: header.resolvedAt,
    flapCount: header.flapCount,
    counts: header.counts,
    executions: header.executions,
    alarms: header.alarms,
    apiCalls: header.apiCalls,
    actors: header.actors,
    hints: header.hints,
    timeline,
    timelineOmitted: header.timelineOmitted,
    omitted: {
      executions: header.omitted.executions,
      alarms: header.omitted.alarms,
      apiCalls: header.omitted.apiCalls,
      hints: header.omitted.hints,
    },
    signalCount: header.signalCount,
    traffic: {
      started: header.traffic.started,
      succeeded: header.traffic.succeeded,
      failed: header.traffic.failed,
      hourBefore: { finished: header.traffic.hourBefore.finished, failed: header.traffic.hourBefore.failed },
    },
  };
}
