import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { UsageError } from '../../errors.ts';
import { isWorkloadProfile, WORKLOAD_PROFILES, type WorkloadProfile } from '../../workloads/profiles.ts';
import type { CliIo, CommandContext } from '../io.ts';

/**
 * `incidents bench` (what `npm run bench` runs): throughput, store cost, end-to-end latency and
 * memory, printed as tables and written as JSON. Throughput and store cost are measured on each
 * workload profile (mix, busy, fleet); end to end and memory on the mix. The benchmark itself
 * lives in bench/, outside the built package: it is loaded from there at run time, so it needs a
 * clone of the repository.
 */

export const BENCH_SECTIONS = ['core', 'store', 'e2e', 'memory'] as const;
export type BenchSection = (typeof BENCH_SECTIONS)[number];

export interface BenchOptions {
  /** Profiles the core and store sections measure. */
  readonly profiles: readonly WorkloadProfile[];
  /** Mix events through the in-process pipeline. */
  readonly events: number;
  /** Mix events through both consumers against DynamoDB Local. */
  readonly storeEvents: number;
  /**
   * Busy: hours of traffic generated (2 executions/s). In process, `busyCoreMinutes` of it are
   * measured from just before its last outage, everything before them preloaded (all: the whole day).
   */
  readonly busyHours: number;
  readonly busyCoreMinutes: number;
  /** Busy on DynamoDB Local: `busyStoreMinutes` from just before the last outage, after `busyStorePreloadMinutes` before them. */
  readonly busyStoreMinutes: number;
  readonly busyStorePreloadMinutes: number;
  /** Fleet: state machines and minutes of their traffic, all measured in process. */
  readonly fleetStateMachines: number;
  readonly fleetMinutes: number;
  /** Fleet on DynamoDB Local: `fleetStoreMinutes` from just before its outage, after `fleetStorePreloadMinutes` before them. */
  readonly fleetStoreMinutes: number;
  readonly fleetStorePreloadMinutes: number;
  /** Events sent through the local stack at once, then more sent at a steady pace. */
  readonly e2eEvents: number;
  readonly pacedEvents: number;
  readonly memoryRecords: number;
  readonly seed: number;
  readonly batchSize: number;
  readonly sections: readonly BenchSection[];
  readonly outDir: string;
}

export type BenchRunner = (options: BenchOptions, io: CliIo) => Promise<number>;

const BENCH_MODULE = new URL('../../../bench/main.ts', import.meta.url);
const RESULTS_DIR = fileURLToPath(new URL('../../../bench/results/', import.meta.url));

/**
 * Full: busy is the whole day and fleet the whole hour in process. DynamoDB Local serves a few
 * hundred requests a second, so a day there would take hours: the store section measures the 10
 * minutes from just before the busy day's last outage (after the hour before them) and the 5
 * minutes from just before the fleet's outage (after the 5 before them). Each section prints
 * exactly what it measured.
 */
const FULL = {
  events: 20_000,
  storeEvents: 2_000,
  e2eEvents: 1_000,
  pacedEvents: 200,
  busyHours: 24,
  busyCoreMinutes: 24 * 60,
  busyStoreMinutes: 10,
  busyStorePreloadMinutes: 60,
  fleetStateMachines: 300,
  fleetMinutes: 60,
  fleetStoreMinutes: 5,
  fleetStorePreloadMinutes: 5,
};
/** Quick: a smoke run of every path (the busy slice and its preload included) in a few minutes. */
const QUICK = {
  events: 5_000,
  storeEvents: 500,
  e2eEvents: 200,
  pacedEvents: 50,
  busyHours: 2,
  busyCoreMinutes: 60,
  busyStoreMinutes: 8,
  busyStorePreloadMinutes: 10,
  fleetStateMachines: 100,
  fleetMinutes: 10,
  fleetStoreMinutes: 5,
  fleetStorePreloadMinutes: 2,
};

interface RawOptions {
  readonly profiles?: string;
  readonly events?: string;
  readonly storeEvents?: string;
  readonly busyHours?: string;
  readonly busyCoreMinutes?: string;
  readonly busyStoreMinutes?: string;
  readonly busyStorePreloadMinutes?: string;
  readonly fleetStateMachines?: string;
  readonly fleetMinutes?: string;
  readonly fleetStoreMinutes?: string;
  readonly fleetStorePreloadMinutes?: string;
  readonly e2eEvents?: string;
  readonly memoryRecords: string;
  readonly seed: string;
  readonly batchSize: string;
  readonly quick: boolean;
  readonly only?: string;
  readonly out: string;
}

function positiveInteger(text: string, option: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new UsageError(`bench: ${option} must be a positive integer, got "${text}"`);
  }
  return value;
}

function isSection(name: string): name is BenchSection {
  return (BENCH_SECTIONS as readonly string[]).includes(name);
}

function sectionsOf(only: string | undefined): BenchSection[] {
  if (only === undefined) return [...BENCH_SECTIONS];
  const names = only.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !isSection(name));
  if (unknown.length > 0) {
    throw new UsageError(
      `bench: unknown section(s) ${unknown.join(', ')}; choose from ${BENCH_SECTIONS.join(', ')}`,
    );
  }
  return names.filter(isSection);
}

function profilesOf(list: string | undefined): WorkloadProfile[] {
  if (list === undefined) return [...WORKLOAD_PROFILES];
  const names = list.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !isWorkloadProfile(name));
  if (unknown.length > 0) {
    throw new UsageError(
      `bench: unknown profile(s) ${unknown.join(', ')}; choose from ${WORKLOAD_PROFILES.join(', ')}`,
    );
  }
  return names.filter(isWorkloadProfile);
}

