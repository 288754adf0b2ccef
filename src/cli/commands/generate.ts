import type { Command } from 'commander';
import { UsageError } from '../../errors.ts';
import { BUSY_DEFAULTS } from '../../workloads/busy.ts';
import { FLEET_DEFAULTS } from '../../workloads/fleet.ts';
import { EVENT_FAMILIES, emptyCounts, type GeneratedEvent } from '../../workloads/generated.ts';
import {
  isWorkloadProfile,
  WORKLOAD_PROFILES,
  type WorkloadProfile,
  type WorkloadRequest,
  workloadStream,
} from '../../workloads/profiles.ts';
import { MINUTE } from '../../workloads/simulated-account.ts';
import { type CliIo, type CommandContext, EXIT_OK } from '../io.ts';
import { writeNdjson } from '../write-ndjson.ts';

/**
 * `incidents generate <mix|busy|fleet>`: a seeded workload as NDJSON, one EventBridge event per
 * line in event-time order, for `send`, `correlate` and `normalize` to read. Same seed, same bytes.
 */

export interface GenerateOptions {
  readonly seed: string;
  readonly out?: string;
  readonly events?: string;
  readonly stateMachines?: string;
  readonly rate?: string;
  readonly minutes?: string;
  readonly outages?: string;
  readonly failures?: string;
  readonly failing?: string;
}

const MIX_DEFAULT_EVENTS = 2_000;

/** Which profiles each profile-specific option means something for. */
const APPLIES_TO: Readonly<Record<string, readonly WorkloadProfile[]>> = {
  events: ['mix'],
  stateMachines: ['mix', 'fleet'],
  rate: ['busy'],
  minutes: ['busy', 'fleet'],
  outages: ['busy'],
  failures: ['busy', 'fleet'],
  failing: ['fleet'],
};

const FLAG: Readonly<Record<string, string>> = {
  events: '--events',
  stateMachines: '--state-machines',
  rate: '--rate',
  minutes: '--minutes',
  outages: '--outages',
  failures: '--failures',
  failing: '--failing',
};

function wholeNumber(text: string, flag: string, min: number): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`generate: ${flag} must be a whole number ≥ ${min}, got "${text}"`);
  }
  return value;
}

function positiveNumber(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new UsageError(`generate: ${flag} must be a number above 0, got "${text}"`);
  }
  return value;
}

/** A profile's option given to another profile is a mistake worth saying, not something to ignore. */
function refuseForeignOptions(profile: WorkloadProfile, options: GenerateOptions): void {
  for (const [key, profiles] of Object.entries(APPLIES_TO)) {
    if (Reflect.get(options, key) !== undefined && !profiles.includes(profile)) {
      throw new UsageError(
        `generate: ${FLAG[key]} applies to ${profiles.join(' and ')} only, not ${profile}`,
      );
    }
  }
}

export function workloadRequestOf(profile: string, options: GenerateOptions): WorkloadRequest {
  if (!isWorkloadProfile(profile)) {
    throw new UsageError(
      `generate: unknown profile "${profile}"; choose from ${WORKLOAD_PROFILES.join(', ')}`,
    );
  }
  refuseForeignOptions(profile, options);
  const seed = wholeNumber(options.seed, '--seed', 0);
  const optional = <T>(text: string | undefined, parse: (text: string) => T) =>
    text === undefined ? undefined : parse(text);
  const durationMs = optional(options.minutes, (text) => positiveNumber(text, '--minutes') * MINUTE);
  switch (profile) {
    case 'mix':
      return {
        profile,
        options: {
          seed,
          events: optional(options.events, (text) => wholeNumber(text, '--events', 1)) ?? MIX_DEFAULT_EVENTS,
          stateMachines: optional(options.stateMachines, (text) => wholeNumber(text, '--state-machines', 1)),
        },
      };
    case 'busy':
      return {
        profile,
        options: {
          seed,
          rate: optional(options.rate, (text) => positiveNumber(text, '--rate')),
          durationMs,
          outages: optional(options.outages, (text) => wholeNumber(text, '--outages', 0)),
          failuresPerOutage: optional(options.failures, (text) => wholeNumber(text, '--failures', 0)),
        },
      };
    case 'fleet':
      return {
        profile,
        options: {
          seed,
          stateMachines: optional(options.stateMachines, (text) => wholeNumber(text, '--state-machines', 1)),
          durationMs,
          failing: optional(options.failing, (text) => wholeNumber(text, '--failing', 0)),
          failuresPerMachine: optional(options.failures, (text) => wholeNumber(text, '--failures', 0)),
        },
      };
  }
}

