import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  type TransactWriteItem,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { contextClassOf } from '../../core/context/context-class.ts';
import {
  type CommitOutcome,
  type ContextRange,
  type ContextRead,
  EMPTY_SCOPE_STATE,
  type IncidentStore,
  type QuarantineEntry,
  type ScopeChange,
  type ScopeFiling,
  type ScopeState,
} from '../../core/pipeline/ports.ts';
import type { ScopeSeal } from '../../core/pipeline/seal.ts';
import type { Signal } from '../../core/signals/types.ts';
import type { Link } from '../../core/topology/links.ts';
import { subjectPartitionsOf } from '../../core/topology/members.ts';
import { HOUR_MINUTES, type TrafficMinute } from '../../core/traffic/traffic.ts';
import {
  batchGetAll,
  batchPutAll,
  DEFAULT_RETRY_POLICY,
  mapConcurrent,
  type QueryInput,
  queryAll,
  queryWeighed,
  type RetryPolicy,
  type TableContext,
} from './batch-operations.ts';
import { type ContextFiling, contextPackItems, isCarryPack, signalsOfContextItem } from './context-packs.ts';
import { DEFAULT_ITEM_LIMITS, type ItemLimits } from './incident-items.ts';
import {
  parseLinkItem,
  parseScopeStateItem,
  parseTimelineIndexItem,
  parseTrafficHourItem,
  type RawItem,
  type ScopeStateItem,
} from './item-schemas.ts';
import {
  type ContextSkCondition,
  contextPackStart,
  contextPk,
  contextSkCondition,
  ItemType,
  isoTime,
  linkPk,
  reverseLinkPk,
  scopeContextPk,
  scopeStateKey,
  timelineIndexKey,
  topologyVersionKey,
  trafficHistoryPk,
  trafficHourSk,
} from './keys.ts';
import { LinkPartitionCache } from './link-cache.ts';
import { DEFAULT_TRANSACTION_LIMITS, planCommit, type TransactionLimits } from './scope-commit.ts';
import { decodeSeal } from './seal-codec.ts';
import { callDynamo, cancellationFailure, cancellationOutcome, storeFailure } from './store-errors.ts';
import { linkItems, quarantineItem } from './store-items.ts';
import { decodeTraffic, decodeTrafficMinutes } from './traffic-codec.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_REMEMBERED_STATES = 1_000;
/** Scopes whose last committed version a consumer keeps (a few hundred bytes each at most). */
const MAX_REMEMBERED_COMMITS = 10_000;
/**
 * A scope's history holds only the hours inside its horizon (and those not yet expired by TTL):
 * a week of hours is far past any horizon, and a cap a Query can state.
 */
const MAX_HISTORY_HOURS = 7 * 24;

export interface DynamoDbStoreOptions {
  /** How long signals stay as context after their event time (or after now, if later). */
  readonly contextRetentionMs: number;
  readonly quarantineRetentionMs: number;
  /** Requests in flight at once for one bulk read or write. */
  readonly concurrency: number;
  /**
   * Safety cap on the context signals one `contextBetween` reads per partition (a pack counts each
   * signal of it in range, once): a read that would pass it keeps the newest ones and says
   * `complete: false`, never a silent cut.
   */
  readonly maxContextItemsPerRead: number;
  readonly maxLinksPerResource: number;
  /**
   * Link partitions kept between batches while the topology version stays the same (see
   * link-cache.ts). 20,000 cover the resources of a few thousand state machines; one is a few
   * hundred bytes.
   */
  readonly maxCachedLinkPartitions: number;
  /**
   * Incidents a scope's STATE item lists, newest first: all `loadScope` returns. Older ones are
   * history, listed through the GSIs. The engine needs every stored incident that opened inside
   * the context horizon (24 h by default) of what it re-derives; with the default windows two
   * openings of one scope are more than an hour apart (a trigger within the 60-min reopen window
   * of a resolution reopens instead of opening, and one within the 30-min incident gap extends),
   * so 24 h hold at most 24 incidents. 50 covers more than 49 h back from the newest incident:
   * the horizon with a day to spare for late signals. At under 150 bytes an entry the STATE item
   * stays near 7 KB even with the longest state machine ARN, far below the 400 KB item limit
   * (checked in scope-commit.unit.test.ts). Shorter windows allow more openings a day: raise it
   * with them.
   */
  readonly maxRecentIncidents: number;
  readonly retry: RetryPolicy;
  readonly itemLimits: ItemLimits;
  readonly transactionLimits: TransactionLimits;
}

