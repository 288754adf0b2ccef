import { DynamoDbIncidentStore } from '../adapters/dynamodb/dynamodb-store.ts';
import { IncidentQueries } from '../adapters/dynamodb/incident-queries.ts';
import { ConsoleChangePublisher } from '../adapters/publishers/console-publisher.ts';
import { type CorrelationConfig, DEFAULT_CONFIG } from '../core/config.ts';
import { type LocalStack, startLocalStack } from '../local/stack.ts';
import { createIncidentStreamHandler } from './incident-stream.ts';
import { createKinesisConsumer } from './kinesis-consumer.ts';
import type { Logger } from './logger.ts';

export interface LocalAppOptions {
  readonly dataDir: string;
  readonly logger: Logger;
  /** Where incident changes are printed as they happen. */
  readonly printChange: (line: string) => void;
  readonly handleProcessSignals?: boolean;
  /** What the consumer correlates with (`start --config FILE` or CORRELATION_CONFIG); the defaults otherwise. */
  readonly config?: CorrelationConfig;
}

/** The product running locally: real emulators, the same consumer and stream handler Lambda runs. */
export interface LocalApp {
  readonly stack: LocalStack;
  readonly store: DynamoDbIncidentStore;
  readonly queries: IncidentQueries;
  stop(): Promise<void>;
}

export async function startLocalApp(options: LocalAppOptions): Promise<LocalApp> {
  const stack = await startLocalStack({
    dataDir: options.dataDir,
    logger: options.logger,
    handleProcessSignals: options.handleProcessSignals ?? true,
  });
  try {
    const tableName = stack.names.table;
    const store = new DynamoDbIncidentStore({ client: stack.clients.document, tableName, clock: Date.now });
    const queries = new IncidentQueries({ client: stack.clients.document, tableName });
    const consumer = createKinesisConsumer({
      store,
      config: options.config ?? DEFAULT_CONFIG,
      logger: options.logger,
      clock: Date.now,
    });
    const publishChanges = createIncidentStreamHandler({
      publisher: new ConsoleChangePublisher(options.printChange),
      logger: options.logger,
      clock: Date.now,
    });
    // No batching window locally: changes show as events are sent, not five seconds later.
    await stack.attachKinesisConsumer(consumer, { maximumBatchingWindowMs: 0 });
    await stack.attachTableStreamHandler(publishChanges);
    return { stack, store, queries, stop: () => stack.stop() };
  } catch (error) {
    await stack.stop();
    throw error;
  }
}
