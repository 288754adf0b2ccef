import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { gzipBytes } from '../builders/fixtures.ts';
import { captureIo } from './capture-io.ts';

const demo = fileURLToPath(new URL('../../examples/scenarios/checkout-outage.ndjson', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'correlate-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('incidents correlate', () => {
  it('prints the demo incident as a table with its top hint', async () => {
    const io = captureIo();
    expect(await main(['correlate', demo], io)).toBe(0);
    expect(io.out()).toMatch(/│ inc-[0-9a-f]{20} │ checkout\s+│ RESOLVED │ SEV2 │ 2026-11-20 08:58:30/);
    expect(io.out()).toContain('Definition updated by alice@example.com 20 min before the');
    expect(io.err()).toContain('17 signal(s) (0 duplicate(s) dropped), 1 ignored, 0 rejected, 1 incident(s)');
  });

  it('prints the incidents as JSON with the documented fields', async () => {
    const io = captureIo();
    expect(await main(['correlate', '--json', demo], io)).toBe(0);
    const [incident, ...rest] = JSON.parse(io.out()) as Record<string, unknown>[];
    expect(rest).toHaveLength(0);
    expect(Object.keys(incident ?? {})).toEqual(
      expect.arrayContaining([
        'id',
        'stateMachineArn',
        'status',
        'severity',
        'openedAt',
        'resolvedAt',
        'flapCount',
        'executions',
        'alarms',
        'apiCalls',
        'hints',
        'timeline',
      ]),
    );
    expect(incident?.executions).toEqual(
      expect.arrayContaining([expect.objectContaining({ status: 'TIMED_OUT', error: 'States.Timeout' })]),
    );
    expect(incident?.alarms).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          alarmName: 'checkout-health',
          state: 'OK',
          suppressor: 'deploy-maintenance-window',
        }),
      ]),
    );
  });

  it('gives the same incidents for a gzipped copy with every line twice', async () => {
    const doubled = join(scratch, 'doubled.ndjson.gz');
    const lines = readFileSync(demo, 'utf8');
    writeFileSync(doubled, gzipBytes(new TextEncoder().encode(lines + lines)));
    const once = captureIo();
    const twice = captureIo();
    await main(['correlate', '--json', demo], once);
    expect(await main(['correlate', '--json', doubled], twice)).toBe(0);
    expect(twice.out()).toBe(once.out());
  });

  it('exits 2 with a clear message for an unreadable file', async () => {
    const io = captureIo();
    expect(await main(['correlate', join(scratch, 'missing.json')], io)).toBe(2);
    expect(io.err()).toMatch(/cannot read .*missing\.json: no such file/);
  });
});
