import type { Command } from 'commander';
import { UsageError } from '../../errors.ts';
import { createLogger } from '../../runtime/logger.ts';
import { type CliIo, type CommandContext, EXIT_OK } from '../io.ts';
import { incidentDetail } from '../render/incident-detail.ts';
import { addTargetOptions, resolveTarget, type TargetOptions } from '../target.ts';

interface ShowOptions extends TargetOptions {
  readonly json: boolean;
}

export async function runShow(id: string, options: ShowOptions, io: CliIo): Promise<number> {
  const target = await resolveTarget(options, createLogger('warn', 'incidents', 'stderr'));
  try {
    const incident = await target.queries().getIncident(id);
    if (incident === undefined) throw new UsageError(`no incident ${id} in ${target.description}`);
    io.stdout(options.json ? `${JSON.stringify(incident, null, 2)}\n` : `${incidentDetail(incident)}\n`);
    return EXIT_OK;
  } finally {
    target.close();
  }
}

export function registerShowCommand(program: Command, context: CommandContext): void {
  addTargetOptions(
    program
      .command('show')
      .description('show one incident with its evidence and timeline')
      .argument('<id>', 'incident id'),
  )
    .option('--json', 'print JSON', false)
    .action(async (id: string, options: ShowOptions) => {
      context.setExitCode(await runShow(id, options, context.io));
    });
}
