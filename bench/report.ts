import Table from 'cli-table3';
import type { BenchOptions } from '../src/cli/commands/bench.ts';
import { WORKLOAD_PROFILES, type WorkloadProfile } from '../src/workloads/profiles.ts';
import type { ScaleNote } from './scale-note.ts';
import type { CoreResult } from './sections/core.ts';
import type { DynamoDbResult } from './sections/dynamodb.ts';
import type { EndToEndResult } from './sections/end-to-end.ts';
import type { MemoryResult } from './sections/memory.ts';

/** One figure per workload profile measured (`--profiles` may leave some out). */
export type ByProfile<T> = Partial<Record<WorkloadProfile, T>>;

/**
 * Bumped when a key of the JSON is renamed, moved or changes meaning (README, "Benchmark results
 * (JSON)"): tools comparing runs can refuse files they do not understand.
 */
export const RESULTS_SCHEMA_VERSION = 1;

export const TARGETS = {
  /** In process: pipeline events/s over the floor (base64 + JSON.parse), at least. */
  coreRatio: 0.5,
  /** Both stores: events/s over the last tenth of batches / the first tenth, at least. */
  lastOverFirst: 0.8,
  /** DynamoDB: requests per 1,000 events, ours / the per-record baseline, at most. */
  requestRatio: 0.05,
  /** DynamoDB: capacity units (reads + writes) per 1,000 events, ours / the baseline, at most. */
  capacityRatio: 0.1,
  /** DynamoDB: bytes read per batch, last tenth / first tenth, at most: flat (1 / 0.8). */
  bytesReadLastOverFirst: 1.25,
  /** Peak RSS of one 10,000-record batch, MiB (Lambda's "MB" are MiB), below. */
  peakRssMiB: 256,
} as const;

/** A figure against its target. `value` is null in the JSON when it could not be computed. */
export interface Check {
  readonly value: number;
  readonly target: number;
  readonly comparison: '>=' | '<=' | '<';
  readonly met: boolean;
}

/** The headline figures of one profile against their targets, from whichever sections ran. */
export interface ProfileChecks {
  readonly coreRatio?: Check;
  readonly memoryStoreLastOverFirst?: Check;
  readonly dynamodbLastOverFirst?: Check;
  readonly requestRatio?: Check;
  readonly capacityRatio?: Check;
  readonly bytesReadLastOverFirst?: Check;
  readonly peakRssMiB?: Check;
}

/** What one `npm run bench` measured; also the shape of the JSON file it writes. */
export interface BenchResults {
  readonly schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly seed: number;
  readonly batchSize: number;
  readonly machine: { readonly node: string; readonly cpus: number; readonly cpuModel: string };
  readonly options: BenchOptions;
  readonly targets: typeof TARGETS;
  readonly checks?: ByProfile<ProfileChecks>;
  readonly core?: ByProfile<CoreResult>;
  readonly dynamodb?: ByProfile<DynamoDbResult>;
  readonly memory?: ByProfile<MemoryResult>;
  readonly endToEnd?: EndToEndResult;
  readonly scale?: ByProfile<ScaleNote>;
}

function check(value: number, target: number, comparison: Check['comparison']): Check {
  const met =
    Number.isFinite(value) &&
    (comparison === '>=' ? value >= target : comparison === '<=' ? value <= target : value < target);
  return { value, target, comparison, met };
}

