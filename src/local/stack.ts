import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { type AwsClients, createAwsClients } from '../adapters/aws-clients.ts';
import type { EventSource } from '../adapters/stream-polling/types.ts';
import {
  type DynamoDbStreamHandler,
  type DynamoDbStreamSourceOptions,
  startDynamoDbStreamSource,
} from '../adapters/table-stream/stream-source.ts';
import { isProcessAlive, processCommandLine, stopForeignProcess } from './child-process.ts';
import {
  DYNAMODB_DATA_DIR,
  KINESIS_DATA_DIR,
  LOCAL_CREDENTIALS,
  LOCAL_HOST,
  LOCAL_REGION,
  LOCAL_SHARD_COUNT,
  STOP_GRACE_MS,
} from './constants.ts';
import { localStackAnswers } from './discover.ts';
import { DYNAMODB_LOCAL_JAR, type DynamoDbLocalProcess, startDynamoDbLocal } from './dynamodb-local.ts';
import { LocalStackError } from './errors.ts';
import { createLocalEventBus, type LocalEventBus } from './event-bus.ts';
import { type InfraDefinitions, loadInfraDefinitions } from './infra/load-infra.ts';
import type { StreamMappingSettings } from './infra/stream-mappings.ts';
import { type KinesaliteServer, startKinesalite } from './kinesalite-server.ts';
import {
  type KinesisBatchHandler,
  type KinesisEventSourceOptions,
  startKinesisEventSource,
} from './kinesis-event-source.ts';
import { registerProcessCleanup } from './process-cleanup.ts';
import { ensureStream, ensureTable } from './resources.ts';
import { readStateFile, removeStateFile, stateFilePath, writeStateFile } from './state-file.ts';

/**
 * The embedded local stack: DynamoDB Local (Java child) and kinesalite (in this process), with the
 * table and the events stream created from infra/, a local EventBridge applying infra/'s rules,
 * and local event source mappings that call the same handlers Lambda would. Data lives under
 * `dataDir` and survives restarts. `stop()` ends everything it started; a process that exits or
 * is signalled without calling it still stops its children (see process-cleanup.ts).
 */

export interface StartLocalStackOptions {
  readonly dataDir: string;
  readonly logger: Logger;
  readonly region?: string;
  /** The stage names are resolved for (default "local"). */
  readonly stage?: string;
  /** osls `--param` values the infra templates read. */
  readonly params?: Readonly<Record<string, string>>;
  /** Override serverless.yml's names. */
  readonly tableName?: string;
  readonly streamName?: string;
  /** Shards of the emulated stream (default: the template's provisioned count, else 2). */
  readonly shardCount?: number;
  /** Holds serverless.yml and infra/; found from this module when omitted. */
  readonly projectRoot?: string;
  readonly host?: string;
  /** Free ports are chosen when omitted. */
  readonly ports?: { readonly dynamodb?: number; readonly kinesis?: number };
  readonly javaCommand?: string;
  readonly readyTimeoutMs?: number;
  /** Stop the stack on SIGINT/SIGTERM/SIGHUP (default true). Pass false when the application does it. */
  readonly handleProcessSignals?: boolean;
}

type ManagedKinesisOptions =
  | 'kinesis'
  | 'streamName'
  | 'streamArn'
  | 'region'
  | 'handler'
  | 'logger'
  | 'dataDir';
export type AttachKinesisOptions = Partial<Omit<KinesisEventSourceOptions, ManagedKinesisOptions>>;
type ManagedStreamOptions = 'streams' | 'streamArn' | 'region' | 'handler' | 'logger' | 'dataDir';
export type AttachTableStreamOptions = Partial<Omit<DynamoDbStreamSourceOptions, ManagedStreamOptions>>;