function isFailedRun(generated: GeneratedEvent): boolean {
  const detail = generated.event.detail;
  return (
    generated.family === 'execution' &&
    typeof detail === 'object' &&
    detail !== null &&
    'status' in detail &&
    detail.status === 'FAILED'
  );
}

export async function runGenerate(profile: string, options: GenerateOptions, io: CliIo): Promise<number> {
  const request = workloadRequestOf(profile, options);
  let stream: ReturnType<typeof workloadStream>;
  try {
    stream = workloadStream(request);
  } catch (error) {
    // The generators refuse workloads that cannot be what was asked (e.g. outages that do not fit).
    if (error instanceof RangeError) throw new UsageError(`generate: ${error.message}`, { cause: error });
    throw error;
  }
  const counts = emptyCounts();
  let failed = 0;
  function* counted(): Generator<unknown> {
    for (const generated of stream.events) {
      counts[generated.family] += 1;
      if (isFailedRun(generated)) failed += 1;
      yield generated.event;
    }
  }
  await writeNdjson(counted(), options.out, io);
  const total = EVENT_FAMILIES.reduce((sum, family) => sum + counts[family], 0);
  const byFamily = EVENT_FAMILIES.map((family) => `${family} ${counts[family]}`).join(', ');
  io.stderr(
    `incidents generate ${request.profile}: ${total} event(s) (${byFamily}; ${failed} FAILED run(s)) ` +
      `for ${stream.stateMachineArns.length} state machine(s)${options.out === undefined ? '' : `, written to ${options.out}`}\n`,
  );
  return EXIT_OK;
}

export function registerGenerateCommand(program: Command, context: CommandContext): void {
  program
    .command('generate')
    .description('write a seeded workload as NDJSON (one EventBridge event per line, in event-time order)')
    .argument('<profile>', `${WORKLOAD_PROFILES.join(' | ')}`)
    .option('--seed <n>', 'seed: the same seed gives the same bytes', '42')
    .option('--out <file>', 'write to FILE instead of stdout (gzipped when FILE ends in .gz)')
    .option('--events <n>', `mix: exactly this many events (default ${MIX_DEFAULT_EVENTS})`)
    .option(
      '--state-machines <n>',
      `mix: state machines (default one per 250 events); fleet: (default ${FLEET_DEFAULTS.stateMachines})`,
    )
    .option('--rate <n>', `busy: executions started per second (default ${BUSY_DEFAULTS.rate})`)
    .option(
      '--minutes <n>',
      `busy, fleet: minutes of event time (default ${BUSY_DEFAULTS.durationMs / MINUTE} busy, ${FLEET_DEFAULTS.durationMs / MINUTE} fleet)`,
    )
    .option('--outages <n>', 'busy: outages, evenly spread (default one per 4 h, at least 1)')
    .option(
      '--failures <n>',
      `busy: FAILED runs per outage, over ${BUSY_DEFAULTS.outageSpreadMs / MINUTE} min (default ${BUSY_DEFAULTS.failuresPerOutage}); ` +
        `fleet: FAILED runs per failing state machine (default ${FLEET_DEFAULTS.failuresPerMachine})`,
    )
    .option(
      '--failing <n>',
      `fleet: state machines failing at about the same time (within ${FLEET_DEFAULTS.outageSpreadMs / 1000} s; default ${FLEET_DEFAULTS.failing})`,
    )
    .action(async (profile: string, options: GenerateOptions) => {
      context.setExitCode(await runGenerate(profile, options, context.io));
    });
}
