import Table from 'cli-table3';
import type { ScaleNote } from './scale-note.ts';
import type { CoreResult } from './sections/core.ts';
import type { EndToEndResult } from './sections/end-to-end.ts';
import type { MemoryResult } from './sections/memory.ts';
import type { StoreCostResult } from './sections/store-cost.ts';

/** What one `npm run bench` measured; also the shape of the JSON file it writes. */
export interface BenchResults {
  readonly startedAt: string;
  readonly seed: number;
  readonly batchSize: number;
  readonly machine: { readonly node: string; readonly cpus: number; readonly cpuModel: string };
  readonly core?: CoreResult;
  readonly storeCost?: StoreCostResult;
  readonly endToEnd?: EndToEndResult;
  readonly memory?: MemoryResult;
  readonly scale?: ScaleNote;
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

function coreTable(core: CoreResult): string {
  const t = table(['core throughput (in-process, 1 core)', 'value']);
  t.push(
    ['events / batches', `${number(core.events)} / ${core.batches}`],
    ['floor: base64 + JSON.parse (events/s)', number(core.floorEventsPerSecond)],
    ['decode + normalize only (events/s)', number(core.normalizeEventsPerSecond)],
    ['pipeline, in-memory store (events/s)', number(core.coreEventsPerSecond)],
    [
      '  first quarter / last quarter (events/s)',
      `${number(core.firstQuarterEventsPerSecond)} / ${number(core.lastQuarterEventsPerSecond)}`,
    ],
    ['  µs per event', number(core.microsPerEvent)],
    [
      `ratio pipeline / floor (target ≥ ${TARGETS.coreRatio})`,
      `${number(core.ratio)}  ${verdict(core.ratio >= TARGETS.coreRatio)}`,
    ],
    [
      'signals / incidents / failed records',
      `${number(core.signals)} / ${core.incidents} / ${core.failedRecords}`,
    ],
  );
  return t.toString();
}

function storeTable(store: StoreCostResult): string {
  const t = table([
    `DynamoDB cost per 1,000 events (${number(store.events)} events)`,
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
  return t.toString();
}

function endToEndTable(e2e: EndToEndResult): string {
  const t = table(['end to end (local stack)', 'value']);
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
  const t = table([`memory, one ${number(memory.records)}-record batch (child process)`, 'value']);
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

function scaleTable(scale: ScaleNote): string {
  const t = table([
    'events/s',
    'shards',
    'PF',
    'concurrency',
    'Lambda $/M',
    'DynamoDB $/M',
    'Kinesis $/M',
    'total $/M',
  ]);
  for (const row of scale.rows) {
    t.push([
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
  const a = scale.assumptions;
  return [
    `scale estimate (AWS us-east-1 list prices, assumptions): ${number(scale.secondsPerEventOnLambda * 1e6)} µs of Lambda time per event`,
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
  if (results.storeCost) parts.push(storeTable(results.storeCost));
  if (results.endToEnd) parts.push(endToEndTable(results.endToEnd));
  if (results.memory) parts.push(memoryTable(results.memory));
  if (results.scale) parts.push(scaleTable(results.scale));
  return `${parts.join('\n\n')}\n`;
}
