import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import {
  alarmStateEvent,
  cloudTrailLogFile,
  cloudTrailRecord,
  executionEvent,
  STATE_MACHINE_ARN,
} from '../../src/workloads/events.ts';
import { gzipBytes, jsonBytes, ndjsonBytes, SEED_EVENTS_DIR } from '../builders/fixtures.ts';
import {
  digestFile,
  insightsEvent,
  s3DataEvent,
  stepFunctionsRecord,
} from '../core/signals/cloudtrail-kinds.ts';
import { captureIo } from './capture-io.ts';

const directory = mkdtempSync(join(tmpdir(), 'incidents-cli-'));
afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

function writeInput(name: string, bytes: Uint8Array | string): string {
  const path = join(directory, name);
  writeFileSync(path, bytes);
  return path;
}

const seedPath = (name: string): string => fileURLToPath(new URL(`${name}.json`, SEED_EVENTS_DIR));

describe('incidents normalize', () => {
  it('prints one aligned line for a JSON event file and exits 0', async () => {
    const io = captureIo();
    const code = await main(['normalize', seedPath('stepfunctions-status--execution-failed')], io);
    expect(code).toBe(0);
    expect(io.outLines()).toEqual([
      'signal   execution    2019-02-26T23:52:31.881Z FAILED ' +
        'arn:aws:states:us-east-1:012345678912:execution:state-machine-name:execution-name ' +
        'arn:aws:states:us-east-1:012345678912:stateMachine:state-machine',
    ]);
    expect(io.err()).toBe('1 signal(s), 0 ignored, 0 rejected\n');
  });

  it('prints a line per NDJSON line, locating a bad line, and still exits 0', async () => {
    const good = ndjsonBytes([executionEvent({ status: 'TIMED_OUT' }), alarmStateEvent()]);
    const text = `${new TextDecoder().decode(good)}{"source": "aws.states", "detail-type":\n`;
    const file = writeInput('events.ndjson', text);
    const io = captureIo();
    const code = await main(['normalize', file], io);
    const lines = io.outLines();
    expect(code).toBe(0);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^signal {3}execution {4}2024-05-01T12:00:00\.000Z TIMED_OUT {2,}arn:/);
    expect(lines[1]).toMatch(
      /^signal {3}alarm-state {2}2024-05-01T12:00:00\.123Z orders-failures OK->ALARM /,
    );
    expect(lines[2]).toMatch(new RegExp(`^rejected invalid JSON: .* at ${file}:line 3$`));
    expect(io.err()).toBe('2 signal(s), 0 ignored, 1 rejected\n');
  });

  it('reads a gzipped CloudTrail log file whatever its name, ignoring other services', async () => {
    const log = cloudTrailLogFile([
      cloudTrailRecord({
        eventName: 'StartExecution',
        requestParameters: { stateMachineArn: STATE_MACHINE_ARN },
      }),
      cloudTrailRecord({ eventSource: 'lambda.amazonaws.com', eventName: 'Invoke' }),
      cloudTrailRecord({ eventID: 'broken', record: { eventTime: 'yesterday' } }),
    ]);
    const file = writeInput('trail.json', gzipBytes(jsonBytes(log)));
    const io = captureIo();
    const code = await main(['normalize', file], io);
    expect(code).toBe(0);
    expect(io.outLines()).toEqual([
      `signal   api-call     2024-05-01T11:50:00.000Z StartExecution by deployer ${STATE_MACHINE_ARN}`,
      'ignored  CloudTrail event source lambda.amazonaws.com is not handled',
      `rejected eventTime: not an ISO-8601 timestamp with a time zone at ${file}:Records[2].eventTime`,
    ]);
  });

  it('counts Insights and data events in a log file, and a digest file beside it, as ignored', async () => {
    const log = writeInput(
      'mixed-trail.json.gz',
      gzipBytes(jsonBytes(cloudTrailLogFile([stepFunctionsRecord, insightsEvent(), s3DataEvent]))),
    );
    const digest = writeInput('digest.json.gz', gzipBytes(jsonBytes(digestFile)));
    const io = captureIo();
    expect(await main(['normalize', log, digest], io)).toBe(0);
    const lines = io.outLines();
    expect(lines[0]).toMatch(/^signal {3}api-call {5}2024-05-01T11:50:00\.000Z StartExecution by deployer /);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^ignored {2}CloudTrail Insights event \(ApiCallRateInsight, Start\) about /),
      'ignored  CloudTrail event source s3.amazonaws.com is not handled',
      'ignored  CloudTrail digest file is not handled: it lists the hashes of log files, not events',
    ]);
    expect(io.err()).toBe('1 signal(s), 3 ignored, 0 rejected\n');
  });

  it('prints NDJSON with a result field for --json', async () => {
    const file = writeInput(
      'mixed.json',
      jsonBytes([executionEvent(), { source: 'x', 'detail-type': 'y' }, 7]),
    );
    const io = captureIo();
    const code = await main(['normalize', '--json', file], io);
    const objects = io.outLines().map((line) => JSON.parse(line));
    expect(code).toBe(0);
    expect(objects.map((object) => [object.result, object.file, object.position])).toEqual([
      ['signal', file, [0]],
      ['ignored', file, [1]],
      ['rejected', file, [2]],
    ]);
    expect(objects[0].signal.kind).toBe('execution');
    expect(objects[0].signal.stateMachineArn).toBe(STATE_MACHINE_ARN);
    expect(objects[1]).toMatchObject({ source: 'x', detailType: 'y' });
    expect(objects[2].reason).toBe('expected a JSON object, got number');
    expect(io.err()).toBe('');
  });

  it('exits 2 with a message for an unreadable file, after normalizing the readable ones', async () => {
    const missing = join(directory, 'missing.json');
    const io = captureIo();
    const code = await main(['normalize', missing, seedPath('cloudtrail-states--createactivity')], io);
    expect(code).toBe(2);
    expect(io.err()).toContain(`incidents normalize: cannot read ${missing}: no such file\n`);
    expect(io.outLines()).toHaveLength(1);
    expect(io.outLines()[0]).toMatch(
      /^signal {3}api-call {5}2016-10-28T01:17:56\.000Z CreateActivity by test-user /,
    );
  });

  it('exits 2 for a directory', async () => {
    const io = captureIo();
    expect(await main(['normalize', directory], io)).toBe(2);
    expect(io.err()).toContain('is a directory');
  });
});

describe('incidents usage', () => {
  it('exits 2 with usage on stderr when normalize has no files', async () => {
    const io = captureIo();
    expect(await main(['normalize'], io)).toBe(2);
    expect(io.err()).toContain("missing required argument 'files'");
  });

  it('exits 2 for an unknown command and 0 for --help', async () => {
    const unknown = captureIo();
    const help = captureIo();
    expect(await main(['frobnicate'], unknown)).toBe(2);
    expect(unknown.err()).toContain("unknown command 'frobnicate'");
    expect(await main(['--help'], help)).toBe(0);
    expect(help.out()).toContain('normalize [options] <files...>');
  });

  it('refuses an unknown benchmark section before running anything', async () => {
    const io = captureIo();
    expect(await main(['bench', '--only', 'nope'], io)).toBe(2);
    expect(io.err()).toContain('unknown section');
  });
});
