import type { TransactWriteItem } from '@aws-sdk/lib-dynamodb';
import { incidentDigest } from '../../core/incident/digest.ts';
import type { Incident } from '../../core/incident/types.ts';
import type { ScopeChange } from '../../core/pipeline/ports.ts';
import { HOUR_MINUTES, MINUTE_MS, type TrafficHour } from '../../core/traffic/traffic.ts';
import { carryPackItem } from './context-packs.ts';
import {
  type HeaderMeta,
  type Item,
  type ItemLimits,
  incidentItems,
  listingItem,
  timelineWrite,
} from './incident-items.ts';
import {
  type RecentIncident,
  type ScopeStateItem,
  STATE_FORMAT,
  type TimelineIndex,
} from './item-schemas.ts';
import { serializedSize } from './item-size.ts';
import {
  ItemType,
  incidentHeaderKey,
  incidentPk,
  openPointerKey,
  scopeContextPk,
  scopeStateKey,
  statusGsiPk,
  trafficHourKey,
  ttlSeconds,
} from './keys.ts';
import { encodeTraffic, encodeTrafficMinutes } from './traffic-codec.ts';

/**
 * Plans the writes of one `commitScope`, purely: which timeline items to put first, then the
 * transactions. Every transaction begins with the scope's STATE item, put on the condition that the
 * version is still the one the plan was made against, so nothing of a stale plan is ever applied.
 */

export interface TransactionLimits {
  /** DynamoDB allows 100 actions per TransactWriteItems. */
  readonly maxActions: number;
  /** DynamoDB allows 4 MB per transaction; measured the conservative way (see item-size.ts). */
  readonly maxBytes: number;
}

export const DEFAULT_TRANSACTION_LIMITS: TransactionLimits = { maxActions: 100, maxBytes: 3_500_000 };

export interface CommitPlanInput {
  readonly tableName: string;
  readonly stateMachineArn: string;
  readonly expectedVersion: number;
  readonly change: ScopeChange;
  /** The STATE item at `expectedVersion` (undefined at version 0). */
  readonly previous: ScopeStateItem | undefined;
  /**
   * The timeline index of each changed incident as stored at `expectedVersion`. Its entries exist
   * (packs are written before the index naming them), so they need not be written again.
   */
  readonly storedTimelines: ReadonlyMap<string, TimelineIndex>;
  readonly updatedAt: string;
  /** How long an hour of traffic history is kept past its end (its TTL; reads stop at the horizon). */
  readonly historyRetentionMs: number;
  readonly maxRecentIncidents: number;
  readonly itemLimits: ItemLimits;
  readonly transactionLimits: TransactionLimits;
}

export interface CommitPlan {
  /**
   * Put (idempotently) before any transaction: timeline entries not stored yet, and a moved seal's
   * carry, which the STATE item may name only once it is stored.
   */
  readonly putsBeforeCommit: readonly Item[];
  /**
   * Usually one. A change too large for one transaction is split; each later transaction again
   * conditions on the version the previous one wrote, so a stale part is never applied.
   */
  readonly transactions: readonly (readonly TransactWriteItem[])[];
}

interface Action {
  readonly item: TransactWriteItem;
  readonly bytes: number;
}

/** The actions that must land together, and which incident of the change they write. */
interface Group {
  readonly actions: readonly Action[];
  readonly changed?: Incident;
  readonly superseded?: ScopeChange['superseded'][number];
}

interface Chunk {
  readonly actions: readonly Action[];
  readonly groups: readonly Group[];
}

/** Deletes and updates are small; puts are measured. */
const SMALL_ACTION_BYTES = 1024;

