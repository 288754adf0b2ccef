import type { Command } from 'commander';
import { UsageError } from '../../errors.ts';
import { createLogger } from '../../runtime/logger.ts';
import { type CliIo, type CommandContext, EXIT_OK } from '../io.ts';
import { parseLimit, parseSince } from '../parse-time.ts';
import { incidentTable } from '../render/incident-table.ts';
import { addTargetOptions, resolveTarget, type TargetOptions } from '../target.ts';

const STATUSES = ['OPEN', 'RESOLVED', 'SUPERSEDED'] as const;
type ListStatus = (typeof STATUSES)[number];

interface ListOptions extends TargetOptions {
  readonly status?: string;
  readonly stateMachine?: string;
  readonly since?: string;
  readonly limit: string;
  readonly json: boolean;
}

function parseStatus(text: string | undefined): ListStatus | undefined {
  if (text === undefined) return undefined;
  const status = STATUSES.find((s) => s === text.toUpperCase());
  if (status === undefined)
    throw new UsageError(`--status must be one of ${STATUSES.join(', ')}; got "${text}"`);
  return status;
}

export async function runList(options: ListOptions, io: CliIo): Promise<number> {
  const filter = {
    status: parseStatus(options.status),
    stateMachineArn: options.stateMachine,
    since: options.since === undefined ? undefined : parseSince(options.since, Date.now()),
    limit: parseLimit(options.limit),
  };
  const target = await resolveTarget(options, createLogger('warn', 'incidents', 'stderr'));
  try {
    const incidents = await target.queries().listIncidents(filter);
    if (options.json) io.stdout(`${JSON.stringify(incidents, null, 2)}\n`);
    else io.stdout(incidents.length === 0 ? 'No incidents.\n' : `${incidentTable(incidents)}\n`);
    return EXIT_OK;
  } finally {
    target.close();
  }
}

export function registerListCommand(program: Command, context: CommandContext): void {
  addTargetOptions(program.command('list').description('list incidents, newest first'))
    .option('--status <status>', 'OPEN, RESOLVED or SUPERSEDED')
    .option('--state-machine <arn>', 'only incidents of this state machine')
    .option('--since <time>', 'opened at or after: ISO time or a duration back from now (30m, 6h, 7d)')
    .option('--limit <n>', 'at most this many (1-1000)', '50')
    .option('--json', 'print JSON', false)
    .action(async (options: ListOptions) => {
      context.setExitCode(await runList(options, context.io));
    });
}
