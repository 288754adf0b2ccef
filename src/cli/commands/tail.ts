import type { Command } from 'commander';
import type { ChangePublisher } from '../../adapters/publishers/change-publisher.ts';
import { ConsoleChangePublisher } from '../../adapters/publishers/console-publisher.ts';
import { startDynamoDbStreamSource } from '../../adapters/table-stream/stream-source.ts';
import { UsageError } from '../../errors.ts';
import { createIncidentStreamHandler } from '../../runtime/incident-stream.ts';
import { createLogger } from '../../runtime/logger.ts';
import { type CliIo, type CommandContext, EXIT_OK } from '../io.ts';
import { addTargetOptions, resolveTarget, type TargetOptions } from '../target.ts';
import { untilSignalled } from '../until-signalled.ts';

interface TailOptions extends TargetOptions {
  readonly json: boolean;
  readonly fromStart: boolean;
}

/** Only incident headers: the same filter criteria the deployed stream subscriber has. */
const HEADERS_ONLY = [{ dynamodb: { Keys: { pk: { S: [{ prefix: 'INC#' }] }, sk: { S: ['HEAD'] } } } }];

function jsonPublisher(io: CliIo): ChangePublisher {
  return {
    publish: async (changes) => {
      for (const change of changes) io.stdout(`${JSON.stringify(change.body)}\n`);
    },
  };
}

/** Follows the table's stream and prints incident changes as they happen, until Ctrl-C. */
export async function runTail(
  options: TailOptions,
  io: CliIo,
  until: Promise<unknown> = untilSignalled(),
): Promise<number> {
  const logger = createLogger('warn', 'incidents', 'stderr');
  const target = await resolveTarget(options, logger);
  try {
    const streamArn = await target.findTableStreamArn();
    if (streamArn === undefined) throw new UsageError(`table ${target.tableName} has no stream enabled`);
    const handler = createIncidentStreamHandler({
      publisher: options.json
        ? jsonPublisher(io)
        : new ConsoleChangePublisher((line) => io.stdout(`${line}\n`)),
      logger,
      clock: Date.now,
    });
    const source = await startDynamoDbStreamSource({
      streams: target.clients.dynamodbStreams,
      streamArn,
      region: target.region,
      handler,
      logger,
      name: 'incidents-tail',
      filterPatterns: HEADERS_ONLY,
      startingPosition: options.fromStart ? 'TRIM_HORIZON' : 'LATEST',
    });
    if (!options.json) io.stderr(`Following incident changes of ${target.description}; Ctrl-C to stop.\n`);
    await until;
    await source.stop();
    return EXIT_OK;
  } finally {
    target.close();
  }
}

export function registerTailCommand(program: Command, context: CommandContext): void {
  addTargetOptions(
    program.command('tail').description("follow the table's stream: incident changes as they happen"),
  )
    .option('--from-start', 'replay the changes still in the stream (24 h) before following', false)
    .option('--json', 'print one JSON change per line', false)
    .action(async (options: TailOptions) => {
      context.setExitCode(await runTail(options, context.io));
    });
}
