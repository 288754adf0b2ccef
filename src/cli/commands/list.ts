import type { Command } from 'commander';
import {
  STORED_INCIDENT_STATUSES,
  type StoredIncidentStatus,
  storedIncidentStatusSchema,
} from '../../core/incident/read-model.ts';
import { UsageError } from '../../errors.ts';
import { createLogger } from '../../runtime/logger.ts';
import { type CliIo, type CommandContext, EXIT_OK } from '../io.ts';
import { parseLimit, parseSince } from '../parse-time.ts';
import { incidentTable } from '../render/incident-table.ts';
import { addTargetOptions, resolveTarget, type TargetOptions } from '../target.ts';

interface ListOptions extends TargetOptions {
  readonly status?: string;
  readonly stateMachine?: string;
  readonly since?: string;
  readonly limit: string;
  readonly json: boolean;
}

function parseStatus(text: string | undefined): StoredIncidentStatus | undefined {
  if (text === undefined) return undefined;
  const parsed = storedIncidentStatusSchema.safeParse(text.toUpperCase());
  if (!parsed.success) {
    throw new UsageError(`--status must be one of ${STORED_INCIDENT_STATUSES.join(', ')}; got "${text}"`);
  }
  return parsed.data;
}

/** "A, B or C", for the option's help. */
function oneOf(choices: readonly string[]): string {
  return choices.length < 2 ? choices.join('') : `${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`;
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
    .option('--status <status>', oneOf(STORED_INCIDENT_STATUSES))
    .option('--state-machine <arn>', 'only incidents of this state machine')
    .option('--since <time>', 'opened at or after: ISO time or a duration back from now (30m, 6h, 7d)')
    .option('--limit <n>', 'at most this many (1-1000)', '50')
    .option('--json', 'print JSON', false)
    .action(async (options: ListOptions) => {
      context.setExitCode(await runList(options, context.io));
    });
}
