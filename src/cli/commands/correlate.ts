import type { Command } from 'commander';
import { INPUT_LIMITS } from '../../core/limits.ts';
import { UsageError } from '../../errors.ts';
import { correlateOffline, type OfflineInput } from '../../runtime/correlate-offline.ts';
import { loadConfigOption } from '../config-option.ts';
import { type CliIo, type CommandContext, EXIT_OK, EXIT_USAGE } from '../io.ts';
import { readInputFile } from '../read-input-file.ts';
import { incidentTable } from '../render/incident-table.ts';

export interface CorrelateOptions {
  readonly json: boolean;
  readonly config?: string;
}

/**
 * Runs the whole pipeline offline with the in-memory store: no AWS, no emulators. Rejected items
 * are counted on stderr, like the stream consumer would quarantine them.
 */
export async function runCorrelate(
  files: readonly string[],
  options: CorrelateOptions,
  io: CliIo,
): Promise<number> {
  const config = loadConfigOption(options.config);
  const inputs: OfflineInput[] = [];
  for (const file of files) {
    const input = await readInputFile(file, INPUT_LIMITS.maxInputBytes).catch((error: unknown) => {
      if (error instanceof UsageError) throw new UsageError(`correlate: ${error.message}`);
      throw error;
    });
    if (input.kind === 'too-large') {
      io.stderr(
        `incidents correlate: ${file} is ${input.bytes} bytes, over the ${INPUT_LIMITS.maxInputBytes}-byte cap\n`,
      );
      return EXIT_USAGE;
    }
    inputs.push({ name: file, bytes: input.bytes });
  }
  const { incidents, report } = await correlateOffline(inputs, config, Date.now);
  if (options.json) {
    io.stdout(`${JSON.stringify(incidents, null, 2)}\n`);
  } else {
    io.stdout(incidents.length === 0 ? 'No incidents.\n' : `${incidentTable(incidents)}\n`);
    io.stderr(
      `${report.counts.signals} signal(s) (${report.counts.duplicates} duplicate(s) dropped), ` +
        `${report.counts.ignored} ignored, ${report.counts.quarantined} rejected, ${incidents.length} incident(s)\n`,
    );
  }
  return EXIT_OK;
}

export function registerCorrelateCommand(program: Command, context: CommandContext): void {
  program
    .command('correlate')
    .description('correlate event files offline (no AWS) and print the incidents')
    .argument('<files...>', 'input files: JSON event, JSON array, NDJSON, CloudTrail log file; gzip of any')
    .option('--json', 'print the incidents as a JSON array', false)
    .option('--config <file>', 'correlation windows, triggers, static links and caps (JSON)')
    .action(async (files: string[], options: CorrelateOptions) => {
      context.setExitCode(await runCorrelate(files, options, context.io));
    });
}
