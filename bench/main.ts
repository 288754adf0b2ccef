import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import type { BenchRunner } from '../src/cli/commands/bench.ts';
import { EXIT_OK } from '../src/cli/io.ts';
import { type BenchResults, renderResults } from './report.ts';
import { scaleNote } from './scale-note.ts';
import { runCore } from './sections/core.ts';
import { runEndToEnd } from './sections/end-to-end.ts';
import { runMemory } from './sections/memory.ts';
import { runStoreCost } from './sections/store-cost.ts';

/**
 * `npm run bench`: runs the chosen sections one after another (never in parallel: each would
 * steal the other's CPU), prints the tables and writes everything as JSON under bench/results/.
 * Progress goes to stderr so stdout holds only the tables.
 */
export const runBench: BenchRunner = async (options, io) => {
  const startedAt = new Date();
  const want = new Set(options.sections);
  const progress = (text: string) => io.stderr(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}\n`);
  const cpu = cpus();
  let results: BenchResults = {
    startedAt: startedAt.toISOString(),
    seed: options.seed,
    batchSize: options.batchSize,
    machine: { node: process.version, cpus: cpu.length, cpuModel: cpu[0]?.model.trim() ?? 'unknown' },
  };

  if (want.has('core')) {
    progress(`core throughput: ${options.events} events, in process`);
    results = { ...results, core: await runCore(options.seed, options.events, options.batchSize) };
  }
  if (want.has('store')) {
    progress(`store cost: ${options.storeEvents} events, ours then the baseline, on DynamoDB Local`);
    results = {
      ...results,
      storeCost: await runStoreCost(options.seed, options.storeEvents, options.batchSize),
    };
  }
  if (want.has('e2e')) {
    progress(
      `end to end: ${options.e2eEvents} events at once, then ${options.pacedEvents} paced, on the local stack`,
    );
    results = {
      ...results,
      endToEnd: await runEndToEnd(options.seed, options.e2eEvents, options.pacedEvents),
    };
  }
  if (want.has('memory')) {
    progress(`memory: one ${options.memoryRecords}-record batch in a child process`);
    results = { ...results, memory: await runMemory(options.seed, options.memoryRecords) };
  }
  if (results.core !== undefined && results.storeCost !== undefined) {
    results = { ...results, scale: scaleNote(results.core, results.storeCost) };
  }

  io.stdout(renderResults(results));
  mkdirSync(options.outDir, { recursive: true });
  const file = path.join(options.outDir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ options, ...results }, null, 2)}\n`);
  io.stdout(`\nResults written to ${path.relative(process.cwd(), file) || file}\n`);
  return EXIT_OK;
};
