import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { Command } from 'commander';
import type { Logger } from 'pino';
import { type AwsClients, createAwsClients } from '../adapters/aws-clients.ts';
import { IncidentQueries } from '../adapters/dynamodb/incident-queries.ts';
import { UsageError } from '../errors.ts';
import { connectToLocalStack } from '../local/connect.ts';
import { LocalStackError } from '../local/errors.ts';
import { createLocalEventBus, type LocalEventBus } from '../local/event-bus.ts';
import { loadInfraDefinitions } from '../local/infra/load-infra.ts';
import { DEFAULT_DATA_DIR } from './defaults.ts';

/** Where a command works: the running local stack (the default) or a deployed stack on AWS. */
export interface TargetOptions {
  readonly dataDir: string;
  readonly region?: string;
  readonly table?: string;
  readonly stream?: string;
  readonly endpointUrl?: string;
}

export interface Target {
  readonly description: string;
  readonly region: string;
  readonly clients: AwsClients;
  readonly tableName: string | undefined;
  readonly streamName: string | undefined;
  readonly tableStreamArn: string | undefined;
  /** Routes events the way the deployed EventBridge rules would (patterns and partition keys from infra/). */
  readonly eventBus: LocalEventBus | undefined;
  queries(): IncidentQueries;
  /** The table's stream: from the local state file, or DescribeTable; undefined when it has none. */
  findTableStreamArn(): Promise<string | undefined>;
  close(): void;
}

async function describeStreamArn(
  clients: AwsClients,
  tableName: string | undefined,
): Promise<string | undefined> {
  if (tableName === undefined) throw new UsageError('--table is required with --region');
  const table = await clients.dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
  return table.Table?.LatestStreamArn;
}

export function addTargetOptions(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'data directory of the local stack to use', DEFAULT_DATA_DIR)
    .option('--region <region>', 'use AWS in this region instead of the local stack')
    .option('--table <name>', 'the deployed incidents table (AWS mode)')
    .option('--stream <name>', 'the deployed events stream (AWS mode, for send)')
    .option('--endpoint-url <url>', 'a DynamoDB/Kinesis-compatible endpoint (AWS mode)');
}

export async function resolveTarget(options: TargetOptions, logger: Logger): Promise<Target> {
  const awsMode =
    options.region !== undefined || options.table !== undefined || options.endpointUrl !== undefined;
  return awsMode ? awsTarget(options, logger) : localTarget(options, logger);
}

async function localTarget(options: TargetOptions, logger: Logger): Promise<Target> {
  try {
    const connection = await connectToLocalStack(options.dataDir, logger);
    const { state, clients } = connection;
    return {
      description: `local stack (${options.dataDir})`,
      region: state.region,
      clients,
      tableName: state.tableName,
      streamName: state.streamName,
      tableStreamArn: state.tableStreamArn,
      eventBus: connection.eventBus,
      queries: () => new IncidentQueries({ client: clients.document, tableName: state.tableName }),
      findTableStreamArn: async () => state.tableStreamArn ?? describeStreamArn(clients, state.tableName),
      close: () => connection.close(),
    };
  } catch (error) {
    if (error instanceof LocalStackError) {
      throw new UsageError(`${error.message}; or pass --region and --table to use a deployed stack`);
    }
    throw error;
  }
}

function awsTarget(options: TargetOptions, logger: Logger): Target {
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (region === undefined)
    throw new UsageError('--region is required for a deployed stack (or set AWS_REGION)');
  const endpoints =
    options.endpointUrl === undefined
      ? undefined
      : { dynamodb: options.endpointUrl, kinesis: options.endpointUrl };
  const clients = createAwsClients({ region, ...(endpoints === undefined ? {} : { endpoints }) });
  const { table, stream } = options;
  const rules = stream === undefined ? undefined : loadInfraDefinitions({ region, streamName: stream }).rules;
  return {
    description: `AWS ${region}${options.endpointUrl === undefined ? '' : ` via ${options.endpointUrl}`}`,
    region,
    clients,
    tableName: table,
    streamName: stream,
    tableStreamArn: undefined,
    eventBus:
      stream === undefined || rules === undefined
        ? undefined
        : createLocalEventBus({ kinesis: clients.kinesis, streamName: stream, rules, logger, region }),
    queries: () => {
      if (table === undefined) throw new UsageError('--table is required with --region');
      return new IncidentQueries({ client: clients.document, tableName: table });
    },
    findTableStreamArn: () => describeStreamArn(clients, table),
    close: () => clients.destroy(),
  };
}
