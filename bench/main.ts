import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchOptions, BenchRunner } from '../src/cli/commands/bench.ts';
import { EXIT_OK } from '../src/cli/io.ts';
import type { WorkloadProfile } from '../src/workloads/profiles.ts';
import { type BenchResults, type ByProfile, renderResults } from './report.ts';
import { type ScaleNote, scaleNote } from './scale-note.ts';
import { type CoreResult, runCore } from './sections/core.ts';
import { runEndToEnd } from './sections/end-to-end.ts';
import { runMemory } from './sections/memory.ts';
import { runStoreCost, type StoreCostResult } from './sections/store-cost.ts';
import type { BenchWorkloadSpec } from './workload.ts';

/**
 * `npm run bench`: runs the chosen sections one after another (never in parallel: each would
 * steal the other's CPU), prints the tables and writes everything as JSON under bench/results/.
 * Progress goes to stderr so stdout holds only the tables.
 */

/** What the in-process core section runs on, per profile. */
function coreSpec(profile: WorkloadProfile, options: BenchOptions): BenchWorkloadSpec {
  switch (profile) {
    case 'mix':
      return { profile, events: options.events };
    case 'busy':
      return {
        profile,
        hours: options.busyHours,
        // A slice as long as the day is the whole day.
        ...(options.busyCoreMinutes < options.busyHours * 60 && {
          slice: { measuredMinutes: options.busyCoreMinutes },
        }),
      };
    case 'fleet':
      return { profile, stateMachines: options.fleetStateMachines, minutes: options.fleetMinutes };
  }
}

/** What the DynamoDB Local section runs on: far slower than in process, so busy and fleet are slices. */
function storeSpec(profile: WorkloadProfile, options: BenchOptions): BenchWorkloadSpec {
  switch (profile) {
    case 'mix':
      return { profile, events: options.storeEvents };
    case 'busy':
      return {
        profile,
        hours: options.busyHours,
        slice: {
          measuredMinutes: options.busyStoreMinutes,
          preloadedMinutes: options.busyStorePreloadMinutes,
        },
      };
    case 'fleet':
      return {
        profile,
        stateMachines: options.fleetStateMachines,
        minutes: options.fleetMinutes,
        slice: {
          measuredMinutes: options.fleetStoreMinutes,
          preloadedMinutes: options.fleetStorePreloadMinutes,
        },
      };
  }
}

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
    const core: ByProfile<CoreResult> = {};
    for (const profile of options.profiles) {
      progress(`core throughput, ${profile}: in process`);
      const result = await runCore(coreSpec(profile, options), options.seed, options.batchSize);
      core[profile] = result;
      progress(`  ${result.workload}; measured ${result.measured}`);
    }
    results = { ...results, core };
  }
  if (want.has('store')) {
    const storeCost: ByProfile<StoreCostResult> = {};
    for (const profile of options.profiles) {
      progress(`store cost, ${profile}: the baseline then ours, on DynamoDB Local`);
      const result = await runStoreCost(storeSpec(profile, options), options.seed, options.batchSize);
      storeCost[profile] = result;
      progress(`  ${result.workload}; measured ${result.measured}`);
    }
    results = { ...results, storeCost };
  }
  if (want.has('e2e')) {
    progress(
      `end to end (mix): ${options.e2eEvents} events at once, then ${options.pacedEvents} paced, on the local stack`,
    );
    results = {
      ...results,
      endToEnd: await runEndToEnd(options.seed, options.e2eEvents, options.pacedEvents),
    };
  }
  if (want.has('memory')) {
    progress(`memory (mix): one ${options.memoryRecords}-record batch in a child process`);
    results = { ...results, memory: await runMemory(options.seed, options.memoryRecords) };
  }
  const scale: ByProfile<ScaleNote> = {};
  for (const profile of options.profiles) {
    const core = results.core?.[profile];
    const store = results.storeCost?.[profile];
    if (core !== undefined && store !== undefined) scale[profile] = scaleNote(core, store);
  }
  if (Object.keys(scale).length > 0) results = { ...results, scale };

  io.stdout(renderResults(results));
  mkdirSync(options.outDir, { recursive: true });
  const file = path.join(options.outDir, `${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify({ options, ...results }, null, 2)}\n`);
  io.stdout(`\nResults written to ${path.relative(process.cwd(), file) || file}\n`);
  return EXIT_OK;
};

// `npx tsx bench/main.ts [options]` is `incidents bench [options]`: the same options and --help.
// Not a top-level await: the bench command imports this module, which must have finished loading.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void import('../src/cli/main.ts').then(async ({ main }) => {
    process.exitCode = await main(['bench', ...process.argv.slice(2)]);
  });
}
