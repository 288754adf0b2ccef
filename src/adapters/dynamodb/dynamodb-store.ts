import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  type TransactWriteItem,
} from '@aws-sdk/lib-dynamodb';
import type { Incident } from '../../core/incident/types.ts';
import type {
  CommitOutcome,
  IncidentStore,
  QuarantineEntry,
  ScopeChange,
  ScopeState,
} from '../../core/pipeline/ports.ts';
import type { Signal } from '../../core/signals/types.ts';
import type { Link } from '../../core/topology/links.ts';
import {
  batchGetAll,
  batchPutAll,
  mapConcurrent,
  queryAll,
  type RetryPolicy,
  type TableContext,
} from './batch-operations.ts';
import { DEFAULT_ITEM_LIMITS, engineIncident, type ItemLimits } from './incident-items.ts';
import {
  parseLinkItem,
  parseScopeStateItem,
  parseSignalItem,
  parseTimelineIndexItem,
  type ScopeStateItem,
} from './item-schemas.ts';
import { contextPk, isoTime, linkPk, reverseLinkPk, scopeStateKey, timelineIndexKey } from './keys.ts';
import { readIncident } from './read-incident.ts';
import { DEFAULT_TRANSACTION_LIMITS, planCommit, type TransactionLimits } from './scope-commit.ts';
import { callDynamo, storeFailure } from './store-errors.ts';
import { contextItems, linkItems, quarantineItem } from './store-items.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface DynamoDbStoreOptions {
  /** How long signals stay as context after their event time (or after now, if later). */
  readonly contextRetentionMs: number;
  readonly quarantineRetentionMs: number;
  /** Requests in flight at once for one bulk read or write. */
  readonly concurrency: number;
  /** Newest signals read per subject: a hot state machine must not turn one scope into a table scan. */
  readonly maxSignalsPerSubject: number;
  readonly maxLinksPerResource: number;
  /** Incidents a scope remembers for `loadScope`; older ones are history, listed through the GSIs. */
  readonly maxRecentIncidents: number;
  readonly retry: RetryPolicy;
  readonly itemLimits: ItemLimits;
  readonly transactionLimits: TransactionLimits;
}

export const DEFAULT_STORE_OPTIONS: DynamoDbStoreOptions = {
  contextRetentionMs: 14 * DAY_MS,
  quarantineRetentionMs: 30 * DAY_MS,
  concurrency: 8,
  maxSignalsPerSubject: 5_000,
  maxLinksPerResource: 1_000,
  maxRecentIncidents: 20,
  retry: {
    maxAttempts: 8,
    baseDelayMs: 25,
    maxDelayMs: 2_000,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
  },
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

  constructor(config: DynamoDbStoreConfig) {
    const retry = { ...DEFAULT_STORE_OPTIONS.retry, ...config.options?.retry };
    this.options = { ...DEFAULT_STORE_OPTIONS, ...config.options, retry };
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

  async saveLinks(links: readonly Link[]): Promise<void> {
    await batchPutAll(this.context, links.flatMap(linkItems));
  }

  async saveSignals(signals: readonly Signal[]): Promise<void> {
    const now = this.clock();
    const retention = this.options.contextRetentionMs;
    await batchPutAll(
      this.context,
      signals.flatMap((signal) => contextItems(signal, now, retention)),
    );
  }

  async signalsOf(subjects: readonly string[], sinceMs: number): Promise<Signal[]> {
    const found = new Map<string, Signal>();
    const pages = await mapConcurrent([...new Set(subjects)], this.context.concurrency, (subject) =>
      // Newest first, so the cap keeps what is closest to the batch.
      queryAll(
        this.context,
        {
          KeyConditionExpression: 'pk = :pk AND sk >= :since',
          ExpressionAttributeValues: { ':pk': contextPk(subject), ':since': isoTime(sinceMs) },
          ScanIndexForward: false,
          ConsistentRead: true,
        },
        this.options.maxSignalsPerSubject,
      ),
    );
    for (const { items } of pages) {
      for (const item of items) {
        const signal = parseSignalItem(item);
        if (signal.eventTimeMs >= sinceMs) found.set(signal.signalId, signal);
      }
    }
    return [...found.values()];
  }

  async loadScope(stateMachineArn: string): Promise<ScopeState> {
    const state = await this.readState(stateMachineArn);
    if (state === undefined) return { incidents: [], version: 0 };
    const reads = await mapConcurrent(state.recent, this.context.concurrency, ({ id }) =>
      readIncident(this.context, id),
    );
    const incidents: Incident[] = [];
    for (const read of reads) {
      // A header can be missing only while a split commit is still landing: the next commit
      // re-derives it and the version check settles the race.
      const incident = read === undefined ? undefined : engineIncident(read.header, read.timeline);
      if (incident !== undefined) incidents.push(incident);
    }
    return { incidents, version: state.version };
  }

  async commitScope(
    stateMachineArn: string,
    expectedVersion: number,
    change: ScopeChange,
  ): Promise<CommitOutcome> {
    // The STATE read comes first and the indexes after it: if another commit lands in between,
    // our transaction's version condition fails, so a stale index never decides what to skip.
    const previous = await this.readState(stateMachineArn);
    if ((previous?.version ?? 0) !== expectedVersion) return 'conflict';
    const indexItems = await batchGetAll(
      this.context,
      change.incidents.map(({ id }) => timelineIndexKey(id)),
    );
    const storedTimelineKeys = new Map(
      indexItems.map((item) => {
        const index = parseTimelineIndexItem(item);
        return [index.incidentId, index.entries];
      }),
    );
    const plan = planCommit({
      tableName: this.context.tableName,
      stateMachineArn,
      expectedVersion,
      change,
      previous,
      storedTimelineKeys,
      updatedAt: isoTime(this.clock()),
      maxRecentIncidents: this.options.maxRecentIncidents,
      itemLimits: this.options.itemLimits,
      transactionLimits: this.options.transactionLimits,
    });
    await batchPutAll(this.context, plan.timelinePuts);
    for (const actions of plan.transactions) {
      // A split commit that loses the race after its first part reports a conflict too: the
      // caller then re-derives against the newer version and writes whatever is still missing.
      if ((await this.transact(actions)) === 'conflict') return 'conflict';
    }
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
    const pages = await mapConcurrent([...new Set(partitions)], this.context.concurrency, (pk) =>
      queryAll(
        this.context,
        {
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ConsistentRead: true,
        },
        this.options.maxLinksPerResource,
      ),
    );
    return pages.flatMap(({ items }) => items.map(parseLinkItem));
  }

  /** One transaction: the version condition failing (or racing) on the STATE item is a conflict. */
  private async transact(actions: readonly TransactWriteItem[]): Promise<CommitOutcome> {
    const { client, tableName } = this.context;
    try {
      await client.send(new TransactWriteCommand({ TransactItems: [...actions] }));
      return 'committed';
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        const state = error.CancellationReasons?.[0]?.Code;
        if (state === 'ConditionalCheckFailed' || state === 'TransactionConflict') return 'conflict';
      }
      throw storeFailure('TransactWriteItems', tableName, error);
    }
  }
}
