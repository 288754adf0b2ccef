import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_KEY_PATTERN, FORBIDDEN_VALUES } from './secret-events.ts';

/**
 * The consumer's log lines, captured from a child process that logs through the project's own
 * logger exactly as the Lambda does: what the fixture feeds it carries access keys, secret keys,
 * passwords and customer data; none of it may reach a log line.
 */

const run = promisify(execFile);
const FIXTURE = fileURLToPath(new URL('./fixtures/consumer-logs.ts', import.meta.url));
const PINO_WARN = 40;

let lines: Record<string, unknown>[];
let raw: string;

beforeAll(async () => {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', FIXTURE], {
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    maxBuffer: 16 * 1024 * 1024,
  });
  raw = stdout;
  lines = stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const parsed: unknown = JSON.parse(line);
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error(`not a log line: ${line}`);
      return { ...parsed };
    });
});

describe('the consumer log lines', () => {
  it('are one JSON object per batch, with counts, and warnings carrying failure reasons', () => {
    const batches = lines.filter((line) => line.msg === 'kinesis batch processed');
    expect(batches.length).toBeGreaterThanOrEqual(5);
    expect(
      batches.every((line) => typeof line.records === 'number' && typeof line.durationMs === 'number'),
    ).toBe(true);
    const warnings = batches.filter((line) => line.level === PINO_WARN);
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    expect(
      warnings.flatMap((line) => (Array.isArray(line.failureReasons) ? line.failureReasons : [])),
    ).toContain('TransientStoreError: injected failure of commitScope');
    expect(batches.some((line) => typeof line.quarantined === 'number' && line.quarantined > 0)).toBe(true);
  });

  it('carry no access key, secret key, session token, password, customer data or payload', () => {
    expect(raw.length).toBeGreaterThan(0);
    expect(raw).not.toMatch(ACCESS_KEY_PATTERN);
    for (const value of FORBIDDEN_VALUES) expect(raw).not.toContain(value);
  });
});
