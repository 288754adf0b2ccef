/**
 * The `incidents` command line. Each command lives in `commands/` and is added to COMMANDS; a
 * command gets the commander program and a context (output streams, exit code) and nothing else.
 */

import { Command, CommanderError } from 'commander';
import { InvalidIncidentQueryError } from '../adapters/dynamodb/incident-queries.ts';
import { UsageError } from '../errors.ts';
import { registerBenchCommand } from './commands/bench.ts';
import { registerCorrelateCommand } from './commands/correlate.ts';
import { registerGenerateCommand } from './commands/generate.ts';
import { registerListCommand } from './commands/list.ts';
import { registerNormalizeCommand } from './commands/normalize.ts';
import { registerQuarantineCommand } from './commands/quarantine.ts';
import { registerSendCommand } from './commands/send.ts';
import { registerServeCommand } from './commands/serve.ts';
import { registerShowCommand } from './commands/show.ts';
import { registerStartCommand } from './commands/start.ts';
import { registerTailCommand } from './commands/tail.ts';
import { type CliIo, type CommandContext, EXIT_FAILURE, EXIT_OK, EXIT_USAGE, processIo } from './io.ts';

export type CommandRegistration = (program: Command, context: CommandContext) => void;

export const COMMANDS: readonly CommandRegistration[] = [
  registerNormalizeCommand,
  registerCorrelateCommand,
  registerGenerateCommand,
  registerStartCommand,
  registerSendCommand,
  registerListCommand,
  registerShowCommand,
  registerTailCommand,
  registerServeCommand,
  registerQuarantineCommand,
  registerBenchCommand,
];

const HELP_SHOWN = new Set(['commander.helpDisplayed', 'commander.version']);

export function createProgram(
  context: CommandContext,
  commands: readonly CommandRegistration[] = COMMANDS,
): Command {
  const program = new Command('incidents')
    .description(
      'Correlate Step Functions failures with CloudWatch alarms and CloudTrail calls into incidents',
    )
    .exitOverride()
    .configureOutput({ writeOut: context.io.stdout, writeErr: context.io.stderr })
    .showSuggestionAfterError();
  for (const register of commands) register(program, context);
  return program;
}

/** Runs the CLI and returns its exit code; it never calls process.exit, so tests can call it. */
export async function main(argv: string[], io: CliIo = processIo()): Promise<number> {
  let exitCode = EXIT_OK;
  const context: CommandContext = {
    io,
    setExitCode: (code) => {
      exitCode = code;
    },
  };
  try {
    await createProgram(context).parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    // Commander has already printed its own message (usage errors, help) to io.stderr/stdout.
    if (error instanceof CommanderError) return HELP_SHOWN.has(error.code) ? EXIT_OK : EXIT_USAGE;
    if (isUsageError(error)) {
      io.stderr(`incidents: ${error.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr(
      `incidents: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return EXIT_FAILURE;
  }
}

/** The caller's to fix, and the message says how: shown without a stack, exit code 2. */
function isUsageError(error: unknown): error is UsageError | InvalidIncidentQueryError {
  return error instanceof UsageError || error instanceof InvalidIncidentQueryError;
}
