import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { UsageError } from '../../errors.ts';
import type { CliIo, CommandContext } from '../io.ts';

/**
 * `incidents bench` (what `npm run bench` runs): throughput, store cost, end-to-end latency and
 * memory, printed as tables and written as JSON. The benchmark itself lives in bench/, outside
 * the built package: it is loaded from there at run time, so it needs a clone of the repository.
 */

export const BENCH_SECTIONS = ['core', 'store', 'e2e', 'memory'] as const;
export type BenchSection = (typeof BENCH_SECTIONS)[number];

export interface BenchOptions {
  /** Events through the in-process pipeline. */
  readonly events: number;
  /** Events through both consumers against DynamoDB Local. */
  readonly storeEvents: number;
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

const FULL = { events: 20_000, storeEvents: 2_000, e2eEvents: 1_000, pacedEvents: 200 };
const QUICK = { events: 5_000, storeEvents: 500, e2eEvents: 200, pacedEvents: 50 };

interface RawOptions {
  readonly events?: string;
  readonly storeEvents?: string;
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

export function benchOptionsOf(raw: RawOptions): BenchOptions {
  const sizes = raw.quick ? QUICK : FULL;
  const pick = (text: string | undefined, option: string, fallback: number) =>
    text === undefined ? fallback : positiveInteger(text, option);
  const e2eEvents = pick(raw.e2eEvents, '--e2e-events', sizes.e2eEvents);
  return {
    events: pick(raw.events, '--events', sizes.events),
    storeEvents: pick(raw.storeEvents, '--store-events', sizes.storeEvents),
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
    .option('--events <n>', `events through the in-process pipeline (default ${FULL.events})`)
    .option('--store-events <n>', `events for the DynamoDB cost comparison (default ${FULL.storeEvents})`)
    .option('--e2e-events <n>', `events sent through the local stack (default ${FULL.e2eEvents})`)
    .option('--memory-records <n>', 'records in the one batch whose memory is measured', '10000')
    .option('--seed <n>', 'seed of the generated events', '42')
    .option('--batch-size <n>', 'records per batch, as the event source mapping sends them', '500')
    .option('--quick', 'smaller workloads, for a quick look', false)
    .option('--only <sections>', `comma-separated subset of ${BENCH_SECTIONS.join(',')}`)
    .option('--out <dir>', 'where the JSON results are written', RESULTS_DIR)
    .action(async (raw: RawOptions) => {
      const options = benchOptionsOf(raw);
      const runBench = await loadRunner();
      context.setExitCode(await runBench(options, context.io));
    });
}