export function checksOf(results: BenchResults): ByProfile<ProfileChecks> {
  const checks: ByProfile<ProfileChecks> = {};
  for (const profile of WORKLOAD_PROFILES) {
    const core = results.core?.[profile];
    const dynamodb = results.dynamodb?.[profile];
    const memory = results.memory?.[profile];
    if (core === undefined && dynamodb === undefined && memory === undefined) continue;
    checks[profile] = {
      ...(core && {
        coreRatio: check(core.ratio, TARGETS.coreRatio, '>='),
        memoryStoreLastOverFirst: check(core.throughput.lastOverFirst, TARGETS.lastOverFirst, '>='),
      }),
      ...(dynamodb && {
        dynamodbLastOverFirst: check(dynamodb.throughput.lastOverFirst, TARGETS.lastOverFirst, '>='),
        requestRatio: check(dynamodb.requestRatio, TARGETS.requestRatio, '<='),
        capacityRatio: check(dynamodb.capacityRatio, TARGETS.capacityRatio, '<='),
        bytesReadLastOverFirst: check(
          dynamodb.bytesReadPerBatch.lastOverFirst,
          TARGETS.bytesReadLastOverFirst,
          '<=',
        ),
      }),
      ...(memory && { peakRssMiB: check(memory.peakRssMiB, TARGETS.peakRssMiB, '<') }),
    };
  }
  return checks;
}

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
    '  first tenth / last tenth of batches (events/s)',
    (core) =>
      `${number(core.throughput.firstTenthEventsPerSecond)} / ${number(core.throughput.lastTenthEventsPerSecond)}`,
  );
  row(
    `  last / first tenth (target ≥ ${TARGETS.lastOverFirst})`,
    (core) =>
      `${number(core.throughput.lastOverFirst)}  ${verdict(core.throughput.lastOverFirst >= TARGETS.lastOverFirst)}`,
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

const kilobytes = (bytes: number) => `${number(Math.round(bytes / 100) / 10)} KB`;

function dynamodbTable(profile: WorkloadProfile, result: DynamoDbResult): string {
  const baselineEvents = result.baselineIsPrefix
    ? `baseline (Powertools, per record; first ${number(result.baseline.events)} events)`
    : 'baseline (Powertools, per record)';
  const t = table([
    `DynamoDB Local, ${profile} (${number(result.events)} events, ${result.batches} batches)`,
    'ours',
    baselineEvents,
  ]);
  const listed = (counts: Readonly<Record<string, number>>) =>
    Object.entries(counts)
      .map(([name, count]) => `${name} ${number(count)}`)
      .join(', ');
  const { ours, baseline, throughput, bytesReadPerBatch, readUnitsPerBatch, requestsPerBatch } = result;
  const firstLast = (figures: { firstTenthPerBatch: number; lastTenthPerBatch: number }, show = number) =>
    `${show(figures.firstTenthPerBatch)} / ${show(figures.lastTenthPerBatch)}`;
  t.push(
    ['requests / 1,000 events', number(ours.requestsPer1000), number(baseline.requestsPer1000)],
    ['read units / 1,000 events', number(ours.readUnitsPer1000), number(baseline.readUnitsPer1000)],
    ['write units / 1,000 events', number(ours.writeUnitsPer1000), number(baseline.writeUnitsPer1000)],
    ['bytes read / 1,000 events', kilobytes(ours.readBytesPer1000), kilobytes(baseline.readBytesPer1000)],
    ['requests by operation', listed(ours.requests), listed(baseline.requests)],
    [
      'capacity units / 1,000 events by operation',
      listed(ours.unitsPer1000ByOperation),
      listed(baseline.unitsPer1000ByOperation),
    ],
    ['queries by partition', listed(ours.queriesByPartition), '-'],
    ['failed invocations (retried)', String(ours.failedInvocations), String(baseline.failedInvocations)],
    ['seconds on DynamoDB Local', number(ours.seconds), number(baseline.seconds)],
    [
      `events/s first / last tenth (${throughput.batchesPerTenth} batch(es) each)`,
      `${number(throughput.firstTenthEventsPerSecond)} / ${number(throughput.lastTenthEventsPerSecond)} = ${number(throughput.lastOverFirst)}`,
      '',
    ],
    ['bytes read per batch, first / last tenth', firstLast(bytesReadPerBatch, kilobytes), ''],
    ['read units per batch, first / last tenth', firstLast(readUnitsPerBatch), ''],
    ['requests per batch, first / last tenth', firstLast(requestsPerBatch), ''],
    [
      'FAILED runs in the first / last tenth',
      `${result.failedRunsFirstTenth} / ${result.failedRunsLastTenth}`,
      '',
    ],
    ['request ratio ours / baseline, per 1,000 events', number(result.requestRatio), ''],
    ['capacity ratio ours / baseline (reads + writes)', number(result.capacityRatio), ''],
  );
  const preloaded =
    result.preloadedEvents === 0
      ? ''
      : `\n    ours preloaded ${number(result.preloadedEvents)} events first (unmetered, ${number(result.preloadSeconds)} s); the baseline was not`;
  const prefix = result.baselineIsPrefix
    ? `\n    the baseline ran on the first ${number(baseline.events)} of the ${number(result.events)} events (it pays the same per event); its figures are per 1,000 events`
    : '';
  return `${t.toString()}\n${workloadLines([result])}${preloaded}${prefix}`;
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

function memoryTable(byProfile: ByProfile<MemoryResult>): string {
  const measured = measuredOf(byProfile);
  const t = table([
    'memory, one batch (memory store, child process)',
    ...measured.map(([profile]) => profile),
  ]);
  const row = (label: string, cell: (memory: MemoryResult) => string) =>
    t.push([label, ...measured.map(([, memory]) => cell(memory))]);
  row('records in the batch', (memory) => number(memory.records));
  row('Kinesis event size (MiB)', (memory) => number(memory.eventMiB));
  row('RSS before the batch (MiB)', (memory) => number(memory.rssBeforeMiB));
  row(
    `peak RSS (MiB, target < ${TARGETS.peakRssMiB})`,
    (memory) => `${number(memory.peakRssMiB)}  ${verdict(memory.peakRssMiB < TARGETS.peakRssMiB)}`,
  );
  row(
    'heap used / total after (MiB)',
    (memory) => `${number(memory.heapUsedAfterMiB)} / ${number(memory.heapTotalAfterMiB)}`,
  );
  row('seconds / failed records', (memory) => `${number(memory.seconds)} / ${memory.failures}`);
  return `${t.toString()}\n${measured.map(([, memory]) => `  ${memory.workload}`).join('\n')}`;
}

const SHOWN_COMPARISON: Readonly<Record<Check['comparison'], string>> = { '>=': '≥', '<=': '≤', '<': '<' };

function checked(value: string, figure: Check | undefined): string {
  return figure === undefined ? '-' : `${value}  ${verdict(figure.met)}`;
}

function targetOf(figure: Check | undefined, suffix = ''): string {
  return figure === undefined
    ? ''
    : `${SHOWN_COMPARISON[figure.comparison]} ${number(figure.target)}${suffix}`;
}

/** The issue's figures for one profile, one column per store, each against its target. */
function summaryTable(
  profile: WorkloadProfile,
  checks: ProfileChecks,
  core: CoreResult | undefined,
  dynamodb: DynamoDbResult | undefined,
  memory: MemoryResult | undefined,
): string {
  const t = table([
    `${profile}: targets`,
    'memory store (in process)',
    'DynamoDB store (DynamoDB Local)',
    'target',
  ]);
  const rates = (figures: { firstTenthEventsPerSecond: number; lastTenthEventsPerSecond: number }) =>
    `${number(figures.firstTenthEventsPerSecond)} / ${number(figures.lastTenthEventsPerSecond)}`;
  t.push(
    [
      'events/s, first / last tenth of batches',
      core ? rates(core.throughput) : '-',
      dynamodb ? rates(dynamodb.throughput) : '-',
      '',
    ],
    [
      '  last / first',
      checked(number(core?.throughput.lastOverFirst ?? Number.NaN), checks.memoryStoreLastOverFirst),
      checked(number(dynamodb?.throughput.lastOverFirst ?? Number.NaN), checks.dynamodbLastOverFirst),
      targetOf(checks.memoryStoreLastOverFirst ?? checks.dynamodbLastOverFirst),
    ],
    [
      'DynamoDB requests / 1,000 events, ours / baseline',
      '-',
      dynamodb
        ? checked(
            `${number(dynamodb.ours.requestsPer1000)} / ${number(dynamodb.baseline.requestsPer1000)} = ${number(dynamodb.requestRatio)}`,
            checks.requestRatio,
          )
        : '-',
      targetOf(checks.requestRatio),
    ],
    [
      'capacity units / 1,000 events, ours / baseline',
      '-',
      dynamodb
        ? checked(
            `${number(dynamodb.ours.capacityUnitsPer1000)} / ${number(dynamodb.baseline.capacityUnitsPer1000)} = ${number(dynamodb.capacityRatio)}`,
            checks.capacityRatio,
          )
        : '-',
      targetOf(checks.capacityRatio),
    ],
    [
      'bytes read per batch, first / last tenth',
      '-',
      dynamodb
        ? checked(
            `${kilobytes(dynamodb.bytesReadPerBatch.firstTenthPerBatch)} / ${kilobytes(dynamodb.bytesReadPerBatch.lastTenthPerBatch)} = ${number(dynamodb.bytesReadPerBatch.lastOverFirst)} (FAILED runs ${dynamodb.failedRunsFirstTenth} / ${dynamodb.failedRunsLastTenth})`,
            checks.bytesReadLastOverFirst,
          )
        : '-',
      targetOf(checks.bytesReadLastOverFirst, ' (flat)'),
    ],
    [
      memory ? `peak RSS, one ${number(memory.records)}-record batch (MiB)` : 'peak RSS, one batch (MiB)',
      memory ? checked(number(memory.peakRssMiB), checks.peakRssMiB) : '-',
      '-',
      targetOf(checks.peakRssMiB),
    ],
    [
      'pipeline / floor (base64 + JSON.parse)',
      core ? checked(number(core.ratio), checks.coreRatio) : '-',
      '-',
      targetOf(checks.coreRatio),
    ],
  );
  const slices = [
    core ? `    memory store measured: ${core.measured}` : '',
    dynamodb ? `    DynamoDB measured: ${dynamodb.measured}` : '',
    dynamodb?.baselineIsPrefix
      ? `    baseline on the first ${number(dynamodb.baseline.events)} of those events, per 1,000 events`
      : '',
  ].filter((line) => line.length > 0);
  return [t.toString(), ...slices].join('\n');
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
  for (const [profile, result] of measuredOf(results.dynamodb ?? {}))
    parts.push(dynamodbTable(profile, result));
  if (results.endToEnd) parts.push(endToEndTable(results.endToEnd));
  if (results.memory) parts.push(memoryTable(results.memory));
  if (results.scale) parts.push(scaleTable(results.scale));
  for (const [profile, checks] of measuredOf(results.checks ?? {})) {
    parts.push(
      summaryTable(
        profile,
        checks,
        results.core?.[profile],
        results.dynamodb?.[profile],
        results.memory?.[profile],
      ),
    );
  }
  return `${parts.join('\n\n')}\n`;
}
