import { beforeAll, describe, expect, it } from 'vitest';
import type { MemoryIncidentStore } from '../../src/adapters/memory-store.ts';
import { CONTEXT_CLASSES } from '../../src/core/context/context-class.ts';
import type { Incident } from '../../src/core/incident/types.ts';
import { chunk } from '../../src/workloads/kinesis-framing.ts';
import { driveBatches } from './lambda-driver.ts';
import {
  duplicated,
  type FramedStream,
  framed,
  memoryConsumer,
  POISON_REASON,
  Random,
  type ReliabilityWorkload,
  reliabilityWorkload,
  type StreamEntry,
  shuffled,
  withPoison,
} from './workload.ts';

/**
 * The same generated events, delivered the ways a real stream delivers them, through the consumer
 * Lambda runs, on the in-memory store (the DynamoDB paths have their own suite). Whatever the
 * delivery, the incidents must be the reference model's (test/reference/reference-model.ts), in full.
 */

const BATCH_SIZE = 100;

interface Run {
  readonly store: MemoryIncidentStore;
  readonly stream: FramedStream;
  readonly incidents: Incident[];
  readonly discarded: number;
  readonly failedInvocations: number;
}

async function run(entries: readonly StreamEntry[]): Promise<Run> {
  const { store, consumer } = memoryConsumer();
  const stream = framed(entries);
  const report = await driveBatches(consumer, chunk(stream.records, BATCH_SIZE));
  return {
    store,
    stream,
    incidents: store.allIncidents(),
    discarded: report.discarded.length,
    failedInvocations: report.failedInvocations,
  };
}

/** Signal ids kept as context, over every subject the workload's signals name. */
/** What the store keeps as context, under the subjects and the scopes the workload knows of. */
async function storedSignalIds(store: MemoryIncidentStore, workload: ReliabilityWorkload): Promise<string[]> {
  const subjects = [...new Set([...workload.signals.values()].flat())];
  const scopes = [...new Set([...workload.scopes.values()].flat())];
  const ids = new Set<string>();
  for (const contextClass of CONTEXT_CLASSES) {
    const ranges = [
      { subjects, contextClass, fromMs: Number.NEGATIVE_INFINITY },
      ...scopes.map((scope) => ({ scope, contextClass, fromMs: Number.NEGATIVE_INFINITY })),
    ];
    for (const range of ranges)
      for (const signal of (await store.contextBetween(range)).signals) ids.add(signal.signalId);
  }
  return [...ids].sort();
}

/**
 * Signals with neither a subject to be filed under nor a scope have nowhere to be kept (see the
 * TagResource note in the report).
 */
function keepableSignalIds(workload: ReliabilityWorkload): string[] {
  return [...workload.signals]
    .filter(([id, subjects]) => subjects.length > 0 || (workload.scopes.get(id) ?? []).length > 0)
    .map(([id]) => id)
    .sort();
}

function expectNoSignalTwice(incidents: readonly Incident[]): void {
  for (const incident of incidents) {
    const executions = incident.executions.map((execution) => execution.signalId);
    expect(new Set(executions).size).toBe(executions.length);
    const timeline = incident.timeline.map((entry) => `${entry.kind}|${entry.signalId ?? entry.at}`);
    expect(new Set(timeline).size).toBe(timeline.length);
  }
}

describe.each([
  { seed: 101, events: 1_200, stateMachines: 6 },
  { seed: 202, events: 800, stateMachines: 3 },
])('stream variants of $events generated events (seed $seed)', ({ seed, events, stateMachines }) => {
  const workload = reliabilityWorkload(seed, events, stateMachines);
  let clean: Run;

  beforeAll(async () => {
    clean = await run(workload.entries);
  });

  it('the clean run gives the reference incidents, keeps every signal with a subject, and quarantines nothing', async () => {
    expect(clean.incidents).toEqual(workload.expected);
    expect(clean.incidents.length).toBeGreaterThanOrEqual(2);
    expect(clean.incidents.some((incident) => incident.status === 'RESOLVED')).toBe(true);
    expect(clean.incidents.every((incident) => incident.executions.length > 0)).toBe(true);
    expect(await storedSignalIds(clean.store, workload)).toEqual(keepableSignalIds(workload));
    expect(clean.store.quarantined).toEqual([]);
    expect(clean.failedInvocations).toBe(0);
    expectNoSignalTwice(clean.incidents);
  });

  it('every record delivered twice gives the same incidents and stores nothing twice', async () => {
    const twice = await run(duplicated(workload.entries, new Random(seed + 1)));
    expect(twice.stream.records).toHaveLength(2 * workload.entries.length);
    expect(twice.incidents).toEqual(workload.expected);
    expect(await storedSignalIds(twice.store, workload)).toEqual(keepableSignalIds(workload));
    expectNoSignalTwice(twice.incidents);
  });

  it('records shuffled across batches give the same incidents', async () => {
    const random = new Random(seed + 2);
    const entries = shuffled(workload.entries, random);
    expect(entries).not.toEqual(workload.entries);
    const reordered = await run(entries);
    expect(reordered.incidents).toEqual(workload.expected);
    expect(await storedSignalIds(reordered.store, workload)).toEqual(keepableSignalIds(workload));
  });

  it('1% poison records are quarantined with their raw bytes and reason; the rest is unaffected', async () => {
    const poisoned = await run(withPoison(workload.entries, 0.01, new Random(seed + 3)));
    expect(poisoned.stream.poison.size).toBe(Math.round(workload.entries.length * 0.01));
    expect(poisoned.discarded).toBe(0);
    expect(poisoned.failedInvocations).toBe(0);
    expect(poisoned.incidents).toEqual(workload.expected);
    const quarantined = new Map(poisoned.store.quarantined.map((entry) => [entry.recordId, entry]));
    expect([...quarantined.keys()].sort()).toEqual([...poisoned.stream.poison.keys()].sort());
    for (const [recordId, { kind, raw }] of poisoned.stream.poison) {
      const entry = quarantined.get(recordId);
      expect(Buffer.from(entry?.raw ?? [])).toEqual(raw);
      expect(entry?.reason).toMatch(POISON_REASON[kind]);
    }
  });

  it('all at once (duplicated, shuffled, poisoned) still gives the reference incidents', async () => {
    const random = new Random(seed + 4);
    const entries = withPoison(shuffled(duplicated(workload.entries, random), random), 0.01, random);
    const messy = await run(entries);
    expect(messy.incidents).toEqual(workload.expected);
    expect(new Set(messy.store.quarantined.map((entry) => entry.recordId))).toEqual(
      new Set(messy.stream.poison.keys()),
    );
    expectNoSignalTwice(messy.incidents);
  });
});
