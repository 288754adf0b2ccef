import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { incidentStatusSchema, type StoredIncidentStatus } from '../../core/incident/read-model.ts';
import type { TimelineEntry } from '../../core/incident/types.ts';
import { CorrelatorError } from '../../errors.ts';
import {
  batchGetAll,
  DEFAULT_RETRY_POLICY,
  type QueryInput,
  queryAll,
  type TableContext,
} from './batch-operations.ts';
import {
  parseIncidentHeader,
  parseListingItem,
  parseQuarantineItem,
  type RawItem,
  type StoredIncident,
  type StoredQuarantineEntry,
} from './item-schemas.ts';
import {
  dayOf,
  IndexName,
  ItemType,
  incidentHeaderKey,
  isoTime,
  quarantinePk,
  stateMachineGsiPk,
  statusGsiPk,
} from './keys.ts';
import { readIncident } from './read-incident.ts';
import { callDynamo } from './store-errors.ts';

/**
 * The typed read side of the table, for the CLI, the web page and anyone with read access: every
 * answer is parsed into domain types, every failure explains itself (missing table, no endpoint).
 */

/**
 * A query the caller got wrong (a limit out of range, a day or time that does not parse): asking
 * again unchanged gives the same answer. The message names the field and the value it refused.
 */
export class InvalidIncidentQueryError extends CorrelatorError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvalidIncidentQueryError';
  }
}

export interface ListIncidentsFilter {
  readonly status?: StoredIncidentStatus;
  readonly stateMachineArn?: string;
  /** ISO time: only incidents opened at or after it. */
  readonly since?: string;
  /** Default 50, at most 1000. */
  readonly limit?: number;
}

export type IncidentDetail = StoredIncident & { readonly timeline: readonly TimelineEntry[] };

export interface ListQuarantineFilter {
  /** `yyyy-mm-dd` (UTC); without it, the most recent days are searched, newest first. */
  readonly day?: string;
  /** Default 50, at most 1000. */
  readonly limit?: number;
}

