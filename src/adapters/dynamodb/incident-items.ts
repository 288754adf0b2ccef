import { gzipSync } from 'node:zlib';
import { incidentDigest } from '../../core/incident/digest.ts';
import type { Incident, TimelineEntry } from '../../core/incident/types.ts';
import {
  HEADER_LIST_FIELDS,
  parseIncidentHeaderItem,
  parseTimelineIndexItem,
  parseTimelineItem,
  type RawItem,
  type StoredIncident,
} from './item-schemas.ts';
import { fitTimelineKeys, type IncidentHeaderFields, serializedSize, shrinkHeader } from './item-size.ts';
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
 * - one item per timeline entry (`EVT#…`);
 * - the timeline index (`TIMELINE`): the sort keys of the entries that make up the current timeline,
 *   in order. The engine bounds and re-derives the timeline, so entries fall out of it (the middle
 *   of a long incident, a resolution that a late failure undid); readers follow the index, never
 *   "every EVT item", and a commit deletes what fell out in the same transaction as the new index.
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
  readonly timelineIndex: Item;
  /** The timeline's sort keys in order, exactly as the index lists them. */
  readonly timelineKeys: readonly string[];
  /** One item per distinct timeline sort key. */
  readonly timeline: ReadonlyMap<string, Item>;
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
    ({ sk }) => Buffer.byteLength(sk, 'utf8') + 4,
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
    timelineIndex: {
      ...timelineIndexKey(incident.id),
      type: ItemType.timelineIndex,
      incidentId: incident.id,
      entries: timelineKeys,
    },
    timelineKeys,
    timeline: new Map(fitted.kept.map(({ sk, entry }) => [sk, timelineItem(incident.id, sk, entry)])),
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

function timelineItem(incidentId: string, sk: string, entry: TimelineEntry): Item {
  return withoutUndefined({
    pk: incidentPk(incidentId),
    sk,
    type: ItemType.timeline,
    incidentId,
    at: entry.at,
    kind: entry.kind,
    summary: entry.summary,
    signalId: entry.signalId,
  });
}

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
  for (const item of items) {
    const sk = item.sk;
    if (sk === HEAD_SK) headerItem = item;
    else if (sk === TIMELINE_INDEX_SK) indexItem = item;
    else if (typeof sk === 'string' && sk.startsWith(TIMELINE_SK_PREFIX)) timelineBySk.set(sk, item);
  }
  if (headerItem === undefined) return undefined;
  const { header, derivedDigest } = parseIncidentHeaderItem(headerItem);
  const keys = indexItem === undefined ? [] : parseTimelineIndexItem(indexItem).entries;
  const timeline: TimelineEntry[] = [];
  let missing = 0;
  for (const sk of keys) {
    const item = timelineBySk.get(sk);
    if (item === undefined) missing++;
    else timeline.push(parseTimelineItem(item).entry);
  }
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