export const DEFAULT_STORE_OPTIONS: DynamoDbStoreOptions = {
  contextRetentionMs: 14 * DAY_MS,
  quarantineRetentionMs: 30 * DAY_MS,
  concurrency: 8,
  maxContextItemsPerRead: 20_000,
  maxLinksPerResource: 1_000,
  maxCachedLinkPartitions: 20_000,
  maxRecentIncidents: 50,
  retry: DEFAULT_RETRY_POLICY,
  itemLimits: DEFAULT_ITEM_LIMITS,
  transactionLimits: DEFAULT_TRANSACTION_LIMITS,
};

export interface DynamoDbStoreConfig {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Processing time in epoch ms, for TTLs and `updatedAt` only: correlation runs on event time. */
  readonly clock: () => number;
  readonly options?: Partial<Omit<DynamoDbStoreOptions, 'retry'>> & { readonly retry?: Partial<RetryPolicy> };
}

/**
 * The pipeline's store on DynamoDB: one table, bulk reads and writes, one optimistic transaction
 * per scope commit. Same contract as `MemoryIncidentStore`; every write is idempotent, and every
 * read is strongly consistent, because the pipeline's conflict detection relies on reading what
 * was committed before the version it holds.
 */
export class DynamoDbIncidentStore implements IncidentStore {
  private readonly context: TableContext;
  private readonly clock: () => number;
  private readonly options: DynamoDbStoreOptions;
  private readonly links: LinkPartitionCache;

  constructor(config: DynamoDbStoreConfig) {
    const retry = { ...DEFAULT_STORE_OPTIONS.retry, ...config.options?.retry };
    this.options = { ...DEFAULT_STORE_OPTIONS, ...config.options, retry };
    this.links = new LinkPartitionCache(this.options.maxCachedLinkPartitions);
    this.clock = config.clock;
    this.context = {
      client: config.client,
      tableName: config.tableName,
      retry,
      concurrency: this.options.concurrency,
    };
  }

  async linksFrom(resources: readonly string[]): Promise<Link[]> {
    return this.queryLinks(resources.map(linkPk));
  }

  async linksTo(resources: readonly string[]): Promise<Link[]> {
    return this.queryLinks(resources.map(reverseLinkPk));
  }

  /** One strongly consistent read of the topology version: cached link partitions stay if it is unchanged. */
  async topologyVersion(): Promise<number> {
    const { tableName, client } = this.context;
    const output = await callDynamo('GetItem', tableName, () =>
      client.send(new GetCommand({ TableName: tableName, Key: topologyVersionKey, ConsistentRead: true })),
    );
    const version = topologyVersionOf(output.Item);
    this.links.adopt(version);
    return version;
  }

  /**
   * Writes the links not known to be stored already (a batch relearns the same links from every
   * alarm event), then raises the topology version so every consumer reads their partitions anew.
   * Links first, version after: a consumer that sees the new version also sees the links.
   */
  async saveLinks(links: readonly Link[]): Promise<void> {
    const partitionsOf = (link: Link) => [linkPk(link.from), reverseLinkPk(link.to)];
    const fresh = links.filter((link) => !partitionsOf(link).every((pk) => this.links.holds(pk, link)));
    if (fresh.length === 0) return;
    await batchPutAll(this.context, fresh.flatMap(linkItems));
    this.links.wrote(fresh, await this.raiseTopologyVersion(), partitionsOf);
  }

