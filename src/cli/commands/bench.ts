import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { UsageError } from '../../errors.ts';
import { isWorkloadProfile, WORKLOAD_PROFILES, type WorkloadProfile } from '../../workloads/profiles.ts';
import type { CliIo, CommandContext } from '../io.ts';

/**
 * `incidents bench` (what `npm run bench` runs): throughput, DynamoDB cost, end-to-end latency
 * and memory, printed as tables and written as JSON. Throughput is measured on each workload
 * profile (mix, busy, fleet) on both stores: the in-memory store in process, and the DynamoDB
 * store on DynamoDB Local, where cost per 1,000 events and bytes read per batch are measured too;
 * peak memory of one large batch per profile; end to end on the mix. The benchmark itself lives
 * in bench/, outside the built package: it is loaded from there at run time, so it needs a clone
 * of the repository.
 */

export const BENCH_SECTIONS = ['core', 'dynamodb', 'e2e', 'memory'] as const;
export type BenchSection = (typeof BENCH_SECTIONS)[number];

export interface BenchOptions {
  /** Profiles every section but e2e measures. */
  readonly profiles: readonly WorkloadProfile[];
  /** Mix events through the in-process pipeline. */
  readonly events: number;
  /**
   * Busy: hours of traffic generated (2 executions/s). In process, `busyCoreMinutes` of it are
   * measured from just before its last outage, everything before them preloaded (all: the whole day).
   */
  readonly busyHours: number;
  readonly busyCoreMinutes: number;
  /** Fleet: state machines and minutes of their traffic, all measured in process. */
  readonly fleetStateMachines: number;
  readonly fleetMinutes: number;
  /** DynamoDB Local, mix: events through both consumers. */
  readonly dynamodbMixEvents: number;
  /** DynamoDB Local, busy: the first hours of the same busy day, from an empty table (fractions allowed). */
  readonly dynamodbBusyHours: number;
  /** DynamoDB Local, fleet: minutes from just before its outage, after the minutes before them preloaded. */
  readonly dynamodbFleetMinutes: number;
  readonly dynamodbFleetPreloadMinutes: number;
  /** DynamoDB Local: the baseline runs on at most this many of the measured events (it costs the same per event). */
  readonly dynamodbBaselineEvents: number;
  /** Events sent through the local stack at once, then more sent at a steady pace. */
  readonly e2eEvents: number;
  readonly pacedEvents: number;
  /** Records in the one batch whose peak memory is measured, per profile. */
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
 * hundred requests a second (the baseline's two per event: ~60 events/s), so there the bench
 * measures the whole busy day (~346,000 events, about two minutes at today's request rate) from
 * an empty table, the fleet's 10 minutes from just before its outage after the 5 before them
 * (a fleet batch still costs ~900 requests), and the baseline on the first 2,000 events of each.
 * About ten minutes in all on two cores. Each section prints exactly what it measured.
 */
const FULL = {
  events: 20_000,
  e2eEvents: 1_000,
  pacedEvents: 200,
  busyHours: 24,
  busyCoreMinutes: 24 * 60,
  fleetStateMachines: 300,
  fleetMinutes: 60,
  // 20,000 events are the mix's 80 state machines; 5,000 were 20 of them, a cheaper shape.
  dynamodbMixEvents: 20_000,
  dynamodbBusyHours: 24,
  dynamodbFleetMinutes: 10,
  dynamodbFleetPreloadMinutes: 5,
  dynamodbBaselineEvents: 2_000,
};
/** Quick: a smoke run of every path (the busy slice and its preload included) in a few minutes. */
const QUICK = {
  events: 5_000,
  e2eEvents: 200,
  pacedEvents: 50,
  busyHours: 2,
  busyCoreMinutes: 60,
  fleetStateMachines: 100,
  fleetMinutes: 10,
  dynamodbMixEvents: 1_000,
  dynamodbBusyHours: 1,
  dynamodbFleetMinutes: 5,
  dynamodbFleetPreloadMinutes: 2,
  dynamodbBaselineEvents: 500,
};

interface RawOptions {
  readonly profiles?: string;
  readonly events?: string;
  readonly busyHours?: string;
  readonly busyCoreMinutes?: string;
  readonly fleetStateMachines?: string;
  readonly fleetMinutes?: string;
  readonly dynamodbMixEvents?: string;
  readonly dynamodbBusyHours?: string;
  readonly dynamodbFleetMinutes?: string;
  readonly dynamodbFleetPreloadMinutes?: string;
  readonly dynamodbBaselineEvents?: string;
  readonly e2eEvents?: string;
  readonly memoryRecords: string;
  readonly seed: string;
  readonly batchSize: string;
  readonly quick: boolean;
  readonly only?: string;
  readonly out: string;
}

function positiveNumber(text: string, option: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new UsageError(`bench: ${option} must be a positive number, got "${text}"`);
  }
  return value;
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
    busyHours,
    // A slice longer than the day is the whole day.
    busyCoreMinutes: Math.min(
      busyHours * 60,
      pick(raw.busyCoreMinutes, '--busy-core-minutes', sizes.busyCoreMinutes),
    ),
    fleetStateMachines: pick(raw.fleetStateMachines, '--fleet-state-machines', sizes.fleetStateMachines),
    fleetMinutes: pick(raw.fleetMinutes, '--fleet-minutes', sizes.fleetMinutes),
    dynamodbMixEvents: pick(raw.dynamodbMixEvents, '--dynamodb-mix-events', sizes.dynamodbMixEvents),
    dynamodbBusyHours: Math.min(
      busyHours,
      raw.dynamodbBusyHours === undefined
        ? sizes.dynamodbBusyHours
        : positiveNumber(raw.dynamodbBusyHours, '--dynamodb-busy-hours'),
    ),
    dynamodbFleetMinutes: pick(
      raw.dynamodbFleetMinutes,
      '--dynamodb-fleet-minutes',
      sizes.dynamodbFleetMinutes,
    ),
    dynamodbFleetPreloadMinutes: pick(
      raw.dynamodbFleetPreloadMinutes,
      '--dynamodb-fleet-preload-minutes',
      sizes.dynamodbFleetPreloadMinutes,
    ),
    dynamodbBaselineEvents: pick(
      raw.dynamodbBaselineEvents,
      '--dynamodb-baseline-events',
      sizes.dynamodbBaselineEvents,
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
      'measure throughput on both stores, DynamoDB cost, end-to-end latency and memory (starts emulators)',
    )
    .option(
      '--profiles <list>',
      `workloads measured, comma-separated (default ${WORKLOAD_PROFILES.join(',')})`,
    )
    .option('--events <n>', `mix: events through the in-process pipeline (default ${FULL.events})`)
    .option('--busy-hours <n>', `busy: hours of traffic at 2 executions/s (default ${FULL.busyHours})`)
    .option(
      '--busy-core-minutes <n>',
      `busy: minutes measured in process, from just before the last outage, the rest preloaded untimed (default ${FULL.busyCoreMinutes}: all)`,
    )
    .option('--fleet-state-machines <n>', `fleet: state machines (default ${FULL.fleetStateMachines})`)
    .option('--fleet-minutes <n>', `fleet: minutes of traffic (default ${FULL.fleetMinutes})`)
    .option(
      '--dynamodb-mix-events <n>',
      `DynamoDB Local, mix: events through both consumers (default ${FULL.dynamodbMixEvents})`,
    )
    .option(
      '--dynamodb-busy-hours <n>',
      `DynamoDB Local, busy: the first hours of the busy day, from an empty table (default ${FULL.dynamodbBusyHours}: all of it)`,
    )
    .option(
      '--dynamodb-fleet-minutes <n>',
      `DynamoDB Local, fleet: minutes from just before its outage (default ${FULL.dynamodbFleetMinutes})`,
    )
    .option(
      '--dynamodb-fleet-preload-minutes <n>',
      `DynamoDB Local, fleet: minutes before them fed to our table first, unmetered (default ${FULL.dynamodbFleetPreloadMinutes})`,
    )
    .option(
      '--dynamodb-baseline-events <n>',
      `DynamoDB Local: the baseline runs on at most the first n measured events, compared per 1,000 (default ${FULL.dynamodbBaselineEvents})`,
    )
    .option('--e2e-events <n>', `events sent through the local stack (default ${FULL.e2eEvents})`)
    .option('--memory-records <n>', 'records in the one batch whose memory is measured, per profile', '10000')
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