export function planCommit(input: CommitPlanInput): CommitPlan {
  const { tableName, stateMachineArn, change, previous } = input;
  const meta: HeaderMeta = { scopeVersion: input.expectedVersion + 1, updatedAt: input.updatedAt };
  const incidents = [...new Map(change.incidents.map((incident) => [incident.id, incident])).values()];

  const putsBeforeCommit: Item[] = [];
  const groups: Group[] = [];
  const digests = new Map<string, string>();
  for (const incident of incidents) {
    const items = incidentItems(incident, meta, input.itemLimits);
    digests.set(incident.id, items.derivedDigest);
    const timeline = timelineWrite(
      incident.id,
      items.timelineKeys,
      items.timelineEntries,
      input.storedTimelines.get(incident.id),
    );
    putsBeforeCommit.push(...timeline.packs);

    const group: Action[] = [put(tableName, items.header)];
    if (!listedAs(previous?.recent, incident)) group.push(put(tableName, items.listing));
    if (timeline.index !== undefined) {
      group.push(put(tableName, timeline.index));
      // What fell out of the timeline goes in the same transaction as the index that drops it: a
      // concurrent writer that read the old index conflicts on the version and re-reads.
      for (const sk of timeline.deletes) group.push(remove(tableName, { pk: incidentPk(incident.id), sk }));
    }
    groups.push({ actions: group, changed: incident });
  }
  // An incident both changed and superseded would be two actions on one item, which a
  // transaction refuses; the engine never asks for it, and the changed version wins if it did.
  const changedIds = new Set(incidents.map(({ id }) => id));
  const previousRecent = previous?.recent ?? [];
  for (const { id, mergedInto } of change.superseded) {
    if (changedIds.has(id)) continue;
    // Superseded incidents come from the scope's entries, so its opening is known; if it were not,
    // the header would keep index keys of its own, as before listings.
    const entry = previousRecent.find((recent) => recent.id === id);
    const actions =
      entry === undefined
        ? [supersede(tableName, id, mergedInto, meta, 'keep index keys')]
        : [
            supersede(tableName, id, mergedInto, meta, 'drop index keys'),
            put(tableName, listingItem(id, 'SUPERSEDED', entry.openedAt, stateMachineArn)),
          ];
    groups.push({ actions, superseded: { id, mergedInto } });
  }

  const traffic = encodeTraffic(change.traffic);
  const membersDigest = change.membersDigest ?? previous?.membersDigest;
  // A moved seal is its time on the STATE item and its carry as a pack, stored before the commit
  // that names the seal (context-packs.ts, `carryPackItem`); an unmoved one is carried over as stored.
  const seal = change.seal === undefined ? previous?.seal : undefined;
  const sealedThroughMs = change.seal === undefined ? previous?.sealedThroughMs : change.seal.throughMs;
  const carry =
    change.seal === undefined
      ? undefined
      : carryPackItem(
          scopeContextPk('decisive', stateMachineArn),
          change.seal.throughMs,
          change.seal.carry,
          Date.parse(input.updatedAt),
          input.historyRetentionMs,
        );
  if (carry !== undefined) putsBeforeCommit.push(carry);
  const recent = recentAfter(previousRecent, change, input.maxRecentIncidents, digests);
  const open = recent.find((incident) => incident.status === 'OPEN');
  const pointer = pointerAction(tableName, stateMachineArn, previous?.openIncidentId, open, input.updatedAt);
  // The hours the summary moved off the state land with the state that no longer holds them.
  const history = (change.archived ?? []).map((hour) =>
    put(tableName, trafficHourItem(stateMachineArn, hour, input.updatedAt, input.historyRetentionMs)),
  );
  const chunks = pack(
    [...(pointer === undefined ? [] : [pointer]), ...history],
    groups,
    input.transactionLimits,
    // Every transaction carries the STATE put as well. A part's STATE (below) lists at most as many
    // entries of the same shape, a few bytes apart: the budget's margin below 4 MB absorbs that.
    stateItem(stateMachineArn, 0, recent, open, input.updatedAt, {
      traffic,
      membersDigest,
      seal,
      sealedThroughMs,
    }),
  );

  // Each part's STATE lists only what has landed once that part has: `loadScope` reads nothing but
  // STATE, so an entry (with its digest) for a header a later part writes would, if that part never
  // came, tell the engine an unwritten incident was stored and unchanged. Until its part lands, an
  // incident keeps its previous entry, or none if it is new; the last part's list is `recent`.
  const landed: Incident[] = [];
  const landedSuperseded: ScopeChange['superseded'][number][] = [];
  const transactions = chunks.map((chunk, index) => {
    for (const { changed, superseded } of chunk.groups) {
      if (changed !== undefined) landed.push(changed);
      if (superseded !== undefined) landedSuperseded.push(superseded);
    }
    const partChange = { incidents: landed, superseded: landedSuperseded, traffic: change.traffic };
    const partRecent = recentAfter(previousRecent, partChange, input.maxRecentIncidents, digests);
    const version = input.expectedVersion + index;
    // The backfill a new digest stands for was filed before the commit: every part may carry it.
    const state = stateItem(stateMachineArn, version + 1, partRecent, open, input.updatedAt, {
      traffic,
      membersDigest,
      seal,
      sealedThroughMs,
    });
    return [statePut(tableName, state, version), ...chunk.actions.map((action) => action.item)];
  });
  return { putsBeforeCommit, transactions };
}

