import type { Command } from 'commander';
import type { Logger } from 'pino';
import { UsageError } from '../../errors.ts';
import { createLogger } from '../../runtime/logger.ts';
import type { TableStream } from '../../web/change-feed.ts';
import { DEFAULT_WEB_HOST, DEFAULT_WEB_PORT } from '../../web/constants.ts';
import { startIncidentPage } from '../../web/incident-page.ts';
import { isLoopbackHost } from '../../web/security.ts';
import { type CliIo, type CommandContext, EXIT_OK } from '../io.ts';
import { addTargetOptions, resolveTarget, type Target, type TargetOptions } from '../target.ts';
import { untilSignalled } from '../until-signalled.ts';

interface ServeOptions extends TargetOptions {
  readonly port?: string;
  readonly host: string;
}

function parsePort(text: string): number {
  const port = /^\d{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(port) || port > 65_535) {
    throw new UsageError(`--port must be a whole number from 0 (any free port) to 65535; got "${text}"`);
  }
  return port;
}

/** The table's stream, found like `tail` finds it; a table without one only costs live updates. */
async function tableStream(target: Target, logger: Logger): Promise<TableStream | undefined> {
  try {
    const streamArn = await target.findTableStreamArn();
    if (streamArn !== undefined) {
      return { streams: target.clients.dynamodbStreams, streamArn, region: target.region };
    }
    logger.warn(`table ${target.tableName} has no stream: the incident page polls instead of updating live`);
  } catch (error) {
    logger.warn({ err: error }, `cannot describe table ${target.tableName}: the incident page polls`);
  }
  return undefined;
}

/** Serves the incident page until Ctrl-C (or until `until` settles, for tests). */
export async function runServe(
  options: ServeOptions,
  io: CliIo,
  until: Promise<unknown> = untilSignalled(),
): Promise<number> {
  // An explicit port must be honoured or fail; only the default may move to a free one.
  const port = options.port === undefined ? DEFAULT_WEB_PORT : parsePort(options.port);
  const logger = createLogger('warn', 'incidents', 'stderr');
  const target = await resolveTarget(options, logger);
  try {
    const queries = target.queries();
    const page = await startIncidentPage({
      queries,
      stream: await tableStream(target, logger),
      host: options.host,
      port,
      portFallback: options.port === undefined,
      logger,
    }).catch((error: unknown) => {
      if (error instanceof Error && 'code' in error && error.code === 'EADDRINUSE') {
        throw new UsageError(`port ${port} on ${options.host} is in use; pick another with --port`);
      }
      throw error;
    });
    io.stdout(`Incident page: ${page.url}\n`);
    io.stderr(
      `Serving ${target.description}, read-only, ${page.live ? 'updating live from the table stream' : 'polling'}; Ctrl-C to stop.\n`,
    );
    if (!isLoopbackHost(options.host)) {
      io.stderr(`Note: ${options.host} is not loopback; anyone who can reach it can read the incidents.\n`);
    }
    await until;
    await page.stop();
    return EXIT_OK;
  } finally {
    target.close();
  }
}

export function registerServeCommand(program: Command, context: CommandContext): void {
  addTargetOptions(
    program
      .command('serve')
      .description('the incident page: a read-only web view of the incidents, updated live'),
  )
    .option(
      '--port <n>',
      `port to listen on; 0 for any free one (default ${DEFAULT_WEB_PORT}, or a free one if taken)`,
    )
    .option('--host <address>', 'address to bind; anything but loopback exposes the page', DEFAULT_WEB_HOST)
    .action(async (options: ServeOptions) => {
      context.setExitCode(await runServe(options, context.io));
    });
}
