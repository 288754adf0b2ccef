import type { Command } from 'commander';
import type { CommandContext } from '../io.ts';
import { registerPlaceholderCommand } from './not-implemented.ts';

const START_ISSUE = 4;

export function registerStartCommand(program: Command, context: CommandContext): void {
  registerPlaceholderCommand(
    program,
    context,
    'start',
    'run the local stack with a demo scenario',
    START_ISSUE,
  );
}
