import { gunzipSync } from 'node:zlib';
import { z } from 'zod';
import { incidentStatusSchema, storedIncidentStatusSchema } from '../../core/incident/read-model.ts';
import {
  incidentFields,
  incidentOmissionsSchema,
  incidentTrafficSchema,
  type TimelineEntry,
  timelineKindSchema,
} from '../../core/incident/types.ts';
import type { Signal } from '../../core/signals/types.ts';
import { signalSchema } from '../../core/signals/types.ts';
import type { Link } from '../../core/topology/links.ts';
import { DeterministicStoreError } from '../../errors.ts';
import { INCIDENT_PREFIX, ItemType } from './keys.ts';

/**
 * Everything read back from the table is parsed here, once, into the domain types: a malformed
 * item fails loudly with its key instead of flowing on as a cast. Signals and incidents are parsed
 * with the schemas the engine's types are inferred from (core/signals/types.ts,
 * core/incident/types.ts), so the stored shape and the engine's cannot drift; what is added here is
 * the items' bookkeeping and the defaults older items need.
 */

/**
 * An item that does not have the shape its key promises: a bug or a hand edit, never retried away
 * (a `DeterministicStoreError`, so the pipeline quarantines instead of retrying). Its message names
 * the item by key and the fields that failed, never the stored values.
 */
export class MalformedItemError extends DeterministicStoreError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MalformedItemError';
  }
}

export type RawItem = Readonly<Record<string, unknown>>;

export function describeItemKey(item: RawItem): string {
  const part = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));
  return `(pk=${part(item.pk)}, sk=${part(item.sk)})`;
}

export function parseItem<T>(schema: z.ZodType<T>, item: RawItem, what: string): T {
  const result = schema.safeParse(item);
  if (!result.success) throw malformed(what, item, result.error);
  return result.data;
}

/**
 * Zod's own issue texts say what was expected and where, never the value received; they are listed
 * on one line, at most a few, so a log line or a quarantine reason stays short.
 */
const MAX_LISTED_ISSUES = 5;

function malformed(what: string, item: RawItem, error: z.core.$ZodError): MalformedItemError {
  const issues = error.issues.slice(0, MAX_LISTED_ISSUES).map((issue) => {
    const path = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : String(part))).join('.');
    return `${issue.message} at ${path === '' ? '(item)' : path}`;
  });
  const more =
    error.issues.length > MAX_LISTED_ISSUES ? ` (+${error.issues.length - MAX_LISTED_ISSUES} more)` : '';
  return new MalformedItemError(
    `Malformed ${what} item ${describeItemKey(item)}: ${issues.join('; ')}${more}`,
    {
      cause: error,
    },
  );
}

const keyFields = { pk: z.string(), sk: z.string() };

/** The format a STATE item's `stateFormat` names; bump it (and read the older one) when it changes. */
export const STATE_FORMAT = 4;
const isoText = z.string().min(1);
const count = z.number().int().nonnegative();

// ---------------------------------------------------------------------------------------------
// Signals (stored as a compact JSON string under each subject)
// ---------------------------------------------------------------------------------------------

const signalItemSchema = z.object({
  ...keyFields,
  type: z.literal(ItemType.signal),
  signal: z.string().min(2),
});

/** The stored JSON text is untrusted like any input: parsed, then validated as a `Signal`. */
export function parseSignalItem(item: RawItem): Signal {
  const { signal: text } = parseItem(signalItemSchema, item, 'signal');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // No cause: the JSON parser's message quotes the text around the fault, which is stored content.
    throw new MalformedItemError(`Malformed signal item ${describeItemKey(item)}: signal is not JSON`);
  }
  const result = signalSchema.safeParse(json);
  if (!result.success) throw malformed('signal', item, result.error);
  return result.data;
}

// ---------------------------------------------------------------------------------------------
// Links
// ---------------------------------------------------------------------------------------------

const linkItemSchema = z.object({
  ...keyFields,
  type: z.literal(ItemType.link),
  from: z.string().min(1),
  to: z.string().min(1),
  source: z.enum(['definition', 'nested', 'alarm-dimension', 'composite-rule', 'alarm-tag', 'static']),
});

export function parseLinkItem(item: RawItem): Link {
  const { from, to, source } = parseItem(linkItemSchema, item, 'link');
  return { from, to, source };
}

// ---------------------------------------------------------------------------------------------
// Incident header, timeline, scope state
// ---------------------------------------------------------------------------------------------