  private async raiseTopologyVersion(): Promise<number> {
    const { tableName, client } = this.context;
    const output = await callDynamo('UpdateItem', tableName, () =>
      client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: topologyVersionKey,
          UpdateExpression: 'ADD #version :one SET #type = :type',
          ExpressionAttributeNames: { '#version': 'version', '#type': 'type' },
          ExpressionAttributeValues: { ':one': 1, ':type': ItemType.topologyVersion },
          ReturnValues: 'UPDATED_NEW',
        }),
      ),
    );
    return topologyVersionOf(output.Attributes);
  }

  /**
   * Under each subject that can join a scope later (never an execution or a state machine:
   * `subjectPartitionsOf`), packed: one item per partition and 10 minutes of event time
   * (context-packs.ts).
   */
  async saveSignals(signals: readonly Signal[]): Promise<void> {
    const filings: ContextFiling[] = [];
    for (const signal of signals) {
      const contextClass = contextClassOf(signal);
      if (contextClass === undefined) continue;
      for (const subject of subjectPartitionsOf(signal))
        filings.push({ pk: contextPk(contextClass, subject), signal });
    }
    await this.fileContext(filings);
  }

  async fileUnderScopes(filings: readonly ScopeFiling[]): Promise<void> {
    const packed: ContextFiling[] = [];
    for (const { stateMachineArn, signal } of filings) {
      const contextClass = contextClassOf(signal);
      if (contextClass !== undefined)
        packed.push({ pk: scopeContextPk(contextClass, stateMachineArn), signal });
    }
    await this.fileContext(packed);
  }

  private async fileContext(filings: readonly ContextFiling[]): Promise<void> {
    if (filings.length === 0) return;
    await batchPutAll(this.context, contextPackItems(filings, this.clock(), this.options.contextRetentionMs));
  }

  async contextBetween(range: ContextRange): Promise<ContextRead> {
    if (contextSkCondition(range.fromMs, range.toMs).kind === 'empty') return { signals: [], complete: true };
    // From the start of the pack that holds `fromMs`: a pack's key is its start, not its signals' times.
    const condition = contextSkCondition(contextPackStart(range.fromMs), range.toMs);
    const cap = this.options.maxContextItemsPerRead;
    const found = new Map<string, Signal>();
    let complete = true;
    const partitions =
      range.scope !== undefined
        ? [scopeContextPk(range.contextClass, range.scope)]
        : [...new Set(range.subjects)].map((subject) => contextPk(range.contextClass, subject));
    const reads = await mapConcurrent(partitions, this.context.concurrency, async (pk) => {
      // Newest first, until more than `cap` signals in range were read: the read is then
      // incomplete, says so, and keeps the newest of what it read (the engine then leaves the
      // scope's stored incidents as they are). Each item is decoded once, as it arrives.
      const inRangeOf = new Map<RawItem, Signal[]>();
      const seen = new Set<string>();
      // A redelivered signal may sit in two packs: it weighs once.
      const weigh = (item: RawItem) => {
        const carried = isCarryPack(item);
        const signals = signalsOfContextItem(item).filter((signal) => carried || inRange(signal, range));
        inRangeOf.set(item, signals);
        const before = seen.size;
        for (const signal of signals) seen.add(signal.signalId);
        return seen.size - before;
      };
      const { items, truncated } = await queryWeighed(
        this.context,
        contextQuery(pk, condition, false),
        cap,
        weigh,
      );
      const signals = items.flatMap((item) => inRangeOf.get(item) ?? []);
      return { signals: truncated ? newest(signals, cap) : signals, truncated };
    });
    for (const { signals, truncated } of reads) {
      if (truncated) complete = false;
      for (const signal of signals) found.set(signal.signalId, signal);
    }
    return { signals: [...found.values()], complete };
  }

  /**
   * One strongly consistent GetItem of the scope's STATE item: its `recent` list carries all the
   * engine needs of each incident (id, status, opening, resolution, digest) and its traffic summary
   * stands for the scope's healthy runs, so nothing else is read here.
   */
  async loadScope(stateMachineArn: string): Promise<ScopeState> {
    return this.scopeStateOf(stateMachineArn, await this.readState(stateMachineArn));
  }

  /**
   * One Query of the scope's traffic history from `fromMinute`'s hour on: an item per closed hour
   * the summary moved there, so at most the horizon's hours whatever the traffic. Strongly
   * consistent, like the STATE item whose commit wrote them.
   */
  async trafficHistory(stateMachineArn: string, fromMinute: number): Promise<readonly TrafficMinute[]> {
    const { items } = await queryAll(
      this.context,
      {
        KeyConditionExpression: 'pk = :pk AND sk >= :from',
        ExpressionAttributeValues: {
          ':pk': trafficHistoryPk(stateMachineArn),
          ':from': trafficHourSk(Math.floor(fromMinute / HOUR_MINUTES)),
        },
        ConsistentRead: true,
      },
      MAX_HISTORY_HOURS,
    );
    return items
      .map(parseTrafficHourItem)
      .sort((a, b) => a.hour - b.hour)
      .flatMap((item) =>
        decodeTrafficMinutes(item.minutes, `traffic hour ${item.hour} of ${stateMachineArn}`),
      );
  }

  /**
   * The STATE items of a batch's scopes in one BatchGetItem per hundred, eventually consistent:
   * half the read units of a strong read, and on a fleet this read is a third of a batch's bill.
   * A stale item is never acted on: every commit is conditional on the version it was planned
   * against, so a plan made from a stale item conflicts and the scope reloads strongly
   * (`loadScope`) and decides again (docs/architecture.md, "What a batch costs"). The one
   * staleness that would make such conflicts routine, this consumer missing its own last commit
   * of a scope, is re-read strongly up front.
   */
  async loadScopes(stateMachineArns: readonly string[]): Promise<ReadonlyMap<string, ScopeState>> {
    const found = new Map<string, ScopeStateItem>();
    const take = (raws: readonly RawItem[]) => {
      for (const raw of raws) {
        const item = parseScopeStateItem(raw);
        found.set(item.stateMachineArn, item);
      }
    };
    take(await batchGetAll(this.context, stateMachineArns.map(scopeStateKey), undefined, 'eventual'));
    const behindOwnCommit = stateMachineArns.filter(
      (arn) => (found.get(arn)?.version ?? 0) < (this.committedVersions.get(arn) ?? 0),
    );
    if (behindOwnCommit.length > 0) take(await batchGetAll(this.context, behindOwnCommit.map(scopeStateKey)));
    return new Map(stateMachineArns.map((arn) => [arn, this.scopeStateOf(arn, found.get(arn))]));
  }

  /**
   * The version this consumer's last commit of each scope left, so an eventually consistent
   * bulk read that has not caught up with it is read again strongly. Bounded like `loaded`: a
   * forgotten entry only risks one conflict and retry.
   */
  private readonly committedVersions = new Map<string, number>();

  private rememberCommit(stateMachineArn: string, version: number): void {
    this.committedVersions.delete(stateMachineArn);
    this.committedVersions.set(stateMachineArn, version);
    if (this.committedVersions.size > MAX_REMEMBERED_COMMITS) {
      const oldest = this.committedVersions.keys().next();
      if (oldest.done !== true) this.committedVersions.delete(oldest.value);
    }
  }

  private scopeStateOf(stateMachineArn: string, item: ScopeStateItem | undefined): ScopeState {
    if (item === undefined) {
      this.loaded.delete(stateMachineArn);
      return EMPTY_SCOPE_STATE;
    }
    this.remember(item);
    const digests = new Map<string, string>();
    for (const { id, digest } of item.recent) {
      // Entries written before digests were kept in STATE have none: the engine rewrites those once.
      if (digest !== undefined) digests.set(id, digest);
    }
    return {
      incidents: item.recent.map(({ id, status, openedAt, resolvedAt }) => ({
        id,
        status,
        openedAt,
        resolvedAt,
      })),
      digests,
      traffic: decodeTraffic(item.traffic, stateMachineArn),
      membersDigest: item.membersDigest,
      seal: sealOf(item, stateMachineArn),
      version: item.version,
    };
  }

  /**
   * The STATE item last loaded per scope, so a commit right after a load does not read it again.
   * Bounded: a commit takes its entry out, and at most `MAX_REMEMBERED_STATES` are kept.
   */
  private readonly loaded = new Map<string, ScopeStateItem>();

  private remember(item: ScopeStateItem): void {
    this.loaded.delete(item.stateMachineArn);
    this.loaded.set(item.stateMachineArn, item);
    if (this.loaded.size > MAX_REMEMBERED_STATES) {
      const oldest = this.loaded.keys().next();
      if (oldest.done !== true) this.loaded.delete(oldest.value);
    }
  }

  async commitScope(
    stateMachineArn: string,
    expectedVersion: number,
    change: ScopeChange,
  ): Promise<CommitOutcome> {
    // The STATE read comes first and the indexes after it: if another commit lands in between,
    // our transaction's version condition fails, so a stale index never decides what to skip. The
    // item the load found serves when its version is the expected one: the condition still guards.
    const remembered = this.loaded.get(stateMachineArn);
    this.loaded.delete(stateMachineArn);
    const previous =
      expectedVersion === 0
        ? undefined
        : remembered?.version === expectedVersion
          ? remembered
          : await this.readState(stateMachineArn);
    if ((previous?.version ?? 0) !== expectedVersion) return 'conflict';
    const indexItems = await batchGetAll(
      this.context,
      change.incidents.map(({ id }) => timelineIndexKey(id)),
    );
    const storedTimelines = new Map(
      indexItems.map((item) => {
        const index = parseTimelineIndexItem(item);
        return [index.incidentId, index];
      }),
    );
    const plan = planCommit({
      tableName: this.context.tableName,
      stateMachineArn,
      expectedVersion,
      change,
      previous,
      storedTimelines,
      updatedAt: isoTime(this.clock()),
      historyRetentionMs: this.options.contextRetentionMs,
      maxRecentIncidents: this.options.maxRecentIncidents,
      itemLimits: this.options.itemLimits,
      transactionLimits: this.options.transactionLimits,
    });
    await batchPutAll(this.context, plan.putsBeforeCommit);
    const [only, ...more] = plan.transactions;
    const [statePut, ...others] = only ?? [];
    // A commit of the summary alone (healthy traffic, no incident changed) is one conditional
    // PutItem: a one-action transaction would cost twice the write capacity.
    if (more.length === 0 && others.length === 0 && statePut?.Put !== undefined) {
      const outcome = await this.conditionalPut(statePut.Put);
      if (outcome === 'committed') this.rememberCommit(stateMachineArn, expectedVersion + 1);
      return outcome;
    }
    for (const actions of plan.transactions) {
      // A split commit that loses the race after its first part reports a conflict too: the
      // caller then re-derives against the newer version and writes whatever is still missing.
      if ((await this.transact(actions)) === 'conflict') return 'conflict';
    }
    // Each part of a split commit moves the version on by one (scope-commit.ts).
    this.rememberCommit(stateMachineArn, expectedVersion + plan.transactions.length);
    return 'committed';
  }

  async quarantine(entries: readonly QuarantineEntry[]): Promise<void> {
    const retention = this.options.quarantineRetentionMs;
    await batchPutAll(
      this.context,
      entries.map((entry) => quarantineItem(entry, retention)),
    );
  }

  private async readState(stateMachineArn: string): Promise<ScopeStateItem | undefined> {
    const { tableName, client } = this.context;
    const output = await callDynamo('GetItem', tableName, () =>
      client.send(
        new GetCommand({ TableName: tableName, Key: scopeStateKey(stateMachineArn), ConsistentRead: true }),
      ),
    );
    return output.Item === undefined ? undefined : parseScopeStateItem(output.Item);
  }

  private async queryLinks(partitions: readonly string[]): Promise<Link[]> {
    const readUnder = this.links.current;
    const pages = await mapConcurrent([...new Set(partitions)], this.context.concurrency, async (pk) => {
      const cached = this.links.get(pk);
      if (cached !== undefined) return cached;
      const { items } = await queryAll(
        this.context,
        {
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ConsistentRead: true,
        },
        this.options.maxLinksPerResource,
      );
      const links = items.map(parseLinkItem);
      this.links.set(pk, links, readUnder);
      return links;
    });
    return pages.flat();
  }

  private async conditionalPut(put: NonNullable<TransactWriteItem['Put']>): Promise<CommitOutcome> {
    const { client, tableName } = this.context;
    try {
      await client.send(new PutCommand({ ...put, TableName: tableName }));
      return 'committed';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'conflict';
      throw storeFailure('PutItem', tableName, error);
    }
  }

  /** One transaction: the version condition failing (or racing) on the STATE item is a conflict. */
  private async transact(actions: readonly TransactWriteItem[]): Promise<CommitOutcome> {
    const { client, tableName } = this.context;
    try {
      await client.send(new TransactWriteCommand({ TransactItems: [...actions] }));
      return 'committed';
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code);
        const outcome = cancellationOutcome(codes);
        if (outcome === 'conflict') return 'conflict';
        throw cancellationFailure(tableName, outcome, codes, error);
      }
      throw storeFailure('TransactWriteItems', tableName, error);
    }
  }
}

