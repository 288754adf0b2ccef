import { randomUUID } from 'node:crypto';
import { type KinesisClient, PutRecordsCommand, type PutRecordsRequestEntry } from '@aws-sdk/client-kinesis';
import type { Logger } from 'pino';
import { sleep } from '../sleep.ts';
import { LOCAL_ACCOUNT_ID } from './constants.ts';
import type { EventRuleDefinition, RuleTarget } from './infra/rule-definitions.ts';

/**
 * The local EventBridge: applies the rules of infra/ (event pattern, then each Kinesis target's
 * partition key path) to events and puts what matches into the events stream. An event no rule
 * matches is counted, not sent, as on AWS. Entries Kinesis refuses (throttling) are retried.
 */

export interface LocalEventBusOptions {
  readonly kinesis: KinesisClient;
  readonly streamName: string;
  readonly rules: readonly EventRuleDefinition[];
  readonly logger: Logger;
  /** Fills `region` on events that lack it, as EventBridge stamps its own region. */
  readonly region: string;
  readonly accountId?: string;
  /** Attempts per record, the first one included. */
  readonly maxPutAttempts?: number;
}

export interface FailedEvent {
  /** Position of the event in the `putEvents` argument. */
  readonly index: number;
  readonly rule?: string;
  readonly reason: string;
}

export interface PutEventsResult {
  readonly received: number;
  /** Events at least one enabled rule matched. */
  readonly matched: number;
  readonly unmatched: number;
  /** Records the stream accepted (an event matched by two rules is two records). */
  readonly recordsSent: number;
  /** Records sent, per rule name. */
  readonly sentByRule: Readonly<Record<string, number>>;
  readonly failed: readonly FailedEvent[];
}

export interface LocalEventBus {
  putEvents(events: readonly unknown[]): Promise<PutEventsResult>;
}

/** EventBridge refuses entries above 256 KiB. */
const MAX_EVENT_BYTES = 256 * 1024;
const MAX_PARTITION_KEY_LENGTH = 256;
/** PutRecords limits: 500 records and 5 MiB per request. */
const MAX_RECORDS_PER_PUT = 500;
const MAX_BYTES_PER_PUT = 5 * 1024 * 1024;
const DEFAULT_MAX_PUT_ATTEMPTS = 5;
const RETRY_BASE_DELAY_MS = 50;

interface PendingRecord {
  readonly eventIndex: number;
  readonly rule: string;
  readonly entry: PutRecordsRequestEntry;
  readonly bytes: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What EventBridge adds to every event it accepts; values the sender set are kept. */
function withEnvelope(
  event: Record<string, unknown>,
  region: string,
  accountId: string,
): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    account: accountId,
    time: new Date().toISOString(),
    region,
    resources: [],
    ...event,
  };
}

function partitionKeyOf(event: Record<string, unknown>, target: RuleTarget): string | undefined {
  const value = target.partitionKeyPath.select(event);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function batches(records: readonly PendingRecord[]): PendingRecord[][] {
  const result: PendingRecord[][] = [];
  let current: PendingRecord[] = [];
  let bytes = 0;
  for (const record of records) {
    if (
      current.length === MAX_RECORDS_PER_PUT ||
      (current.length > 0 && bytes + record.bytes > MAX_BYTES_PER_PUT)
    ) {
      result.push(current);
      current = [];
      bytes = 0;
    }
    current.push(record);
    bytes += record.bytes;
  }
  if (current.length > 0) result.push(current);
  return result;
}

export function createLocalEventBus(options: LocalEventBusOptions): LocalEventBus {
  const accountId = options.accountId ?? LOCAL_ACCOUNT_ID;
  const maxAttempts = options.maxPutAttempts ?? DEFAULT_MAX_PUT_ATTEMPTS;
  const rules = options.rules.filter((rule) => rule.enabled);

  /** Sends one batch, retrying refused entries; returns the entries still refused with their error. */
  async function putWithRetries(
    batch: readonly PendingRecord[],
  ): Promise<{ record: PendingRecord; reason: string }[]> {
    let pending = batch.map((record) => ({ record, reason: '' }));
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      try {
        const response = await options.kinesis.send(
          new PutRecordsCommand({
            StreamName: options.streamName,
            Records: pending.map(({ record }) => record.entry),
          }),
        );
        const results = response.Records ?? [];
        pending = pending.flatMap((item, index) => {
          const result = results[index];
          return result?.ErrorCode === undefined && result !== undefined
            ? []
            : [{ record: item.record, reason: result?.ErrorCode ?? 'no result for this record' }];
        });
      } catch (error) {
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        pending = pending.map((item) => ({ record: item.record, reason }));
      }
      if (pending.length === 0 || attempt >= maxAttempts) break;
      options.logger.debug({ refused: pending.length, attempt }, 'retrying records the stream refused');
      await sleep(RETRY_BASE_DELAY_MS * 2 ** (attempt - 1));
    }
    return pending;
  }

  return {
    putEvents: async (events) => {
      const failed: FailedEvent[] = [];
      const records: PendingRecord[] = [];
      let matched = 0;
      let unmatched = 0;
      events.forEach((raw, index) => {
        if (!isRecord(raw)) {
          failed.push({ index, reason: 'an event is a JSON object' });
          return;
        }
        const event = withEnvelope(raw, options.region, accountId);
        const body = JSON.stringify(event);
        if (Buffer.byteLength(body) > MAX_EVENT_BYTES) {
          failed.push({ index, reason: `event larger than ${MAX_EVENT_BYTES} bytes` });
          return;
        }
        const matching = rules.filter((rule) => rule.pattern.matches(event));
        if (matching.length > 0) matched += 1;
        else unmatched += 1;
        for (const rule of matching) {
          for (const target of rule.targets) {
            const partitionKey = partitionKeyOf(event, target);
            if (
              partitionKey === undefined ||
              partitionKey === '' ||
              partitionKey.length > MAX_PARTITION_KEY_LENGTH
            ) {
              failed.push({
                index,
                rule: rule.name,
                reason: `no usable partition key at ${target.partitionKeyPath.text}`,
              });
              continue;
            }
            const data = Buffer.from(
              target.inputPath ? JSON.stringify(target.inputPath.select(event) ?? null) : body,
            );
            records.push({
              eventIndex: index,
              rule: rule.name,
              entry: { Data: data, PartitionKey: partitionKey },
              bytes: data.length + Buffer.byteLength(partitionKey),
            });
          }
        }
      });

      const sentByRule: Record<string, number> = {};
      let recordsSent = 0;
      for (const batch of batches(records)) {
        const refused = await putWithRetries(batch);
        const refusedSet = new Set(refused.map(({ record }) => record));
        for (const record of batch) {
          if (refusedSet.has(record)) continue;
          recordsSent += 1;
          sentByRule[record.rule] = (sentByRule[record.rule] ?? 0) + 1;
        }
        for (const { record, reason } of refused) {
          failed.push({
            index: record.eventIndex,
            rule: record.rule,
            reason: `stream refused the record: ${reason}`,
          });
        }
      }
      const result = {
        received: events.length,
        matched,
        unmatched,
        recordsSent,
        sentByRule,
        failed,
      };
      options.logger.debug(
        { received: result.received, matched, unmatched, recordsSent, failed: failed.length },
        'events put on the local bus',
      );
      return result;
    },
  };
}