export const storedStatusSchema = storedIncidentStatusSchema;

/** The engine's incident fields (core/incident/types.ts) but the timeline, kept in its own items. */
const { timeline: _timeline, ...headerFields } = incidentFields;

/**
 * The header as stored: the engine's incident without its timeline, plus bookkeeping. This is
 * also what a stream subscriber sees in the NEW/OLD images.
 */
export const incidentHeaderSchema = z
  .object({
    ...keyFields,
    type: z.literal(ItemType.incident),
    ...headerFields,
    status: storedStatusSchema,
    /** Absent on headers written before it existed: nothing was counted as left out then. */
    omitted: z
      .object(incidentOmissionsSchema.shape)
      .default(() => ({ executions: 0, alarms: 0, apiCalls: 0, hints: 0 })),
    /** Absent on headers written before traffic summaries: nothing was counted then. */
    traffic: z.object(incidentTrafficSchema.shape).default(() => ({
      started: 0,
      succeeded: 0,
      failed: 0,
      hourBefore: { finished: 0, failed: 0 },
    })),
    mergedInto: z.string().optional(),
    scopeVersion: z.number().int().positive(),
    updatedAt: isoText,
    /** Set when lists or texts were cut to keep the item far below DynamoDB's 400 KB. */
    shrunk: z.boolean(),
    /**
     * `incidentDigest` of the engine's incident before any shrinking (see core/incident/digest.ts).
     * Absent on headers written before digests existed.
     */
    derivedDigest: z.string().min(1).optional(),
  })
  .transform(({ pk: _pk, sk: _sk, type: _type, derivedDigest, ...header }) => ({ header, derivedDigest }));

/**
 * An incident header as readers see it (CLI, web page, stream subscribers): the digest is the
 * engine's bookkeeping and stays out of it.
 */
export type StoredIncident = z.output<typeof incidentHeaderSchema>['header'];

export interface StoredIncidentHeader {
  readonly header: StoredIncident;
  readonly derivedDigest: string | undefined;
}

export const parseIncidentHeaderItem = (item: RawItem): StoredIncidentHeader =>
  parseItem(incidentHeaderSchema, withHeaderLists(item), 'incident header');

/**
 * The header's lists (runs, alarms, API calls, actors, hints: most of its bytes) are stored as one
 * gzipped JSON attribute, `lists` (docs/architecture.md, "What a batch costs"): a header is written
 * at every change of its incident, in a transaction and in both indexes, each billed by the
 * kilobyte. Headers written before keep them as attributes; both read the same.
 */
export const HEADER_LIST_FIELDS = ['executions', 'alarms', 'apiCalls', 'actors', 'hints'] as const;

function withHeaderLists(item: RawItem): RawItem {
  const packed = item.lists;
  if (packed === undefined) return item;
  const what = `Malformed incident header item ${describeItemKey(item)}`;
  if (!(packed instanceof Uint8Array)) throw new MalformedItemError(`${what}: lists are not binary`);
  const lists = gunzipJson(packed, what, 'lists');
  if (typeof lists !== 'object' || lists === null || Array.isArray(lists))
    throw new MalformedItemError(`${what}: lists are not an object`);
  const { lists: _packed, ...rest } = item;
  const unpacked: Record<string, unknown> = { ...rest };
  for (const field of HEADER_LIST_FIELDS)
    if (field in lists) unpacked[field] = (lists as Record<string, unknown>)[field];
  return unpacked;
}

export const parseIncidentHeader = (item: RawItem): StoredIncident => parseIncidentHeaderItem(item).header;

const listingItemSchema = z.object({
  ...keyFields,
  pk: z.string().startsWith(INCIDENT_PREFIX),
  type: z.literal(ItemType.listing),
  status: storedStatusSchema,
});

/** A listing (incident-items.ts, `listingItem`) names its incident by its partition. */
export function parseListingItem(item: RawItem): { readonly incidentId: string } {
  const { pk } = parseItem(listingItemSchema, item, 'incident listing');
  return { incidentId: pk.slice(INCIDENT_PREFIX.length) };
}

/**
 * The JSON a binary attribute holds gzipped (packed lists, context packs). A fault names the item
 * (`what`) and the attribute, never the stored text.
 */
