import { type ContextClass, contextClassOf } from '../../core/context/context-class.ts';
import type { IncidentStatus, TimelineEntry } from '../../core/incident/types.ts';
import { formatPosition } from '../../core/input/position.ts';
import type { QuarantineEntry } from '../../core/pipeline/ports.ts';
import type { Signal } from '../../core/signals/types.ts';
import type { Link } from '../../core/topology/links.ts';

/**
 * The single-table layout (DESIGN §5), in one place: every key, index key and item type the
 * adapters read or write is spelled here, so the layout can be reviewed without reading I/O code.
 * Context is filed per class of signal (CTX#, CTXA#); healthy runs live in the scope's STATE item
 * as a traffic summary. See "Context" below, with the story of older items (no migration needed).
 */

export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

/** The `type` attribute every item carries, so a scan or a stream record tells its kind at a glance. */
export const ItemType = {
  incident: 'INCIDENT',
  listing: 'LISTING',
  timeline: 'TIMELINE',
  timelinePack: 'TIMELINE_PACK',
  timelineIndex: 'TIMELINE_INDEX',
  scope: 'SCOPE',
  openPointer: 'OPEN_POINTER',
  signal: 'SIGNAL',
  signalPack: 'SIGNAL_PACK',
  link: 'LINK',
  topologyVersion: 'TOPOLOGY_VERSION',
  trafficHour: 'TRAFFIC_HOUR',
  quarantine: 'QUARANTINE',
} as const;

export const IndexName = { byStatus: 'byStatus', byStateMachine: 'byStateMachine' } as const;

/** Incidents a later derivation merged into another one keep their header under this status. */
export type StoredIncidentStatus = IncidentStatus | 'SUPERSEDED';

// Incident partition: the header, the listing, the timeline index and the timeline entries share
// `INC#<id>`, so one Query on the partition returns the incident with its timeline.
export const INCIDENT_PREFIX = 'INC#';
export const HEAD_SK = 'HEAD';
/**
 * What the two indexes hold of an incident (incident-items.ts, `listingItem`): its keys and status,
 * rewritten only when they change, so a header rewrite is not billed in both indexes too.
 */
export const LISTING_SK = 'LIST';
/** Which timeline items are the incident's current timeline, in order (see incident-items.ts). */
export const TIMELINE_INDEX_SK = 'TIMELINE';
export const TIMELINE_SK_PREFIX = 'EVT#';
/** Timeline entries a commit added, as one item (incident-items.ts, `timelinePackItems`). */
export const TIMELINE_PACK_SK_PREFIX = 'EVTP#';

export const incidentPk = (incidentId: string): string => `${INCIDENT_PREFIX}${incidentId}`;
export const incidentHeaderKey = (incidentId: string): ItemKey => ({
  pk: incidentPk(incidentId),
  sk: HEAD_SK,
});
export const listingKey = (incidentId: string): ItemKey => ({
  pk: incidentPk(incidentId),
  sk: LISTING_SK,
});
export const timelineIndexKey = (incidentId: string): ItemKey => ({
  pk: incidentPk(incidentId),
  sk: TIMELINE_INDEX_SK,
});
/** Sorts like the engine orders the timeline: by time, then kind, then signal. */
export const timelineEntrySk = (entry: TimelineEntry): string =>
  `${TIMELINE_SK_PREFIX}${entry.at}#${entry.kind}#${entry.signalId ?? '-'}`;

export const statusGsiPk = (status: StoredIncidentStatus): string => `STATUS#${status}`;
export const stateMachineGsiPk = (stateMachineArn: string): string => `SM#${stateMachineArn}`;
/** Both GSIs sort by opening time; the id breaks ties so two incidents never share a sort key. */
export const openedGsiSk = (openedAt: string, incidentId: string): string => `${openedAt}#${incidentId}`;

// Scope partition: the optimistic-lock STATE item and the open-incident pointer.
export const SCOPE_STATE_SK = 'STATE';
export const OPEN_POINTER_SK = 'OPEN';
export const scopePk = (stateMachineArn: string): string => `SCOPE#${stateMachineArn}`;
export const scopeStateKey = (stateMachineArn: string): ItemKey => ({
  pk: scopePk(stateMachineArn),
  sk: SCOPE_STATE_SK,
});
export const openPointerKey = (stateMachineArn: string): ItemKey => ({
  pk: scopePk(stateMachineArn),
  sk: OPEN_POINTER_SK,
});

