import Table from 'cli-table3';
import { WORKLOAD_PROFILES, type WorkloadProfile } from '../src/workloads/profiles.ts';
import type { ScaleNote } from './scale-note.ts';
import type { CoreResult } from './sections/core.ts';
import type { EndToEndResult } from './sections/end-to-end.ts';
import type { MemoryResult } from './sections/memory.ts';
import type { StoreCostResult } from './sections/store-cost.ts';

/** One figure per workload profile measured (`--profiles` may leave some out). */
export type ByProfile<T> = Partial<Record<WorkloadProfile, T>>;

/** What one `npm run bench` measured; also the shape of the JSON file it writes. */
export interface BenchResults {
  readonly startedAt: string;
  readonly seed: number;
  readonly batchSize: number;
  readonly machine: { readonly node: string; readonly cpus: number; readonly cpuModel: string };
  readonly core?: ByProfile<CoreResult>;
  readonly storeCost?: ByProfile<StoreCostResult>;
  readonly endToEnd?: EndToEndResult;
  readonly memory?: MemoryResult;
  readonly scale?: ByProfile<ScaleNote>;
}

export const TARGETS = {
  coreRatio: 0.5,
  storeRequestRatio: 0.1,
  peakRssMiB: 256,
} as const;

const number = (value: number) => value.toLocaleString('en-US', { maximumFractionDigits: 3 });
const verdict = (met: boolean) => (met ? 'met' : 'NOT met');

/** No rule between rows: the tables stay short enough to paste into an issue. */
const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

function table(head: string[]): Table.Table {
  return new Table({ head, chars: COMPACT, style: { head: [], border: [] } });
}

function measuredOf<T>(byProfile: ByProfile<T>): [WorkloadProfile, T][] {
  return WORKLOAD_PROFILES.flatMap((profile) => {
    const result = byProfile[profile];
    return result === undefined ? [] : [[profile, result] as [WorkloadProfile, T]];
  });
}

/** What each column is: the generated workload and the slice of it measured, in words. */
function workloadLines(results: readonly { workload: string; measured: string }[]): string {
  return results.map((result) => `  ${result.workload}\n    measured: ${result.measured}`).join('\n');
}

/** One column per profile, so the three workloads read side by side. */
function coreTable(byProfile: ByProfile<CoreResult>): string {
  const measured = measuredOf(byProfile);
  const t = table(['core throughput (in-process, 1 core)', ...measured.map(([profile]) => profile)]);
  const row = (label: string, cell: (core: CoreResult) => string) =>
    t.push([label, ...measured.map(([, core]) => cell(core))]);
  row('events / batches measured', (core) => `${number(core.events)} / ${core.batches}`);
  row(
    'state machines / with runs per batch',
    (core) => `${number(core.stateMachines)} / ${number(core.stateMachinesPerBatch)}`,
  );
  row('preloaded first, untimed (events, s)', (core) =>
    core.preloadedEvents === 0 ? '-' : `${number(core.preloadedEvents)}, ${number(core.preloadSeconds)} s`,
  );
  row('floor: base64 + JSON.parse (events/s)', (core) => number(core.floorEventsPerSecond));
  row('decode + normalize only (events/s)', (core) => number(core.normalizeEventsPerSecond));
  row('pipeline, in-memory store (events/s)', (core) => number(core.coreEventsPerSecond));
  row(
    '  first quarter / last quarter (events/s)',
    (core) => `${number(core.firstQuarterEventsPerSecond)} / ${number(core.lastQuarterEventsPerSecond)}`,
  );
  row('  µs per event', (core) => number(core.microsPerEvent));
  row(
    `ratio pipeline / floor (target ≥ ${TARGETS.coreRatio})`,
    (core) => `${number(core.ratio)}  ${verdict(core.ratio >= TARGETS.coreRatio)}`,
  );
  row(
    'signals / incidents / failed records',
    (core) => `${number(core.signals)} / ${core.incidents} / ${core.failedRecords}`,
  );
  return `${t.toString()}\n${workloadLines(measured.map(([, core]) => core))}`;
}

function storeTable(profile: WorkloadProfile, store: StoreCostResult): string {
  const t = table([
    `DynamoDB cost per 1,000 events, ${profile} (${number(store.events)} events)`,
    'ours',
    'baseline (Powertools, per record)',
  ]);
  const listed = (counts: Readonly<Record<string, number>>) =>
    Object.entries(counts)
      .map(([name, count]) => `${name} ${number(count)}`)
      .join(', ');
  const requests = (cost: StoreCostResult['ours']) => listed(cost.requests);
  t.push(
    ['requests / 1,000 events', number(store.ours.requestsPer1000), number(store.baseline.requestsPer1000)],
    [
      'read units / 1,000 events',
      number(store.ours.readUnitsPer1000),
      number(store.baseline.readUnitsPer1000),
    ],
    [
      'write units / 1,000 events',
      number(store.ours.writeUnitsPer1000),
      number(store.baseline.writeUnitsPer1000),
    ],
    ['requests by operation (all events)', requests(store.ours), requests(store.baseline)],
    [
      'capacity units / 1,000 events by operation',
      listed(store.ours.unitsPer1000ByOperation),
      listed(store.baseline.unitsPer1000ByOperation),
    ],
    ['queries by partition (all events)', listed(store.ours.queriesByPartition), '-'],
    [
      'failed invocations (retried)',
      String(store.ours.failedInvocations),
      String(store.baseline.failedInvocations),
    ],
    ['seconds on DynamoDB Local', number(store.ours.seconds), number(store.baseline.seconds)],
    [
      `request ratio ours / baseline (target ≤ ${TARGETS.storeRequestRatio})`,
      `${number(store.requestRatio)}  ${verdict(store.requestRatio <= TARGETS.storeRequestRatio)}`,
      '',
    ],
    ['capacity ratio ours / baseline (reads + writes)', number(store.capacityRatio), ''],
  );
  const preloaded =
    store.preloadedEvents === 0
      ? ''
      : `\n    ours preloaded ${number(store.preloadedEvents)} events first (unmetered, ${number(store.preloadSeconds)} s); the baseline was not`;
  return `${t.toString()}\n${workloadLines([store])}${preloaded}`;
}