export interface IncidentQueriesConfig {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  /** Which day is "today" for `listQuarantine`; defaults to the wall clock. */
  readonly clock?: () => number;
  /** Days searched back for quarantine entries when no day is given: the quarantine TTL. */
  readonly quarantineLookbackDays?: number;
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class IncidentQueries {
  private readonly context: TableContext;
  private readonly clock: () => number;
  private readonly lookbackDays: number;

  constructor(config: IncidentQueriesConfig) {
    this.context = {
      client: config.client,
      tableName: config.tableName,
      concurrency: 2,
      // The headers of listings are read in bulk, and a throttled bulk read leaves keys to retry.
      retry: DEFAULT_RETRY_POLICY,
    };
    this.clock = config.clock ?? (() => Date.now());
    this.lookbackDays = config.quarantineLookbackDays ?? 30;
  }

  /**
   * Newest first. By state machine (optionally of one status), by status, or, with neither, the
   * OPEN and RESOLVED incidents merged (superseded ones only when asked for by status).
   */
  async listIncidents(filter: ListIncidentsFilter = {}): Promise<StoredIncident[]> {
    const limit = limitOf(filter.limit);
    const since = filter.since === undefined ? undefined : sinceOf(filter.since);
    if (filter.stateMachineArn !== undefined) {
      return this.queryIndex(
        IndexName.byStateMachine,
        ['gsi2pk', 'gsi2sk'],
        stateMachineGsiPk(filter.stateMachineArn),
        since,
        limit,
        filter.status,
      );
    }
    if (filter.status !== undefined) {
      return this.byStatus(filter.status, since, limit);
    }
    const byStatus = await Promise.all(
      incidentStatusSchema.options.map((status) => this.byStatus(status, since, limit)),
    );
    return byStatus.flat().sort(newestFirst).slice(0, limit);
  }

  /** The header with its timeline (one Query on the incident's partition); undefined if unknown. */
  async getIncident(incidentId: string): Promise<IncidentDetail | undefined> {
    const read = await readIncident(this.context, incidentId);
    return read === undefined ? undefined : { ...read.header, timeline: read.timeline };
  }

  async listQuarantine(filter: ListQuarantineFilter = {}): Promise<StoredQuarantineEntry[]> {
    const limit = limitOf(filter.limit);
    if (filter.day !== undefined) {
      if (!DAY.test(filter.day))
        throw new InvalidIncidentQueryError(`day must be yyyy-mm-dd, got "${filter.day}"`);
      return this.quarantineOf(filter.day, limit);
    }
    const found: StoredQuarantineEntry[] = [];
    const today = this.clock();
    for (let back = 0; back < this.lookbackDays && found.length < limit; back++) {
      found.push(...(await this.quarantineOf(dayOf(isoTime(today - back * DAY_MS)), limit - found.length)));
    }
    return found;
  }

  async getQuarantineEntry(pk: string, sk: string): Promise<StoredQuarantineEntry | undefined> {
    const { client, tableName } = this.context;
    const output = await callDynamo('GetItem', tableName, () =>
      client.send(new GetCommand({ TableName: tableName, Key: { pk, sk } })),
    );
    return output.Item === undefined ? undefined : parseQuarantineItem(output.Item);
  }

  private async quarantineOf(day: string, limit: number): Promise<StoredQuarantineEntry[]> {
    const { items } = await queryAll(
      this.context,
      {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': quarantinePk(day) },
        ScanIndexForward: false,
      },
      limit,
    );
    return items.map(parseQuarantineItem);
  }

  private byStatus(status: StoredIncidentStatus, since: string | undefined, limit: number) {
    return this.queryIndex(
      IndexName.byStatus,
      ['gsi1pk', 'gsi1sk'],
      statusGsiPk(status),
      since,
      limit,
      status,
    );
  }

  private async queryIndex(
    indexName: string,
    [hashKey, rangeKey]: readonly [string, string],
    partition: string,
    since: string | undefined,
    limit: number,
    status?: StoredIncidentStatus,
  ): Promise<StoredIncident[]> {
    const values: Record<string, unknown> = { ':pk': partition };
    if (since !== undefined) values[':since'] = since;
    // The status index's partitions are statuses already: a filter there would only cost.
    const filtered = status !== undefined && indexName !== IndexName.byStatus;
    if (filtered) values[':status'] = status;
    const input: QueryInput = {
      IndexName: indexName,
      KeyConditionExpression: `${hashKey} = :pk${since === undefined ? '' : ` AND ${rangeKey} >= :since`}`,
      ...(filtered
        ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } }
        : {}),
      ExpressionAttributeValues: values,
      ScanIndexForward: false,
    };
    const { items } = await queryAll(this.context, input, limit);
    const headers = await this.headersOf(items);
    return status === undefined ? headers : headers.filter((header) => header.status === status);
  }

  /**
   * The headers an index query found, in its order. The indexes hold listings (incident-items.ts,
   * `listingItem`), whose headers are read in one BatchGetItem per hundred, and headers written
   * before listings, which carry their own index keys; an incident found both ways, as one
   * rewritten since can be for the moment an index takes to catch up, is given once. The headers
   * are read strongly, so they are at least as new as the listing that named them: a status query
   * then keeps only the incidents that have that status in their header (`queryIndex`).
   */
  private async headersOf(items: readonly RawItem[]): Promise<StoredIncident[]> {
    const found = items.map((item): { readonly listed: string } | { readonly header: StoredIncident } =>
      item.type === ItemType.listing
        ? { listed: parseListingItem(item).incidentId }
        : { header: parseIncidentHeader(item) },
    );
    const listed = found.flatMap((entry) => ('listed' in entry ? [incidentHeaderKey(entry.listed)] : []));
    const fetched = new Map(
      (await batchGetAll(this.context, listed)).map(parseIncidentHeader).map((header) => [header.id, header]),
    );
    const headers = new Map<string, StoredIncident>();
    for (const entry of found) {
      const header = 'listed' in entry ? fetched.get(entry.listed) : entry.header;
      if (header !== undefined && !headers.has(header.id)) headers.set(header.id, header);
    }
    return [...headers.values()];
  }
}

function limitOf(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new InvalidIncidentQueryError(`limit must be an integer from 1 to ${MAX_LIMIT}, got ${limit}`);
  }
  return limit;
}

function sinceOf(since: string): string {
  const ms = Date.parse(since);
  if (Number.isNaN(ms)) throw new InvalidIncidentQueryError(`since must be an ISO time, got "${since}"`);
  return isoTime(ms);
}

function newestFirst(a: StoredIncident, b: StoredIncident): number {
  if (a.openedAt !== b.openedAt) return a.openedAt < b.openedAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
