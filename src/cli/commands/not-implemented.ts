import type { Command } from 'commander';
import { type CommandContext, EXIT_FAILURE } from '../io.ts';

/** Placeholder for a command whose issue is not done yet: says so and fails, rather than pretending. */
export function registerPlaceholderCommand(
  program: Command,
  context: CommandContext,
  name: string,
  description: string,
  issue: number,
): void {
  program
    .command(name)
    .description(`${description} (not yet implemented)`)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      context.io.stderr(`incidents ${name}: not yet implemented (see issue ${issue})\n`);
      context.setExitCode(EXIT_FAILURE);
    });
}