/** The counter's value; a table no link was ever written to has none, which reads as 0. */
function topologyVersionOf(item: Record<string, unknown> | undefined): number {
  const version = item?.version;
  return typeof version === 'number' && Number.isSafeInteger(version) ? version : 0;
}

/** One partition of filed context, strongly consistent: the engine's conflict detection relies on it. */
function contextQuery(pk: string, condition: ContextSkCondition, forward: boolean): QueryInput {
  const values: Record<string, string> = { ':pk': pk };
  let keyCondition = 'pk = :pk';
  switch (condition.kind) {
    case 'from':
      keyCondition += ' AND sk >= :from';
      values[':from'] = condition.from;
      break;
    case 'below':
      keyCondition += ' AND sk < :below';
      values[':below'] = condition.below;
      break;
    case 'between':
      // Inclusive, but no context sort key equals `below` (see contextSkCondition).
      keyCondition += ' AND sk BETWEEN :from AND :below';
      values[':from'] = condition.from;
      values[':below'] = condition.below;
      break;
    case 'all':
    case 'empty':
      break;
  }
  return {
    KeyConditionExpression: keyCondition,
    ExpressionAttributeValues: values,
    ScanIndexForward: forward,
    ConsistentRead: true,
  };
}

/** The `count` newest signals, by event time (then id, so the choice is the same every time). */
function newest(signals: readonly Signal[], count: number): Signal[] {
  const unique = [...new Map(signals.map((signal) => [signal.signalId, signal])).values()];
  return unique
    .sort((a, b) => b.eventTimeMs - a.eventTimeMs || (a.signalId < b.signalId ? 1 : -1))
    .slice(0, count);
}

/**
 * A seal written since carries moved to packs is its time alone: the carry comes with the view
 * (`carryPackItem`). One written before holds its carry in the gzipped `seal`.
 */
function sealOf(item: ScopeStateItem, stateMachineArn: string): ScopeSeal | undefined {
  if (item.sealedThroughMs !== undefined) return { throughMs: item.sealedThroughMs, carry: [] };
  return decodeSeal(item.seal, stateMachineArn);
}

/** The exact bounds, checked on the signal itself as well as by the key condition. */
function inRange(signal: Signal, range: ContextRange): boolean {
  return signal.eventTimeMs >= range.fromMs && (range.toMs === undefined || signal.eventTimeMs <= range.toMs);
}
