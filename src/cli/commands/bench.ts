import type { Command } from 'commander';
import type { CommandContext } from '../io.ts';
import { registerPlaceholderCommand } from './not-implemented.ts';

const BENCH_ISSUE = 6;

export function registerBenchCommand(program: Command, context: CommandContext): void {
  registerPlaceholderCommand(program, context, 'bench', 'measure pipeline throughput and cost', BENCH_ISSUE);
}