/**
 * Newest first, bounded: the superseded leave, the changed enter or replace their old entry with
 * their digest (from `digests`, else computed); entries carried over keep theirs (or have none).
 */
export function recentAfter(
  before: readonly RecentIncident[],
  change: ScopeChange,
  limit: number,
  digests: ReadonlyMap<string, string> = new Map(),
): RecentIncident[] {
  const superseded = new Set(change.superseded.map(({ id }) => id));
  const byId = new Map(before.filter(({ id }) => !superseded.has(id)).map((entry) => [entry.id, entry]));
  for (const incident of change.incidents) {
    const { id, openedAt, status, resolvedAt } = incident;
    // Its listing lands with its header, in the same part of the commit (`planCommit`).
    byId.set(id, {
      id,
      openedAt,
      status,
      resolvedAt,
      digest: digests.get(id) ?? incidentDigest(incident),
      listed: true,
    });
  }
  return [...byId.values()]
    .sort((a, b) => compareDescending(a.openedAt, b.openedAt) || compareDescending(a.id, b.id))
    .slice(0, limit);
}

const compareDescending = (a: string, b: string): number => (a < b ? 1 : a > b ? -1 : 0);

function stateItem(
  stateMachineArn: string,
  version: number,
  recent: readonly RecentIncident[],
  open: RecentIncident | undefined,
  updatedAt: string,
  { traffic, membersDigest, seal, sealedThroughMs }: StateAttributes,
): Item {
  return {
    ...scopeStateKey(stateMachineArn),
    type: ItemType.scope,
    stateMachineArn,
    version,
    stateFormat: STATE_FORMAT,
    // Spelled out: DynamoDB has no `undefined`; an entry without a digest or a known resolution
    // (written by an earlier version) has no such attribute.
    recent: recent.map(({ id, openedAt, status, resolvedAt, digest, listed }) => ({
      id,
      openedAt,
      status,
      ...(resolvedAt === undefined ? {} : { resolvedAt }),
      ...(digest === undefined ? {} : { digest }),
      ...(listed === undefined ? {} : { listed }),
    })),
    ...(open === undefined ? {} : { openIncidentId: open.id }),
    updatedAt,
    traffic,
    ...(membersDigest === undefined ? {} : { membersDigest }),
    ...(seal === undefined ? {} : { seal }),
    ...(sealedThroughMs === undefined ? {} : { sealedThroughMs }),
  };
}

/** What a STATE item carries beside its incident list, encoded. */
interface StateAttributes {
  readonly traffic: Uint8Array;
  readonly membersDigest: string | undefined;
  readonly seal: Uint8Array | undefined;
  readonly sealedThroughMs: number | undefined;
}

function trafficHourItem(
  stateMachineArn: string,
  { hour, minutes }: TrafficHour,
  updatedAt: string,
  retentionMs: number,
): Item {
  const hourEndMs = (hour + 1) * HOUR_MINUTES * MINUTE_MS;
  return {
    ...trafficHourKey(stateMachineArn, hour),
    type: ItemType.trafficHour,
    stateMachineArn,
    hour,
    minutes: encodeTrafficMinutes(minutes),
    expiresAt: ttlSeconds(Math.max(hourEndMs, Date.parse(updatedAt)) + retentionMs),
  };
}

function statePut(tableName: string, item: Item, expectedVersion: number): TransactWriteItem {
  return expectedVersion === 0
    ? { Put: { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } }
    : {
        Put: {
          TableName: tableName,
          Item: item,
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': expectedVersion },
        },
      };
}

