import type { Command } from 'commander';
import { UsageError } from '../../errors.ts';
import { createLogger } from '../../runtime/logger.ts';
import { type CliIo, type CommandContext, EXIT_OK } from '../io.ts';
import { parseLimit } from '../parse-time.ts';
import { addTargetOptions, resolveTarget, type TargetOptions } from '../target.ts';

interface QuarantineOptions extends TargetOptions {
  readonly day?: string;
  readonly limit: string;
  readonly json: boolean;
  readonly raw: boolean;
}

const KEY_SEPARATOR = '|';

/** Records the consumer could never process, with why and the bytes that arrived. */
export async function runQuarantine(
  action: string,
  key: string | undefined,
  options: QuarantineOptions,
  io: CliIo,
): Promise<number> {
  if (action !== 'list' && action !== 'show')
    throw new UsageError(`quarantine takes "list" or "show KEY", got "${action}"`);
  const target = await resolveTarget(options, createLogger('warn', 'incidents', 'stderr'));
  try {
    const queries = target.queries();
    if (action === 'list') {
      const entries = await queries.listQuarantine({ day: options.day, limit: parseLimit(options.limit) });
      if (options.json) {
        io.stdout(
          `${JSON.stringify(
            entries.map(({ raw: _raw, ...entry }) => entry),
            null,
            2,
          )}\n`,
        );
        return EXIT_OK;
      }
      if (entries.length === 0) {
        io.stdout('Quarantine is empty.\n');
        return EXIT_OK;
      }
      // Blocks rather than a table: the key must stay whole to be copied into `quarantine show`.
      for (const entry of entries) {
        io.stdout(
          `${entry.pk}${KEY_SEPARATOR}${entry.sk}\n  at ${entry.quarantinedAt}, record ${entry.recordId}, ${entry.rawBytes} bytes${entry.rawTruncated ? ' (raw kept truncated)' : ''}\n  ${entry.reason}\n`,
        );
      }
      return EXIT_OK;
    }
    if (key === undefined) throw new UsageError('quarantine show needs the KEY printed by quarantine list');
    const separator = key.indexOf(KEY_SEPARATOR);
    if (separator < 0) throw new UsageError(`a quarantine key looks like QUAR#yyyy-mm-dd${KEY_SEPARATOR}…`);
    const entry = await queries.getQuarantineEntry(key.slice(0, separator), key.slice(separator + 1));
    if (entry === undefined) throw new UsageError(`no quarantined record ${key}`);
    if (options.raw) {
      io.stdout(Buffer.from(entry.raw).toString('utf8'));
      return EXIT_OK;
    }
    const { raw, ...rest } = entry;
    const preview = Buffer.from(raw).toString('utf8');
    const details = { ...rest, rawPreview: preview.length > 2000 ? `${preview.slice(0, 2000)}…` : preview };
    io.stdout(`${JSON.stringify(details, null, 2)}\n`);
    return EXIT_OK;
  } finally {
    target.close();
  }
}

export function registerQuarantineCommand(program: Command, context: CommandContext): void {
  addTargetOptions(
    program
      .command('quarantine')
      .description('list quarantined records, or show one with its reason and raw bytes')
      .argument('[action]', 'list | show', 'list')
      .argument('[key]', 'for show: the key printed by list'),
  )
    .option('--day <yyyy-mm-dd>', 'only this day (UTC)')
    .option('--limit <n>', 'at most this many (1-1000)', '50')
    .option('--json', 'print JSON (raw bytes left out of lists)', false)
    .option('--raw', 'show: print only the raw record bytes', false)
    .action(async (action: string, key: string | undefined, options: QuarantineOptions) => {
      context.setExitCode(await runQuarantine(action, key, options, context.io));
    });
}
