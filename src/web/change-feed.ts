import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import type { Logger } from 'pino';
import { type IncidentChange, incidentChangeOf } from '../adapters/dynamodb/incident-change.ts';
import { startDynamoDbStreamSource } from '../adapters/table-stream/stream-source.ts';

/** Incident changes as they happen, to whoever listens (the page's server-sent events). */
export interface ChangeFeed {
  /** Returns the function that stops listening. */
  subscribe(listener: (change: IncidentChange) => void): () => void;
}

export interface StoppableChangeFeed extends ChangeFeed {
  stop(): Promise<void>;
}

export interface TableStream {
  readonly streams: DynamoDBStreamsClient;
  /** The table's LatestStreamArn. */
  readonly streamArn: string;
  readonly region: string;
}

/** Only incident headers: the same filter criteria the deployed stream subscriber has. */
const HEADERS_ONLY = [{ dynamodb: { Keys: { pk: { S: [{ prefix: 'INC#' }] }, sk: { S: ['HEAD'] } } } }];

/**
 * Follows the table's stream from now on (LATEST: the page loads the current state itself) and
 * turns each incident header record into a typed change.
 */
export async function startIncidentChangeFeed(
  stream: TableStream,
  logger: Logger,
): Promise<StoppableChangeFeed> {
  const listeners = new Set<(change: IncidentChange) => void>();
  const source = await startDynamoDbStreamSource({
    ...stream,
    logger,
    name: 'incident-page',
    filterPatterns: HEADERS_ONLY,
    startingPosition: 'LATEST',
    handler: async (event) => {
      for (const record of event.Records) {
        const change = changeOf(record, logger);
        if (change === undefined) continue;
        for (const listener of listeners) notify(listener, change, logger);
      }
    },
  });
  return {
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop: () => source.stop(),
  };
}

/**
 * A header that does not parse is a bug to see in the log, but a viewer must not retry it forever
 * (the mapping would redeliver the batch): the page simply does not hear of that change.
 */
function changeOf(record: DynamoDBRecord, logger: Logger): IncidentChange | undefined {
  try {
    const change = incidentChangeOf(record);
    return change.kind === 'ignored' ? undefined : change;
  } catch (error) {
    logger.warn({ err: error }, 'incident page: a stream record could not be read; it is not shown live');
    return undefined;
  }
}

/** One listener's failure (a closed connection) must neither reach the others nor fail the batch. */
function notify(listener: (change: IncidentChange) => void, change: IncidentChange, logger: Logger): void {
  try {
    listener(change);
  } catch (error) {
    logger.warn({ err: error }, 'incident page: a change listener failed');
  }
}
