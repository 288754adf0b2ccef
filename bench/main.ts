import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchOptions, BenchRunner } from '../src/cli/commands/bench.ts';
import { EXIT_OK } from '../src/cli/io.ts';
import type { WorkloadProfile } from '../src/workloads/profiles.ts';
import {
  type BenchResults,
  type ByProfile,
  checksOf,
  RESULTS_SCHEMA_VERSION,
  renderResults,
  TARGETS,
} from './report.ts';
import { type ScaleNote, scaleNote } from './scale-note.ts';
import { type CoreResult, runCore } from './sections/core.ts';
import { type DynamoDbResult, runDynamoDb } from './sections/dynamodb.ts';
import { runEndToEnd } from './sections/end-to-end.ts';
import { type MemoryResult, runMemory } from './sections/memory.ts';
import type { BenchWorkloadSpec } from './workload.ts';

/**
 * `npm run bench`: runs the chosen sections one after another (never in parallel: each would
 * steal the other's CPU), prints the tables and writes everything as JSON under bench/results/:
 * one file per run, named by its start time, and the same as latest.json. Progress goes to
 * stderr so stdout holds only the tables.
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
          slice: { from: 'last-outage', measuredMinutes: options.busyCoreMinutes },
        }),
      };
    case 'fleet':
      return { profile, stateMachines: options.fleetStateMachines, minutes: options.fleetMinutes };
  }
}

/**
 * What the DynamoDB Local section runs on: the same workloads, but far slower there, so busy is
 * the first hours of the same day (from an empty table: how per-batch cost grows as history
 * builds up) and fleet the minutes around its outage (its widest batches).
 */
function dynamodbSpec(profile: WorkloadProfile, options: BenchOptions): BenchWorkloadSpec {
  switch (profile) {
    case 'mix':
      return { profile, events: options.dynamodbMixEvents };
    case 'busy':
      return {
        profile,
        hours: options.busyHours,
        slice: { from: 'start', measuredMinutes: options.dynamodbBusyHours * 60 },
      };
    case 'fleet':
      return {
        profile,
        stateMachines: options.fleetStateMachines,
        minutes: options.fleetMinutes,
        slice: {
          from: 'last-outage',
          measuredMinutes: options.dynamodbFleetMinutes,
          preloadedMinutes: options.dynamodbFleetPreloadMinutes,
        },
      };
  }
}

/** Traffic events per minute of event time, roughly: enough minutes for a batch of `records`. */
const BUSY_EVENTS_PER_MINUTE = 240;
const FLEET_EVENTS_PER_STATE_MACHINE_MINUTE = 2;

/**
 * One batch of `records` per profile, cut from the profile's own traffic at its costliest: the
 * busy day and the fleet from just before their last outage. The fleet is made long enough to
 * fill the batch even with --quick's smaller fleet.
 */
function memorySpec(profile: WorkloadProfile, options: BenchOptions): BenchWorkloadSpec {
  const records = options.memoryRecords;
  switch (profile) {
    case 'mix':
      return { profile, events: records };
    case 'busy':
      return {
        profile,
        hours: options.busyHours,
        slice: {
          from: 'last-outage',
          measuredMinutes: Math.ceil(records / BUSY_EVENTS_PER_MINUTE) + 5,
          preloadedMinutes: 0,
        },
      };
    case 'fleet': {
      const minutesForBatch = Math.ceil(
        records / (options.fleetStateMachines * FLEET_EVENTS_PER_STATE_MACHINE_MINUTE),
      );
      return {
        profile,
        stateMachines: options.fleetStateMachines,
        // The outage is in the middle of the traffic: twice the batch's minutes, and some.
        minutes: Math.max(options.fleetMinutes, 2 * minutesForBatch + 4),
        slice: { from: 'last-outage', measuredMinutes: minutesForBatch + 2, preloadedMinutes: 0 },
      };
    }
  }
}

function timestampOf(date: Date): string {
  return date.toISOString().replace(/[:.]/g, '-');
}

export const runBench: BenchRunner = async (options, io) => {
  const startedAt = new Date();
  const want = new Set(options.sections);
  const progress = (text: string) => io.stderr(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}\n`);
  const cpu = cpus();
  let results: BenchResults = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    startedAt: startedAt.toISOString(),
    seed: options.seed,
    batchSize: options.batchSize,
    machine: { node: process.version, cpus: cpu.length, cpuModel: cpu[0]?.model.trim() ?? 'unknown' },
    options,
    targets: TARGETS,
  };

  if (want.has('core')) {
    const core: ByProfile<CoreResult> = {};
    for (const profile of options.profiles) {
      progress(`core throughput, ${profile}: in process, memory store`);
      const result = await runCore(coreSpec(profile, options), options.seed, options.batchSize);
      core[profile] = result;
      progress(`  ${result.workload}; measured ${result.measured}`);
    }
    results = { ...results, core };
  }
  if (want.has('dynamodb')) {
    const dynamodb: ByProfile<DynamoDbResult> = {};
    for (const profile of options.profiles) {
      progress(`DynamoDB store, ${profile}: the baseline then ours, on DynamoDB Local`);
      const result = await runDynamoDb(
        dynamodbSpec(profile, options),
        options.seed,
        options.batchSize,
        options.dynamodbBaselineEvents,
      );
      dynamodb[profile] = result;
      progress(`  ${result.workload}; measured ${result.measured}`);
    }
    results = { ...results, dynamodb };
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
    const memory: ByProfile<MemoryResult> = {};
    for (const profile of options.profiles) {
      progress(`memory, ${profile}: one ${options.memoryRecords}-record batch in a child process`);
      memory[profile] = await runMemory(memorySpec(profile, options), options.seed, options.memoryRecords);
    }
    results = { ...results, memory };
  }
  const scale: ByProfile<ScaleNote> = {};
  for (const profile of options.profiles) {
    const core = results.core?.[profile];
    const dynamodb = results.dynamodb?.[profile];
    if (core !== undefined && dynamodb !== undefined) scale[profile] = scaleNote(core, dynamodb);
  }
  if (Object.keys(scale).length > 0) results = { ...results, scale };
  results = { ...results, finishedAt: new Date().toISOString(), checks: checksOf(results) };

  io.stdout(renderResults(results));
  mkdirSync(options.outDir, { recursive: true });
  const file = path.join(options.outDir, `${timestampOf(startedAt)}.json`);
  // NaN (a figure that could not be computed) is written as null.
  const json = `${JSON.stringify(results, null, 2)}\n`;
  writeFileSync(file, json);
  writeFileSync(path.join(options.outDir, 'latest.json'), json);
  io.stdout(
    `\nResults written to ${path.relative(process.cwd(), file) || file} (and latest.json beside it)\n`,
  );
  return EXIT_OK;
};

// `npx tsx bench/main.ts [options]` is `incidents bench [options]`: the same options and --help.
// Not a top-level await: the bench command imports this module, which must have finished loading.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  void import('../src/cli/main.ts').then(async ({ main }) => {
    process.exitCode = await main(['bench', ...process.argv.slice(2)]);
  });
}