function pointerAction(
  tableName: string,
  stateMachineArn: string,
  previousId: string | undefined,
  open: RecentIncident | undefined,
  updatedAt: string,
): Action | undefined {
  if (open?.id === previousId) return undefined;
  if (open === undefined) return remove(tableName, openPointerKey(stateMachineArn));
  return put(tableName, {
    ...openPointerKey(stateMachineArn),
    type: ItemType.openPointer,
    stateMachineArn,
    incidentId: open.id,
    openedAt: open.openedAt,
    updatedAt,
  });
}

/**
 * Whether the incident's listing already holds its status and opening: the scope's entry for it
 * says so (`listed`), which only entries written with a listing do.
 */
function listedAs(recent: readonly RecentIncident[] | undefined, incident: Incident): boolean {
  const entry = recent?.find(({ id }) => id === incident.id);
  return entry?.listed === true && entry.status === incident.status && entry.openedAt === incident.openedAt;
}

/**
 * Marks a header superseded. With its listing rewritten beside it (`drop index keys`), a header
 * written before listings leaves the indexes, so it is listed once; when the scope no longer knows
 * its opening (no entry), the header keeps its own index keys and moves to the SUPERSEDED status.
 */
function supersede(
  tableName: string,
  incidentId: string,
  mergedInto: string | undefined,
  meta: HeaderMeta,
  indexKeys: 'keep index keys' | 'drop index keys',
): Action {
  const values: Record<string, unknown> = {
    ':superseded': 'SUPERSEDED',
    ':updatedAt': meta.updatedAt,
    ':scopeVersion': meta.scopeVersion,
  };
  const keep = indexKeys === 'keep index keys';
  if (keep) values[':gsi1pk'] = statusGsiPk('SUPERSEDED');
  const set = `#status = :superseded, ${keep ? 'gsi1pk = :gsi1pk, ' : ''}updatedAt = :updatedAt, scopeVersion = :scopeVersion`;
  const removed = [
    ...(keep ? [] : ['gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk']),
    ...(mergedInto === undefined ? ['mergedInto'] : []),
  ];
  const update = `SET ${set}${mergedInto === undefined ? '' : ', mergedInto = :mergedInto'}${removed.length === 0 ? '' : ` REMOVE ${removed.join(', ')}`}`;
  if (mergedInto !== undefined) values[':mergedInto'] = mergedInto;
  return {
    bytes: SMALL_ACTION_BYTES,
    item: {
      Update: {
        TableName: tableName,
        Key: incidentHeaderKey(incidentId),
        UpdateExpression: update,
        // Never create a partial header: a superseded incident was loaded, so its header exists.
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
      },
    },
  };
}

const put = (tableName: string, item: Item): Action => ({
  item: { Put: { TableName: tableName, Item: item } },
  bytes: serializedSize(item),
});

const remove = (tableName: string, key: { pk: string; sk: string }): Action => ({
  item: { Delete: { TableName: tableName, Key: { pk: key.pk, sk: key.sk } } },
  bytes: SMALL_ACTION_BYTES,
});

/**
 * Greedy packing that keeps each incident's actions together (its header, index and deletions
 * must land atomically). A group too large for any transaction keeps its header and index and
 * drops deletions beyond the limit: those items only linger, readers follow the index.
 */
function pack(
  firstOnly: readonly Action[],
  groups: readonly Group[],
  limits: TransactionLimits,
  state: Item,
): Chunk[] {
  const stateBytes = serializedSize(state);
  const room = { actions: limits.maxActions - 1, bytes: limits.maxBytes - stateBytes };
  const chunks: Chunk[] = [];
  let current: { actions: Action[]; groups: Group[] } = { actions: [...firstOnly], groups: [] };
  let bytes = current.actions.reduce((sum, action) => sum + action.bytes, 0);
  for (const whole of groups) {
    const actions = whole.actions.slice(0, room.actions);
    const groupBytes = actions.reduce((sum, action) => sum + action.bytes, 0);
    if (
      current.actions.length > 0 &&
      (current.actions.length + actions.length > room.actions || bytes + groupBytes > room.bytes)
    ) {
      chunks.push(current);
      current = { actions: [], groups: [] };
      bytes = 0;
    }
    current.actions.push(...actions);
    current.groups.push(whole);
    bytes += groupBytes;
  }
  chunks.push(current);
  return chunks;
}