export interface LocalStack {
  readonly dataDir: string;
  readonly region: string;
  readonly names: { readonly table: string; readonly stream: string };
  readonly endpoints: { readonly dynamodb: string; readonly kinesis: string };
  readonly streamArn: string;
  readonly tableStreamArn: string | undefined;
  /** The DynamoDB Local Java process. */
  readonly dynamoDbPid: number;
  readonly clients: AwsClients;
  readonly infra: InfraDefinitions;
  readonly eventBus: LocalEventBus;
  /**
   * Polls the events stream into `handler` like the deployed consumer's mapping: serverless.yml's
   * settings for it are the defaults, `options` override them.
   */
  attachKinesisConsumer(handler: KinesisBatchHandler, options?: AttachKinesisOptions): Promise<EventSource>;
  /** Follows the table's stream into `handler`, with serverless.yml's filter patterns and settings by default. */
  attachTableStreamHandler(
    handler: DynamoDbStreamHandler,
    options?: AttachTableStreamOptions,
  ): Promise<EventSource>;
  /** Waits until the consumers, then the stream handlers, have nothing left to do. */
  whenIdle(options?: { readonly timeoutMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

/** `override` laid over `base`, where an option left undefined keeps the base's value. */
function withOverrides<T extends object, U extends object>(base: T, override: U): T & U {
  const result: T & U = { ...base, ...override };
  for (const [key, value] of Object.entries(base)) {
    if (Reflect.get(override, key) === undefined) Reflect.set(result, key, value);
  }
  return result;
}

/** serverless.yml's settings for a mapping, as event source options. */
function mappingDefaults(settings: StreamMappingSettings | undefined, fallbackName: string) {
  if (settings === undefined) return { name: fallbackName };
  const { functionName, type: _type, filterPatterns, ...policy } = settings;
  return { name: functionName, ...policy, ...(filterPatterns === undefined ? {} : { filterPatterns }) };
}

/**
 * A state file from an earlier run: refuse to start beside a stack that still runs; otherwise stop
 * the DynamoDB Local it may have left (only if its command line proves it is ours) and forget it.
 */
async function clearEarlierRun(dataDir: string, dbPath: string, logger: Logger): Promise<void> {
  const content = readStateFile(dataDir);
  if (content.kind === 'absent') return;
  if (content.kind === 'present') {
    const { state } = content;
    if (isProcessAlive(state.pid) && (await localStackAnswers(state))) {
      throw new LocalStackError(
        `A local stack already runs from ${dataDir} (pid ${state.pid}, DynamoDB ${state.endpoints.dynamodb}, Kinesis ${state.endpoints.kinesis}); stop it or use another data directory`,
      );
    }
    const commandLine = isProcessAlive(state.dynamoDbPid) ? processCommandLine(state.dynamoDbPid) : undefined;
    if (commandLine?.includes(DYNAMODB_LOCAL_JAR) && commandLine.includes(dbPath)) {
      logger.warn({ pid: state.dynamoDbPid }, 'stopping the DynamoDB Local an earlier run left behind');
      await stopForeignProcess(state.dynamoDbPid, STOP_GRACE_MS);
    }
  }
  logger.info({ file: stateFilePath(dataDir) }, 'removing the state file of an earlier run');
  removeStateFile(dataDir);
}

async function startEmulators(
  options: StartLocalStackOptions,
  dataDir: string,
  host: string,
  dbPath: string,
): Promise<{ dynamodb: DynamoDbLocalProcess; kinesis: KinesaliteServer }> {
  const [dynamodb, kinesis] = await Promise.allSettled([
    startDynamoDbLocal({
      dbPath,
      host,
      logger: options.logger,
      ...(options.ports?.dynamodb === undefined ? {} : { port: options.ports.dynamodb }),
      ...(options.javaCommand === undefined ? {} : { javaCommand: options.javaCommand }),
      ...(options.readyTimeoutMs === undefined ? {} : { readyTimeoutMs: options.readyTimeoutMs }),
    }),
    startKinesalite({
      path: path.join(dataDir, KINESIS_DATA_DIR),
      host,
      logger: options.logger,
      ...(options.ports?.kinesis === undefined ? {} : { port: options.ports.kinesis }),
    }),
  ]);
  if (dynamodb.status === 'fulfilled' && kinesis.status === 'fulfilled') {
    return { dynamodb: dynamodb.value, kinesis: kinesis.value };
  }
  await Promise.allSettled([
    dynamodb.status === 'fulfilled' ? dynamodb.value.stop() : undefined,
    kinesis.status === 'fulfilled' ? kinesis.value.stop() : undefined,
  ]);
  const failure = [dynamodb, kinesis].find(
    (result): result is PromiseRejectedResult => result.status === 'rejected',
  );
  throw failure?.reason;
}

export async function startLocalStack(options: StartLocalStackOptions): Promise<LocalStack> {
  const { logger } = options;
  const started = Date.now();
  const dataDir = path.resolve(options.dataDir);
  const region = options.region ?? LOCAL_REGION;
  const host = options.host ?? LOCAL_HOST;
  const dbPath = path.join(dataDir, DYNAMODB_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });

  // Read infra/ first: a broken template should fail before any process is started.
  const infra = loadInfraDefinitions({
    region,
    ...(options.projectRoot === undefined ? {} : { projectRoot: options.projectRoot }),
    ...(options.stage === undefined ? {} : { stage: options.stage }),
    ...(options.params === undefined ? {} : { params: options.params }),
    ...(options.tableName === undefined ? {} : { tableName: options.tableName }),
    ...(options.streamName === undefined ? {} : { streamName: options.streamName }),
  });
  await clearEarlierRun(dataDir, dbPath, logger);

  const emulators = await startEmulators(options, dataDir, host, dbPath);
  const endpoints = { dynamodb: emulators.dynamodb.endpoint, kinesis: emulators.kinesis.endpoint };
  const clients = createAwsClients({ region, credentials: LOCAL_CREDENTIALS, endpoints });
  const sources: { kind: 'kinesis' | 'dynamodb'; source: EventSource }[] = [];

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await Promise.allSettled(sources.map(({ source }) => source.stop()));
      clients.destroy();
      const results = await Promise.allSettled([emulators.kinesis.stop(), emulators.dynamodb.stop()]);
      removeStateFile(dataDir, process.pid);
      unregisterCleanup();
      for (const result of results) {
        if (result.status === 'rejected')
          logger.warn({ err: result.reason }, 'an emulator did not stop cleanly');
      }
      logger.info({ dataDir }, 'local stack stopped');
    })();
    return stopping;
  };
  const unregisterCleanup = registerProcessCleanup(
    {
      run: stop,
      runSync: () => {
        emulators.dynamodb.killNow();
        removeStateFile(dataDir, process.pid);
      },
    },
    { handleSignals: options.handleProcessSignals ?? true },
  );

  try {
    const shardCount = options.shardCount ?? infra.stream.shardCount ?? LOCAL_SHARD_COUNT;
    const [stream, table] = await Promise.all([
      ensureStream(clients.kinesis, infra.stream.streamName, shardCount, logger),
      ensureTable(clients.dynamodb, infra.table, logger),
    ]);
    writeStateFile({
      version: 1,
      pid: process.pid,
      dynamoDbPid: emulators.dynamodb.pid,
      startedAt: new Date().toISOString(),
      dataDir,
      region,
      endpoints,
      tableName: table.tableName,
      ...(table.streamArn === undefined ? {} : { tableStreamArn: table.streamArn }),
      streamName: stream.streamName,
      streamArn: stream.streamArn,
    });
    logger.info(
      {
        dataDir,
        table: table.tableName,
        stream: stream.streamName,
        shards: stream.shardCount,
        ms: Date.now() - started,
      },
      'local stack ready',
    );

    const eventBus = createLocalEventBus({
      kinesis: clients.kinesis,
      streamName: stream.streamName,
      rules: infra.rules,
      logger,
      region,
    });

    return {
      dataDir,
      region,
      names: { table: table.tableName, stream: stream.streamName },
      endpoints,
      streamArn: stream.streamArn,
      tableStreamArn: table.streamArn,
      dynamoDbPid: emulators.dynamodb.pid,
      clients,
      infra,
      eventBus,
      attachKinesisConsumer: async (handler, attachOptions = {}) => {
        if (stopping) throw new LocalStackError('The local stack is stopping');
        const { filterPatterns, ...defaults } = mappingDefaults(infra.streamMappings.kinesis, 'consumer');
        if (filterPatterns !== undefined) {
          logger.warn('the local Kinesis mapping ignores filter patterns: every record reaches the consumer');
        }
        const source = await startKinesisEventSource({
          ...withOverrides(defaults, attachOptions),
          kinesis: clients.kinesis,
          streamName: stream.streamName,
          streamArn: stream.streamArn,
          region,
          handler,
          logger,
          dataDir,
        });
        sources.push({ kind: 'kinesis', source });
        return source;
      },
      attachTableStreamHandler: async (handler, attachOptions = {}) => {
        if (stopping) throw new LocalStackError('The local stack is stopping');
        if (table.streamArn === undefined) {
          throw new LocalStackError(`The table ${table.tableName} has no stream in infra/`);
        }
        const source = await startDynamoDbStreamSource({
          ...withOverrides(mappingDefaults(infra.streamMappings.dynamodb, 'incident-stream'), attachOptions),
          streams: clients.dynamodbStreams,
          streamArn: table.streamArn,
          region,
          handler,
          logger,
          dataDir,
        });
        sources.push({ kind: 'dynamodb', source });
        return source;
      },
      whenIdle: async (idleOptions = {}) => {
        for (const kind of ['kinesis', 'dynamodb'] as const) {
          for (const entry of sources.filter((candidate) => candidate.kind === kind)) {
            await entry.source.whenIdle(idleOptions);
          }
        }
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
