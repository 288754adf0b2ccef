import type { Command } from 'commander';
import { INPUT_LIMITS } from '../../core/limits.ts';
import { normalizeInput } from '../../core/signals/normalize.ts';
import type { NormalizeResult } from '../../core/signals/types.ts';
import { UsageError } from '../../errors.ts';
import { type CliIo, type CommandContext, EXIT_OK, EXIT_USAGE } from '../io.ts';
import { readInputFile } from '../read-input-file.ts';
import { humanLine, jsonLine, summaryWidth } from '../render/normalize-result.ts';

export interface NormalizeOptions {
  readonly json: boolean;
}

async function normalizeFile(file: string): Promise<NormalizeResult[]> {
  const input = await readInputFile(file, INPUT_LIMITS.maxInputBytes);
  if (input.kind === 'too-large') {
    const reason = `input is ${input.bytes} bytes, over the ${INPUT_LIMITS.maxInputBytes}-byte cap`;
    return [{ result: 'rejected', position: [], reason }];
  }
  return normalizeInput(input.bytes);
}

interface FileResults {
  readonly file: string;
  readonly results: readonly NormalizeResult[];
}

/**
 * Prints one line per input item, aligned across all files. Rejected items are output, not
 * failure: the exit code is 0 when every file could be read, 2 when any could not (the others
 * are still processed).
 */
export async function runNormalize(
  files: readonly string[],
  options: NormalizeOptions,
  io: CliIo,
): Promise<number> {
  let exitCode = EXIT_OK;
  const normalized: FileResults[] = [];
  for (const file of files) {
    try {
      normalized.push({ file, results: await normalizeFile(file) });
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      io.stderr(`incidents normalize: ${error.message}\n`);
      exitCode = EXIT_USAGE;
    }
  }
  const width = summaryWidth(normalized.flatMap(({ results }) => results));
  const counts = { signal: 0, ignored: 0, rejected: 0 };
  for (const { file, results } of normalized) {
    for (const result of results) {
      counts[result.result] += 1;
      io.stdout(`${options.json ? jsonLine(file, result) : humanLine(file, result, width)}\n`);
    }
  }
  if (!options.json) {
    io.stderr(`${counts.signal} signal(s), ${counts.ignored} ignored, ${counts.rejected} rejected\n`);
  }
  return exitCode;
}

export function registerNormalizeCommand(program: Command, context: CommandContext): void {
  program
    .command('normalize')
    .description(
      'parse event files (JSON, JSON array, NDJSON, CloudTrail log file; gzip of any) into signals',
    )
    .argument('<files...>', 'input files')
    .option('--json', 'print NDJSON objects instead of aligned lines', false)
    .action(async (files: string[], options: NormalizeOptions) => {
      context.setExitCode(await runNormalize(files, options, context.io));
    });
}
