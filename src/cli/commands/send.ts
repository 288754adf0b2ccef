import type { Command } from 'commander';
import { INPUT_LIMITS } from '../../core/limits.ts';
import { UsageError } from '../../errors.ts';
import { createLogger } from '../../runtime/logger.ts';
import { outgoingEventsOf } from '../../runtime/outgoing-events.ts';
import { type CliIo, type CommandContext, EXIT_OK } from '../io.ts';
import { readInputFile } from '../read-input-file.ts';
import { addTargetOptions, resolveTarget, type TargetOptions } from '../target.ts';

interface SendOptions extends TargetOptions {
  readonly json: boolean;
}

/**
 * Sends events the way EventBridge would deliver them: the rules' patterns and partition keys from
 * infra/ decide what reaches the stream. Raw CloudTrail records are wrapped as CloudTrail does.
 */
export async function runSend(files: readonly string[], options: SendOptions, io: CliIo): Promise<number> {
  const logger = createLogger('warn', 'incidents', 'stderr');
  const target = await resolveTarget(options, logger);
  try {
    const eventBus = target.eventBus;
    if (eventBus === undefined) throw new UsageError('--stream is required to send to a deployed stack');
    const totals = { events: 0, sent: 0, unmatched: 0, failed: 0, skipped: 0, rejected: 0 };
    for (const file of files) {
      const input = await readInputFile(file, INPUT_LIMITS.maxInputBytes);
      if (input.kind === 'too-large')
        throw new UsageError(`${file} is ${input.bytes} bytes, over the input cap`);
      const { events, skipped, rejected } = outgoingEventsOf(input.bytes);
      for (const problem of rejected)
        io.stderr(`incidents send: ${file}: ${problem.position}: ${problem.reason}\n`);
      const result = await eventBus.putEvents(events);
      for (const failure of result.failed)
        io.stderr(`incidents send: ${file}: event ${failure.index}: ${failure.reason}\n`);
      totals.events += events.length;
      totals.sent += result.recordsSent;
      totals.unmatched += result.unmatched;
      totals.failed += result.failed.length;
      totals.skipped += skipped.length;
      totals.rejected += rejected.length;
    }
    const summary = `${totals.events} event(s) read, ${totals.sent} record(s) sent to ${target.streamName} (${target.description}), ${totals.unmatched} matched no rule, ${totals.failed} failed, ${totals.skipped} skipped (not events EventBridge delivers), ${totals.rejected} unreadable`;
    io.stdout(options.json ? `${JSON.stringify(totals)}\n` : `${summary}\n`);
    return totals.failed > 0 ? 1 : EXIT_OK;
  } finally {
    target.close();
  }
}

export function registerSendCommand(program: Command, context: CommandContext): void {
  addTargetOptions(
    program
      .command('send')
      .description('send event files into the stream through the EventBridge rules (local stack by default)')
      .argument('<files...>', 'JSON event, JSON array, NDJSON, CloudTrail log file; gzip of any'),
  )
    .option('--json', 'print the totals as JSON', false)
    .action(async (files: string[], options: SendOptions) => {
      context.setExitCode(await runSend(files, options, context.io));
    });
}