function endToEndTable(e2e: EndToEndResult): string {
  const t = table(['end to end (local stack, mix)', 'value']);
  const figures = (l: { p50Ms: number; p99Ms: number; maxMs: number; count: number }) =>
    `p50 ${number(l.p50Ms)} ms, p99 ${number(l.p99Ms)} ms, max ${number(l.maxMs)} ms (n=${l.count})`;
  t.push(
    ['events sent / routed to the stream', `${number(e2e.events)} / ${number(e2e.routed)}`],
    ['throughput, send → committed (events/s)', number(e2e.eventsPerSecond)],
    ['latency under the burst (send → committed)', figures(e2e.burstLatency)],
    [`latency paced at ${e2e.pacedLatency.sendRatePerSecond} events/s`, figures(e2e.pacedLatency)],
    ['header written → stream handler', figures(e2e.streamLatency)],
    ['failed invocations (retried)', String(e2e.failedInvocations)],
    ['kinesalite PutRecords (records/s)', number(e2e.emulators.kinesisPutRecordsPerSecond)],
    ['DynamoDB Local PutItem, 8 in flight (items/s)', number(e2e.emulators.dynamodbPutItemsPerSecond)],
  );
  return t.toString();
}

function memoryTable(memory: MemoryResult): string {
  const t = table([`memory, one ${number(memory.records)}-record batch of the mix (child process)`, 'value']);
  t.push(
    ['Kinesis event size (MiB)', number(memory.eventMiB)],
    ['RSS before the batch (MiB)', number(memory.rssBeforeMiB)],
    [
      `peak RSS (MiB, target < ${TARGETS.peakRssMiB})`,
      `${number(memory.peakRssMiB)}  ${verdict(memory.peakRssMiB < TARGETS.peakRssMiB)}`,
    ],
    [
      'heap used / total after the batch (MiB)',
      `${number(memory.heapUsedAfterMiB)} / ${number(memory.heapTotalAfterMiB)}`,
    ],
    ['seconds / failed records', `${number(memory.seconds)} / ${memory.failures}`],
  );
  return t.toString();
}

function scaleTable(byProfile: ByProfile<ScaleNote>): string {
  const notes = measuredOf(byProfile);
  const [first] = notes;
  if (first === undefined) return '';
  const t = table([
    'workload',
    'events/s',
    'shards',
    'PF',
    'concurrency',
    'Lambda $/M',
    'DynamoDB $/M',
    'Kinesis $/M',
    'total $/M',
  ]);
  for (const [profile, scale] of notes) {
    for (const row of scale.rows) {
      t.push([
        profile,
        number(row.eventsPerSecond),
        String(row.shards),
        String(row.parallelizationFactor),
        String(row.concurrency),
        row.lambdaPerMillion.toFixed(2),
        row.dynamodbPerMillion.toFixed(2),
        row.kinesisPerMillion.toFixed(2),
        row.totalPerMillion.toFixed(2),
      ]);
    }
  }
  const perEvent = notes
    .map(([profile, scale]) => `${profile} ${number(scale.secondsPerEventOnLambda * 1e6)} µs`)
    .join(', ');
  const a = first[1].assumptions;
  return [
    `scale estimate (AWS us-east-1 list prices, assumptions), from each workload's core and store figures: Lambda time per event ${perEvent}`,
    t.toString(),
    `  Lambda x86 ${a.lambdaMemoryMb} MB at $${a.lambdaPricePerGbSecond}/GB-s, CPU ∝ memory (1 vCPU at ${a.fullVcpuMemoryMb} MB), ` +
      `batches of ${a.batchSize}, $${a.lambdaPricePerMillionInvocations}/M invocations; DynamoDB requests ${a.dynamodbRequestMs} ms, ${a.dynamodbRequestsInFlight} in flight.`,
    `  DynamoDB on-demand $${a.dynamodbPricePerMillionWriteUnits}/M write units, $${a.dynamodbPricePerMillionReadUnits}/M read units (storage, streams, PITR not included).`,
    `  Kinesis provisioned $${a.kinesisPricePerShardHour}/shard-hour, $${a.kinesisPricePerMillionPutUnits}/M PUT units; ` +
      `${a.kinesisRecordsPerShardPerSecond} records/s and 1 MiB/s per shard; PF ≤ ${a.maxParallelizationFactor}.`,
  ].join('\n');
}

export function renderResults(results: BenchResults): string {
  const parts = [
    `npm run bench — seed ${results.seed}, batches of ${results.batchSize}, node ${results.machine.node}, ${results.machine.cpus} × ${results.machine.cpuModel}`,
  ];
  if (results.core) parts.push(coreTable(results.core));
  for (const [profile, store] of measuredOf(results.storeCost ?? {})) parts.push(storeTable(profile, store));
  if (results.endToEnd) parts.push(endToEndTable(results.endToEnd));
  if (results.memory) parts.push(memoryTable(results.memory));
  if (results.scale) parts.push(scaleTable(results.scale));
  return `${parts.join('\n\n')}\n`;
}