export function gunzipJson(bytes: Uint8Array, what: string, attribute: string): unknown {
  let text: string;
  try {
    text = gunzipSync(bytes).toString('utf8');
  } catch (error) {
    throw new MalformedItemError(`${what}: ${attribute} are not gzip`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch {
    // No cause: the JSON parser's message quotes the text around the fault, which is stored content.
    throw new MalformedItemError(`${what}: ${attribute} are not JSON`);
  }
}

const timelineItemSchema = z
  .object({
    ...keyFields,
    type: z.literal(ItemType.timeline),
    at: isoText,
    kind: timelineKindSchema,
    summary: z.string(),
    signalId: z.string().optional(),
  })
  .transform(({ sk, at, kind, summary, signalId }) => ({
    sk,
    entry: signalId === undefined ? { at, kind, summary } : { at, kind, summary, signalId },
  }));

export const parseTimelineItem = (item: RawItem) => parseItem(timelineItemSchema, item, 'timeline');

const timelineIndexContentsSchema = z
  .object({
    /** Sort keys of the entries that make up the incident's timeline, in timeline order. */
    entries: z.array(z.string()),
    /** The timeline packs holding them (absent on indexes written before packs). */
    packs: z.array(z.string()).optional(),
    /** Per entry, the position of its pack in `packs`, or -1 for an entry item of its own. */
    packOf: z.array(z.number().int().min(-1)).optional(),
  })
  .refine(
    ({ entries, packs = [], packOf }) =>
      packOf === undefined || (packOf.length === entries.length && packOf.every((at) => at < packs.length)),
    { message: 'packOf does not match entries and packs' },
  );

const timelineIndexItemSchema = z.object({
  ...keyFields,
  type: z.literal(ItemType.timelineIndex),
  incidentId: z.string().min(1),
  /**
   * The index as gzipped JSON (`timelineIndexContentsSchema`): its keys share long prefixes, and
   * the index is written in every transaction that changes a timeline.
   */
  contents: z.instanceof(Uint8Array).optional(),
  /** The sort keys as a plain list, as indexes written before packs hold them. */
  entries: z.array(z.string()).optional(),
});

export interface TimelineIndex {
  readonly incidentId: string;
  readonly entries: readonly string[];
  readonly packs: readonly string[];
  /** Per entry, its pack's position in `packs`, or -1 when it is an item of its own. */
  readonly packOf: readonly number[];
}

export function parseTimelineIndexItem(item: RawItem): TimelineIndex {
  const parsed = parseItem(timelineIndexItemSchema, item, 'timeline index');
  const what = `Malformed timeline index item ${describeItemKey(item)}`;
  const raw =
    parsed.contents !== undefined
      ? gunzipJson(parsed.contents, what, 'contents')
      : parsed.entries !== undefined
        ? { entries: parsed.entries }
        : undefined;
  const result = timelineIndexContentsSchema.safeParse(raw);
  if (!result.success) throw new MalformedItemError(`${what}: no valid entries`, { cause: result.error });
  const { entries, packs = [], packOf } = result.data;
  return { incidentId: parsed.incidentId, entries, packs, packOf: packOf ?? entries.map(() => -1) };
}

const timelinePackEntrySchema = z.object({
  sk: z.string(),
  at: isoText,
  kind: timelineKindSchema,
  summary: z.string(),
  signalId: z.string().optional(),
});

const timelinePackItemSchema = z.object({
  ...keyFields,
  type: z.literal(ItemType.timelinePack),
  entries: z.instanceof(Uint8Array),
});

/** A timeline pack's entries by sort key (incident-items.ts, `timelinePackItems`). */
export function parseTimelinePackItem(item: RawItem): Map<string, TimelineEntry> {
  const { entries: bytes } = parseItem(timelinePackItemSchema, item, 'timeline pack');
  const what = `Malformed timeline pack item ${describeItemKey(item)}`;
  const result = z.array(timelinePackEntrySchema).safeParse(gunzipJson(bytes, what, 'entries'));
  if (!result.success)
    throw new MalformedItemError(`${what}: not a list of entries`, { cause: result.error });
  return new Map(
    result.data.map(({ sk, at, kind, summary, signalId }) => [
      sk,
      signalId === undefined ? { at, kind, summary } : { at, kind, summary, signalId },
    ]),
  );
}

/**
 * One entry of the scope's `recent` list: all `loadScope` needs of a stored incident, so loading a
 * scope is one GetItem instead of a Query per incident.
 */
const recentIncidentSchema = z.object({
  id: z.string().min(1),
  openedAt: isoText,
  status: incidentStatusSchema,
  /** Absent on entries written before it was kept; null while open. */
  resolvedAt: isoText.nullable().optional(),
  /**
   * `incidentDigest` of the incident as the engine derived it (the header's `derivedDigest`).
   * Absent on entries written before it was kept here: the engine then rewrites the incident once.
   */
  digest: z.string().min(1).optional(),
  /**
   * The incident's listing (`LIST`) holds this status and opening, so a commit that changes
   * neither does not write it. Absent on entries older than listings: their next commit writes one.
   */
  listed: z.literal(true).optional(),
});

export type RecentIncident = z.output<typeof recentIncidentSchema>;

const scopeStateItemSchema = z.object({
  ...keyFields,
  type: z.literal(ItemType.scope),
  stateMachineArn: z.string().min(1),
  version: z.number().int().positive(),
  /**
   * The scope's recent incidents, newest first, bounded (see `maxRecentIncidents`): what
   * `loadScope` reads back, and all it reads.
   */
  recent: z.array(recentIncidentSchema),
  /** The incident the OPEN pointer names, so a commit knows whether to move or delete it. */
  openIncidentId: z.string().optional(),
  updatedAt: isoText,
  /**
   * The STATE item's format: 2 since the traffic summary, 3 since context is filed per scope too
   * (`membersDigest`), 4 since closed hours of the summary move to the traffic history. Absent on
   * items of the first engine, which read as format 1 with an empty summary; a format 2 item reads
   * with no members, so its first derivation completes the scope's partition; a format 2 or 3
   * summary holds its whole horizon, and its next commit moves the closed hours out
   * (docs/architecture.md, "Existing tables").
   */
  stateFormat: z.union([z.literal(2), z.literal(3), z.literal(STATE_FORMAT)]).optional(),
  /** Which members the scope's context partitions are complete for (core/topology/members.ts). */
  membersDigest: z.string().min(1).max(64).optional(),
  /** The scope's traffic summary (core/traffic/traffic.ts) as gzipped JSON, decoded by `decodeTraffic`. */
  traffic: z.instanceof(Uint8Array).optional(),
  /**
   * Where the scope's incidents are final (core/pipeline/seal.ts), as gzipped JSON decoded by
   * `decodeSeal`. Optional within format 4: an engine that does not know it drops it on its next
   * commit, and the scope's derivations then read the whole horizon again.
   */
  seal: z.instanceof(Uint8Array).optional(),
  /**
   * The seal's time, written instead of `seal` since a seal's carry is a pack in the scope's
   * decisive partition (context-packs.ts, `carryPackItem`). An engine that knows only `seal` reads
   * the scope as unsealed (the whole horizon) and drops this on its next commit.
   */
  sealedThroughMs: z.number().optional(),
});

export type ScopeStateItem = z.output<typeof scopeStateItemSchema>;

export const parseScopeStateItem = (item: RawItem): ScopeStateItem =>
  parseItem(scopeStateItemSchema, item, 'scope state');

/** An hour of a scope's traffic history (keys.ts, "Traffic history"); `minutes` decoded by the codec. */
const trafficHourItemSchema = z.object({
  ...keyFields,
  type: z.literal(ItemType.trafficHour),
  stateMachineArn: z.string().min(1),
  hour: z.number().int(),
  minutes: z.instanceof(Uint8Array),
  expiresAt: z.number().int(),
});

export type TrafficHourItem = z.output<typeof trafficHourItemSchema>;

export const parseTrafficHourItem = (item: RawItem): TrafficHourItem =>
  parseItem(trafficHourItemSchema, item, 'traffic hour');

// ---------------------------------------------------------------------------------------------
// Quarantine
// ---------------------------------------------------------------------------------------------

const quarantineItemSchema = z
  .object({
    ...keyFields,
    type: z.literal(ItemType.quarantine),
    recordId: z.string(),
    position: z.array(z.union([z.string(), z.number()])),
    reason: z.string(),
    quarantinedAt: isoText,
    raw: z.instanceof(Uint8Array),
    rawBytes: count,
    rawSha256: z.string().regex(/^[0-9a-f]{64}$/),
    rawTruncated: z.boolean(),
    rawRedactions: count.default(0),
    expiresAt: z.number().int(),
  })
  .transform(({ type: _type, ...entry }) => entry);

/** A quarantined record as stored: `raw` holds the first bytes only when `rawTruncated` is set. */
export type StoredQuarantineEntry = z.output<typeof quarantineItemSchema>;

export const parseQuarantineItem = (item: RawItem): StoredQuarantineEntry =>
  parseItem(quarantineItemSchema, item, 'quarantine');