// Traffic history: the closed hours a scope's traffic summary moved off its STATE item, one item
// per hour, written in the commit that moved them and final from then on (docs/architecture.md,
// "Traffic history"). A derivation reads the hours inside its horizon: at most a day of items.
export const TRAFFIC_PREFIX = 'TRAFFIC#';
export const trafficHistoryPk = (stateMachineArn: string): string => `${TRAFFIC_PREFIX}${stateMachineArn}`;
/** Zero-padded epoch hour, so sort-key order is time order. */
export const trafficHourSk = (hour: number): string => `H#${String(hour).padStart(10, '0')}`;
export const trafficHourKey = (stateMachineArn: string, hour: number): ItemKey => ({
  pk: trafficHistoryPk(stateMachineArn),
  sk: trafficHourSk(hour),
});

// Context: each decisive signal and API call under each of its subjects, filed by its context class
// (contextClassOf), sorted by event time. Healthy runs are not context: they are folded into the
// scope's traffic summary on its STATE item. Layout:
//   decisive   CTX#<subject>    failures, timeouts, aborts, redrives, unknown statuses, alarms
//   api-call   CTXA#<subject>   CloudTrail calls
// A batch packs what it files in one partition into one item per 10 minutes of event time (a
// SIGNAL_PACK, sort key `<isoTime(pack start)>#pack#<digest of its signal ids>`, the signals as
// gzipped JSON): DynamoDB bills each item written by the kilobyte, rounded up, so one item per signal
// cost a write unit for a few hundred bytes (docs/architecture.md, "Packed context"). Engines before
// packs wrote one SIGNAL item per signal, sort key `<isoTime(eventTimeMs)>#<signalId>`, in the same
// partitions: both are read. Before context classes every
// signal was kept under CTX#<subject>, so decisive keeps that prefix; the first engine with classes
// also wrote CTXS#/CTXR# partitions for healthy runs, which nothing reads any more (see
// docs/architecture.md, "Existing tables": they expire by TTL, no migration is needed).
export const CONTEXT_PREFIX: Readonly<Record<ContextClass, string>> = {
  decisive: 'CTX#',
  'api-call': 'CTXA#',
};

export const contextPk = (contextClass: ContextClass, subject: string): string =>
  `${CONTEXT_PREFIX[contextClass]}${subject}`;

// The same signals filed under each scope they were assigned to, so deriving a scope reads one
// partition per class instead of one per member (docs/architecture.md, "Reading a scope"):
//   decisive   SCTX#<stateMachineArn>
//   api-call   SCTXA#<stateMachineArn>
export const SCOPE_CONTEXT_PREFIX: Readonly<Record<ContextClass, string>> = {
  decisive: 'SCTX#',
  'api-call': 'SCTXA#',
};

export const scopeContextPk = (contextClass: ContextClass, stateMachineArn: string): string =>
  `${SCOPE_CONTEXT_PREFIX[contextClass]}${stateMachineArn}`;

/**
 * Built from `eventTimeMs` rather than the `eventTime` text, so the sort key is canonical ISO with
 * milliseconds and range conditions on `isoTime(ms)` select exactly by `eventTimeMs`.
 */
export const contextSk = (eventTimeMs: number, signalId: string): string =>
  `${isoTime(eventTimeMs)}#${signalId}`;

/**
 * The key of a SIGNAL item as engines before packs wrote them (still read beside packs); undefined
 * for a healthy run, which is never kept as context.
 */
export function contextKey(subject: string, signal: Signal): ItemKey | undefined {
  const contextClass = contextClassOf(signal);
  if (contextClass === undefined) return undefined;
  return { pk: contextPk(contextClass, subject), sk: contextSk(signal.eventTimeMs, signal.signalId) };
}

/** A pack holds the signals of one partition from its start to 10 minutes later (exclusive). */
export const CONTEXT_PACK_MS = 10 * 60_000;

export const contextPackStart = (eventTimeMs: number): number =>
  Math.floor(eventTimeMs / CONTEXT_PACK_MS) * CONTEXT_PACK_MS;