export function benchOptionsOf(raw: RawOptions): BenchOptions {
  const sizes = raw.quick ? QUICK : FULL;
  const pick = (text: string | undefined, option: string, fallback: number) =>
    text === undefined ? fallback : positiveInteger(text, option);
  const e2eEvents = pick(raw.e2eEvents, '--e2e-events', sizes.e2eEvents);
  const busyHours = pick(raw.busyHours, '--busy-hours', sizes.busyHours);
  return {
    profiles: profilesOf(raw.profiles),
    events: pick(raw.events, '--events', sizes.events),
    storeEvents: pick(raw.storeEvents, '--store-events', sizes.storeEvents),
    busyHours,
    // A slice longer than the day is the whole day.
    busyCoreMinutes: Math.min(
      busyHours * 60,
      pick(raw.busyCoreMinutes, '--busy-core-minutes', sizes.busyCoreMinutes),
    ),
    busyStoreMinutes: Math.min(
      busyHours * 60,
      pick(raw.busyStoreMinutes, '--busy-store-minutes', sizes.busyStoreMinutes),
    ),
    busyStorePreloadMinutes: pick(
      raw.busyStorePreloadMinutes,
      '--busy-store-preload-minutes',
      sizes.busyStorePreloadMinutes,
    ),
    fleetStateMachines: pick(raw.fleetStateMachines, '--fleet-state-machines', sizes.fleetStateMachines),
    fleetMinutes: pick(raw.fleetMinutes, '--fleet-minutes', sizes.fleetMinutes),
    fleetStoreMinutes: pick(raw.fleetStoreMinutes, '--fleet-store-minutes', sizes.fleetStoreMinutes),
    fleetStorePreloadMinutes: pick(
      raw.fleetStorePreloadMinutes,
      '--fleet-store-preload-minutes',
      sizes.fleetStorePreloadMinutes,
    ),
    e2eEvents,
    pacedEvents: Math.max(10, Math.min(sizes.pacedEvents, Math.ceil(e2eEvents / 4))),
    memoryRecords: positiveInteger(raw.memoryRecords, '--memory-records'),
    seed: positiveInteger(raw.seed, '--seed'),
    batchSize: positiveInteger(raw.batchSize, '--batch-size'),
    sections: sectionsOf(raw.only),
    outDir: raw.out,
  };
}

function isBenchModule(value: unknown): value is { readonly runBench: BenchRunner } {
  return (
    typeof value === 'object' && value !== null && 'runBench' in value && typeof value.runBench === 'function'
  );
}

async function loadRunner(): Promise<BenchRunner> {
  let loaded: unknown;
  try {
    loaded = await import(BENCH_MODULE.href);
  } catch (error) {
    throw new UsageError(
      `bench: the benchmark runs from a clone of the repository (${fileURLToPath(BENCH_MODULE)} could not be loaded: ${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (!isBenchModule(loaded))
    throw new UsageError(`bench: ${fileURLToPath(BENCH_MODULE)} exports no runBench`);
  return loaded.runBench;
}

export function registerBenchCommand(program: Command, context: CommandContext): void {
  program
    .command('bench')
    .description(
      'measure pipeline throughput, DynamoDB cost, end-to-end latency and memory (starts emulators)',
    )
    .option(
      '--profiles <list>',
      `workloads the core and store sections measure, comma-separated (default ${WORKLOAD_PROFILES.join(',')})`,
    )
    .option('--events <n>', `mix: events through the in-process pipeline (default ${FULL.events})`)
    .option(
      '--store-events <n>',
      `mix: events for the DynamoDB cost comparison (default ${FULL.storeEvents})`,
    )
    .option('--busy-hours <n>', `busy: hours of traffic at 2 executions/s (default ${FULL.busyHours})`)
    .option(
      '--busy-core-minutes <n>',
      `busy: minutes measured in process, from just before the last outage, the rest preloaded untimed (default ${FULL.busyCoreMinutes}: all)`,
    )
    .option(
      '--busy-store-minutes <n>',
      `busy: minutes measured on DynamoDB Local, from just before the day's last outage (default ${FULL.busyStoreMinutes})`,
    )
    .option(
      '--busy-store-preload-minutes <n>',
      `busy: minutes before them fed to our table first, unmetered (default ${FULL.busyStorePreloadMinutes})`,
    )
    .option('--fleet-state-machines <n>', `fleet: state machines (default ${FULL.fleetStateMachines})`)
    .option('--fleet-minutes <n>', `fleet: minutes of traffic (default ${FULL.fleetMinutes})`)
    .option(
      '--fleet-store-minutes <n>',
      `fleet: minutes measured on DynamoDB Local, from just before its outage (default ${FULL.fleetStoreMinutes})`,
    )
    .option(
      '--fleet-store-preload-minutes <n>',
      `fleet: minutes before them fed to our table first, unmetered (default ${FULL.fleetStorePreloadMinutes})`,
    )
    .option('--e2e-events <n>', `events sent through the local stack (default ${FULL.e2eEvents})`)
    .option('--memory-records <n>', 'records in the one batch whose memory is measured', '10000')
    .option('--seed <n>', 'seed of the generated events', '42')
    .option('--batch-size <n>', 'records per batch, as the event source mapping sends them', '500')
    .option('--quick', 'smaller workloads (every profile and path, a few minutes): a smoke run', false)
    .option('--only <sections>', `comma-separated subset of ${BENCH_SECTIONS.join(',')}`)
    .option('--out <dir>', 'where the JSON results are written', RESULTS_DIR)
    .action(async (raw: RawOptions) => {
      const options = benchOptionsOf(raw);
      const runBench = await loadRunner();
      context.setExitCode(await runBench(options, context.io));
    });
}
