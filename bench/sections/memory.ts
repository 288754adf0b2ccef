import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { KinesisStreamRecord } from 'aws-lambda';
import { kinesisEvent } from '../../src/workloads/kinesis-framing.ts';
import type { WorkloadProfile } from '../../src/workloads/profiles.ts';
import { round } from '../stats.ts';
import { type BenchWorkloadSpec, buildWorkload, type Workload } from '../workload.ts';

/**
 * Peak memory of one large batch, measured in a child process so the figure holds the batch and
 * the runtime only: no generator, no other section's leftovers. One batch per profile: the
 * workload's set-up events followed by its traffic, from its last outage where the spec says so,
 * cut at `records`.
 */

export interface MemoryResult {
  readonly profile: WorkloadProfile;
  /** What the batch was cut from, in words. */
  readonly workload: string;
  readonly records: number;
  readonly eventMiB: number;
  readonly rssBeforeMiB: number;
  readonly peakRssMiB: number;
  readonly heapUsedAfterMiB: number;
  readonly heapTotalAfterMiB: number;
  readonly seconds: number;
  readonly failures: number;
}

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('../memory-child.ts', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

function numberField(value: unknown, key: string): number {
  const field = typeof value === 'object' && value !== null ? Reflect.get(value, key) : undefined;
  if (typeof field !== 'number') throw new Error(`the memory child reported no ${key}`);
  return field;
}

/** Set-up first (without it nothing links), then the traffic, in stream order, `records` of them. */
function batchOf(workload: Workload, records: number): KinesisStreamRecord[] {
  const batch: KinesisStreamRecord[] = [];
  for (const preloaded of workload.preloadBatches(records)) {
    batch.push(...preloaded.slice(0, records - batch.length));
    if (batch.length >= records) return batch;
  }
  return [...batch, ...workload.records.slice(0, records - batch.length)];
}

export async function runMemory(
  spec: BenchWorkloadSpec,
  seed: number,
  records: number,
): Promise<MemoryResult> {
  const workload = buildWorkload(spec, seed, records);
  const dir = mkdtempSync(path.join(tmpdir(), 'incidents-bench-memory-'));
  try {
    const file = path.join(dir, 'event.json');
    const text = JSON.stringify(kinesisEvent(batchOf(workload, records)));
    writeFileSync(file, text);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', CHILD, file], {
      cwd: PROJECT_ROOT,
      maxBuffer: 1024 * 1024,
      env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    });
    const line = stdout.trim().split('\n').at(-1) ?? '';
    const figures: unknown = JSON.parse(line);
    return {
      profile: workload.profile,
      workload: `${workload.generated}; the batch: set-up, then ${workload.measured}, cut at ${records.toLocaleString('en-US')} records`,
      records: numberField(figures, 'records'),
      eventMiB: round(Buffer.byteLength(text) / (1024 * 1024), 1),
      rssBeforeMiB: round(numberField(figures, 'rssBeforeMiB'), 0),
      peakRssMiB: round(numberField(figures, 'peakRssMiB'), 0),
      heapUsedAfterMiB: round(numberField(figures, 'heapUsedAfterMiB'), 0),
      heapTotalAfterMiB: round(numberField(figures, 'heapTotalAfterMiB'), 0),
      seconds: round(numberField(figures, 'ms') / 1000, 2),
      failures: numberField(figures, 'failures'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