export const contextPackSk = (packStartMs: number, digest: string): string =>
  `${isoTime(packStartMs)}#pack#${digest}`;

/**
 * A seal's carry, filed in the scope's decisive partition at the seal (context-packs.ts,
 * `carryPackItem`): every view of that seal starts a look-back before it, so every one reads it.
 */
export const carryPackSk = (sealedThroughMs: number, digest: string): string =>
  `${isoTime(contextPackStart(sealedThroughMs))}#carry#${digest}`;

/**
 * The sort-key condition selecting exactly `fromMs <= eventTimeMs <= toMs` (integer event times, as
 * `Date.parse` gives), or `empty` when nothing can match. Every context sort key is
 * `<iso>#<signalId>`, so `sk >= isoTime(fromMs)` keeps the items at `fromMs` itself, and no item's
 * key equals `isoTime(toMs + 1)`: `BETWEEN` up to it (inclusive) keeps exactly the items at or
 * before `toMs`. An infinite bound, or an absent `toMs`, is no condition at all.
 */
export type ContextSkCondition =
  | { readonly kind: 'empty' }
  | { readonly kind: 'all' }
  | { readonly kind: 'from'; readonly from: string }
  | { readonly kind: 'below'; readonly below: string }
  | { readonly kind: 'between'; readonly from: string; readonly below: string };

export function contextSkCondition(fromMs: number, toMs: number | undefined): ContextSkCondition {
  const upper = toMs ?? Number.POSITIVE_INFINITY;
  if (Number.isNaN(fromMs) || Number.isNaN(upper))
    throw new RangeError(`not a time range: ${fromMs}..${toMs}`);
  if (fromMs > upper || fromMs === Number.POSITIVE_INFINITY || upper === Number.NEGATIVE_INFINITY) {
    return { kind: 'empty' };
  }
  // Whole milliseconds: a fractional bound selects the event times a sort key can tell apart.
  const first = Math.ceil(fromMs);
  const last = Math.floor(upper);
  if (first > last) return { kind: 'empty' };
  const from = Number.isFinite(first) ? isoTime(first) : undefined;
  const below = Number.isFinite(last) ? isoTime(last + 1) : undefined;
  if (from !== undefined && below !== undefined) return { kind: 'between', from, below };
  if (from !== undefined) return { kind: 'from', from };
  if (below !== undefined) return { kind: 'below', below };
  return { kind: 'all' };
}

// Topology: a link is stored both ways, so `linksFrom` and `linksTo` are both one Query per resource.
export const linkPk = (from: string): string => `LINK#${from}`;
export const reverseLinkPk = (to: string): string => `RLINK#${to}`;
export const linkItemKey = (link: Link): ItemKey => ({ pk: linkPk(link.from), sk: `TO#${link.to}` });
export const reverseLinkItemKey = (link: Link): ItemKey => ({
  pk: reverseLinkPk(link.to),
  sk: `FROM#${link.from}`,
});

/**
 * One counter for the whole table, raised after every write of links nobody had stored yet, so a
 * consumer tells with one read per batch whether the link partitions it cached are still whole.
 */
export const topologyVersionKey: ItemKey = { pk: 'TOPOLOGY', sk: 'VERSION' };

// Quarantine: one partition per day, so an operator lists a day's rejects with one Query.
export const quarantinePk = (day: string): string => `QUAR#${day}`;
export const quarantineKey = (entry: QuarantineEntry): ItemKey => ({
  pk: quarantinePk(dayOf(entry.quarantinedAt)),
  sk: `${isoTime(Date.parse(entry.quarantinedAt))}#${entry.recordId}#${formatPosition(entry.position)}`,
});

/** `yyyy-mm-dd` (UTC) of an ISO time; refuses text that is not a time instead of keying it as `NaN`. */
export function dayOf(isoText: string): string {
  return isoTime(Date.parse(isoText)).slice(0, 10);
}

export function isoTime(ms: number): string {
  if (!Number.isFinite(ms)) throw new RangeError(`not a time: ${ms}`);
  return new Date(ms).toISOString();
}

/** DynamoDB TTL is epoch seconds. */
export const ttlSeconds = (ms: number): number => Math.floor(ms / 1000);
