import type { TransactWriteItem } from '@aws-sdk/lib-dynamodb';
import type { ScopeChange } from '../../core/pipeline/ports.ts';
import { type HeaderMeta, type Item, type ItemLimits, incidentItems } from './incident-items.ts';
import type { RecentIncident, ScopeStateItem } from './item-schemas.ts';
import { serializedSize } from './item-size.ts';
import {
  ItemType,
  incidentHeaderKey,
  incidentPk,
  openPointerKey,
  scopeStateKey,
  statusGsiPk,
} from './keys.ts';

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
   * (items are written before the index naming them), so they need not be written again.
   */
  readonly storedTimelineKeys: ReadonlyMap<string, readonly string[]>;
  readonly updatedAt: string;
  readonly maxRecentIncidents: number;
  readonly itemLimits: ItemLimits;
  readonly transactionLimits: TransactionLimits;
}

export interface CommitPlan {
  /** Timeline entries not stored yet: put (idempotently) before any transaction. */
  readonly timelinePuts: readonly Item[];
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

/** Deletes and updates are small; puts are measured. */
const SMALL_ACTION_BYTES = 1024;

export function planCommit(input: CommitPlanInput): CommitPlan {
  const { tableName, stateMachineArn, change, previous } = input;
  const meta: HeaderMeta = { scopeVersion: input.expectedVersion + 1, updatedAt: input.updatedAt };
  const incidents = [...new Map(change.incidents.map((incident) => [incident.id, incident])).values()];

  const timelinePuts: Item[] = [];
  const groups: Action[][] = [];
  for (const incident of incidents) {
    const items = incidentItems(incident, meta, input.itemLimits);
    const stored = input.storedTimelineKeys.get(incident.id);
    const storedSet = new Set(stored ?? []);
    const newSet = new Set(items.timelineKeys);
    for (const [sk, item] of items.timeline) if (!storedSet.has(sk)) timelinePuts.push(item);

    const group: Action[] = [put(tableName, items.header)];
    if (stored === undefined || !sameList(stored, items.timelineKeys)) {
      group.push(put(tableName, items.timelineIndex));
      // Entries that fell out of the timeline go in the same transaction as the index that drops
      // them: a concurrent writer that read the old index conflicts on the version and re-reads.
      for (const sk of storedSet) {
        if (!newSet.has(sk)) group.push(remove(tableName, { pk: incidentPk(incident.id), sk }));
      }
    }
    groups.push(group);
  }
  // An incident both changed and superseded would be two actions on one item, which a
  // transaction refuses; the engine never asks for it, and the changed version wins if it did.
  const changedIds = new Set(incidents.map(({ id }) => id));
  for (const { id, mergedInto } of change.superseded) {
    if (!changedIds.has(id)) groups.push([supersede(tableName, id, mergedInto, meta)]);
  }

  const recent = recentAfter(previous?.recent ?? [], change, input.maxRecentIncidents);
  const open = recent.find((incident) => incident.status === 'OPEN');
  const pointer = pointerAction(tableName, stateMachineArn, previous?.openIncidentId, open, input.updatedAt);
  const chunks = pack(
    pointer === undefined ? [] : [pointer],
    groups,
    input.transactionLimits,
    // Every transaction carries the STATE put as well.
    stateItem(stateMachineArn, 0, recent, open, input.updatedAt),
  );

  const transactions = chunks.map((actions, index) => {
    const version = input.expectedVersion + index;
    return [
      statePut(tableName, stateItem(stateMachineArn, version + 1, recent, open, input.updatedAt), version),
      ...actions.map((action) => action.item),
    ];
  });
  return { timelinePuts, transactions };
}

/** Newest first, bounded: the superseded leave, the changed enter or replace their old entry. */
export function recentAfter(
  before: readonly RecentIncident[],
  change: ScopeChange,
  limit: number,
): RecentIncident[] {
  const superseded = new Set(change.superseded.map(({ id }) => id));
  const byId = new Map(before.filter(({ id }) => !superseded.has(id)).map((entry) => [entry.id, entry]));
  for (const { id, openedAt, status } of change.incidents) byId.set(id, { id, openedAt, status });
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
): Item {
  return {
    ...scopeStateKey(stateMachineArn),
    type: ItemType.scope,
    stateMachineArn,
    version,
    recent,
    ...(open === undefined ? {} : { openIncidentId: open.id }),
    updatedAt,
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

function supersede(
  tableName: string,
  incidentId: string,
  mergedInto: string | undefined,
  meta: HeaderMeta,
): Action {
  const values: Record<string, unknown> = {
    ':superseded': 'SUPERSEDED',
    ':gsi1pk': statusGsiPk('SUPERSEDED'),
    ':updatedAt': meta.updatedAt,
    ':scopeVersion': meta.scopeVersion,
  };
  const set = '#status = :superseded, gsi1pk = :gsi1pk, updatedAt = :updatedAt, scopeVersion = :scopeVersion';
  const update =
    mergedInto === undefined ? `SET ${set} REMOVE mergedInto` : `SET ${set}, mergedInto = :mergedInto`;
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
  groups: readonly Action[][],
  limits: TransactionLimits,
  state: Item,
): Action[][] {
  const stateBytes = serializedSize(state);
  const room = { actions: limits.maxActions - 1, bytes: limits.maxBytes - stateBytes };
  const chunks: Action[][] = [];
  let current: Action[] = [...firstOnly];
  let bytes = current.reduce((sum, action) => sum + action.bytes, 0);
  for (const whole of groups) {
    const group = whole.slice(0, room.actions);
    const groupBytes = group.reduce((sum, action) => sum + action.bytes, 0);
    if (
      current.length > 0 &&
      (current.length + group.length > room.actions || bytes + groupBytes > room.bytes)
    ) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(...group);
    bytes += groupBytes;
  }
  chunks.push(current);
  return chunks;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index]);
}
