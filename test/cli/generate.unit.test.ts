import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { normalizeInput } from '../../src/core/signals/normalize.ts';
import { outgoingEventsOf } from '../../src/runtime/outgoing-events.ts';
import { generateEvents } from '../../src/workloads/mix.ts';
import { captureIo } from './capture-io.ts';

/**
 * `incidents generate`: NDJSON that `send` and `correlate` read whole (every line a signal or an
 * ignored event, none rejected), the same bytes for the same seed, and exactly the workload asked
 * for. The counts are the ones the engine's tests and the benchmark depend on.
 */

const scratch = mkdtempSync(join(tmpdir(), 'generate-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function generate(args: readonly string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo();
  const code = await main(['generate', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

const linesOf = (ndjson: string) => ndjson.split('\n').filter((line) => line.length > 0);

function eventsOf(ndjson: string): Record<string, unknown>[] {
  return linesOf(ndjson).map((line) => JSON.parse(line) as Record<string, unknown>);
}

function detailOf(event: Record<string, unknown>): Record<string, unknown> {
  const detail = event.detail;
  return typeof detail === 'object' && detail !== null ? Object.fromEntries(Object.entries(detail)) : {};
}

const failedRuns = (events: readonly Record<string, unknown>[]) =>
  events.filter(
    (event) =>
      event['detail-type'] === 'Step Functions Execution Status Change' &&
      detailOf(event).status === 'FAILED',
  );

/** What both readers make of the output: `correlate`'s (normalizeInput) and `send`'s (outgoingEventsOf). */
function readBack(ndjson: string) {
  const bytes = new TextEncoder().encode(ndjson);
  const results = normalizeInput(bytes);
  const outgoing = outgoingEventsOf(bytes);
  return {
    lines: linesOf(ndjson).length,
    signals: results.filter((result) => result.result === 'signal').length,
    ignored: results.filter((result) => result.result === 'ignored').length,
    rejected: results.filter((result) => result.result === 'rejected'),
    sendable: outgoing.events.length,
    unreadable: outgoing.rejected,
  };
}

describe('incidents generate busy', () => {
  const args = [
    'busy',
    '--rate',
    '2',
    '--minutes',
    '40',
    '--outages',
    '1',
    '--failures',
    '20',
    '--seed',
    '5',
  ];

  it('writes 2 executions/s for 40 minutes with one outage of exactly 20 FAILED runs', async () => {
    const { code, out, err } = await generate(args);
    expect(code).toBe(0);
    const events = eventsOf(out);
    const terminal = events.filter((event) =>
      ['SUCCEEDED', 'FAILED'].includes(String(detailOf(event).status)),
    );
    expect(terminal.length).toBeGreaterThanOrEqual(4_800);
    expect(terminal.length).toBeLessThanOrEqual(4_820);
    expect(failedRuns(events)).toHaveLength(20);
    const errorsAlarm = events.filter(
      (event) =>
        event['detail-type'] === 'CloudWatch Alarm State Change' &&
        String(detailOf(event).alarmName).endsWith('-errors'),
    );
    expect(errorsAlarm.map((event) => (detailOf(event).state as { value: string }).value)).toEqual([
      'ALARM',
      'OK',
    ]);
    expect(err).toMatch(
      /^incidents generate busy: \d+ event\(s\) .*; 20 FAILED run\(s\)\) for 1 state machine\(s\)\n$/,
    );
  });

  it('gives the same bytes for the same seed, and other bytes for another seed', async () => {
    const first = await generate(args);
    const second = await generate(args);
    const other = await generate([...args.slice(0, -1), '6']);
    expect(second.out).toBe(first.out);
    expect(other.out).not.toBe(first.out);
  });

  it('is read whole by correlate and send: every line a signal, none rejected', async () => {
    const { out } = await generate(args);
    const read = readBack(out);
    expect(read.rejected).toEqual([]);
    expect(read.signals + read.ignored).toBe(read.lines);
    expect(read.unreadable).toEqual([]);
    expect(read.sendable).toBe(read.lines);
  });
});

describe('incidents generate fleet', () => {
  const args = ['fleet', '--state-machines', '300', '--minutes', '10', '--failing', '40', '--failures', '1'];

  it('has exactly 40 FAILED execution events across 40 state machines, at about the same time', async () => {
    const { code, out, err } = await generate(args);
    expect(code).toBe(0);
    const failed = failedRuns(eventsOf(out));
    expect(failed).toHaveLength(40);
    expect(new Set(failed.map((event) => detailOf(event).stateMachineArn)).size).toBe(40);
    const stops = failed.map((event) => Number(detailOf(event).stopDate));
    expect(Math.max(...stops) - Math.min(...stops)).toBeLessThan(35_000);
    expect(err).toContain('; 40 FAILED run(s)) for 300 state machine(s)');
  });

  it('is read whole by correlate and send', async () => {
    const read = readBack((await generate(args)).out);
    expect(read.rejected).toEqual([]);
    expect(read.signals + read.ignored).toBe(read.lines);
    expect(read.unreadable).toEqual([]);
  });
});

describe('incidents generate mix', () => {
  it('writes exactly what generateEvents makes, one event per line', async () => {
    const { code, out } = await generate(['mix', '--events', '1500', '--seed', '9']);
    expect(code).toBe(0);
    const expected = generateEvents({ seed: 9, events: 1_500 }).events.map((generated) =>
      JSON.stringify(generated.event),
    );
    expect(linesOf(out)).toEqual(expected);
  });

  it('is read whole: every line a signal or an ignored event (the mix has a few no rule wants)', async () => {
    const read = readBack((await generate(['mix', '--events', '3000'])).out);
    expect(read.rejected).toEqual([]);
    expect(read.signals + read.ignored).toBe(3_000);
    expect(read.unreadable).toEqual([]);
  });
});

describe('incidents generate --out', () => {
  it('writes the same bytes to a file as to stdout, gzipped when the name ends in .gz', async () => {
    const args = ['busy', '--minutes', '10', '--outages', '1'];
    const plain = join(scratch, 'busy.ndjson');
    const gzipped = join(scratch, 'busy.ndjson.gz');
    const stdout = (await generate(args)).out;
    const toFile = await generate([...args, '--out', plain]);
    expect(toFile.code).toBe(0);
    expect(toFile.out).toBe('');
    expect(toFile.err).toContain(`written to ${plain}`);
    expect(readFileSync(plain, 'utf8')).toBe(stdout);
    expect((await generate([...args, '--out', gzipped])).code).toBe(0);
    expect(gunzipSync(readFileSync(gzipped)).toString('utf8')).toBe(stdout);
  });

  it('exits 2 when the file cannot be written', async () => {
    const { code, err } = await generate(['mix', '--out', join(scratch, 'no-such-dir', 'x.ndjson')]);
    expect(code).toBe(2);
    expect(err).toContain('cannot write');
  });
});

describe('incidents generate usage', () => {
  it.each([
    [['mix', '--rate', '3'], '--rate applies to busy only, not mix'],
    [['busy', '--failing', '3'], '--failing applies to fleet only, not busy'],
    [['fleet', '--events', '10'], '--events applies to mix only, not fleet'],
    [['busy', '--minutes', '5', '--outages', '3'], '3 outage(s) do not fit in 5 min'],
    [['fleet', '--state-machines', '10', '--failing', '11'], 'failing must be a whole number from 0 to 10'],
    [['busy', '--rate', '0'], '--rate must be a number above 0'],
    [['storm'], 'unknown profile "storm"; choose from mix, busy, fleet'],
  ])('refuses %j with exit 2', async (args, message) => {
    const { code, out, err } = await generate(args);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain(message);
  });
});
