import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTail } from '../../src/cli/commands/tail.ts';
import { main } from '../../src/cli/main.ts';
import { type LocalApp, startLocalApp } from '../../src/runtime/local-app.ts';
import { executionEvent } from '../../src/workloads/events.ts';
import { temporaryDirectory, testLogger } from '../local/helpers.ts';
import { captureIo } from './capture-io.ts';

const demo = fileURLToPath(new URL('../../examples/scenarios/checkout-outage.ndjson', import.meta.url));

/** The CLI against a running local stack, found through its state file as from another terminal. */
describe('incidents send / list / show / quarantine / tail against the local stack', () => {
  const dir = temporaryDirectory('cli-local');
  const dataDir = path.join(dir.path, 'data');
  const at = (...args: string[]) => [...args, '--data-dir', dataDir];
  let app: LocalApp;

  beforeAll(async () => {
    app = await startLocalApp({
      dataDir,
      logger: testLogger(),
      printChange: () => undefined,
      handleProcessSignals: false,
    });
  });
  afterAll(async () => {
    await app?.stop();
    dir.remove();
  });

  it('sends the demo through the rules, then lists and shows the incident', async () => {
    const sent = captureIo();
    expect(await main(at('send', demo), sent)).toBe(0);
    expect(sent.out()).toMatch(
      /^18 event\(s\) read, 17 record\(s\) sent to sfn-incident-correlator-local-events .* 1 matched no rule, 0 failed/,
    );
    await app.stack.whenIdle({ timeoutMs: 30_000 });

    const listed = captureIo();
    expect(await main(at('list', '--json', '--status', 'resolved'), listed)).toBe(0);
    const incidents = JSON.parse(listed.out()) as { id: string; severity: string }[];
    expect(incidents.map((i) => i.severity)).toEqual(['SEV2']);

    const shown = captureIo();
    expect(await main(at('show', incidents[0]?.id ?? ''), shown)).toBe(0);
    expect(shown.out()).toContain('Execution run-104 stopped by bob');
    expect(shown.out()).toMatch(/checkout-charge-card-errors\s+│ OK\s+│ checkout-charge-card/);
    expect(shown.out()).toContain('Timeline (UTC)');
    expect(shown.out()).toContain(
      'while open: 1 started, 1 succeeded, 3 failed   hour before: 0 of 1 finished runs failed',
    );
  });

  it('quarantines a poison record and shows its reason and raw bytes', async () => {
    const bad = { ...executionEvent({ status: 'FAILED', detail: { status: 5 } }), id: 'poison-1' };
    const file = path.join(dir.path, 'poison.json');
    writeFileSync(file, JSON.stringify(bad));
    expect(await main(at('send', file), captureIo())).toBe(0);
    await app.stack.whenIdle({ timeoutMs: 30_000 });

    const listed = captureIo();
    expect(await main(at('quarantine', 'list', '--json'), listed)).toBe(0);
    const [entry] = JSON.parse(listed.out()) as { pk: string; sk: string; reason: string }[];
    expect(entry?.reason).toMatch(/detail\.status: .*expected string, received number/);

    const raw = captureIo();
    expect(await main(at('quarantine', 'show', `${entry?.pk}|${entry?.sk}`, '--raw'), raw)).toBe(0);
    expect(JSON.parse(raw.out())).toMatchObject({ id: 'poison-1', detail: { status: 5 } });
  });

  it('tails incident changes as they happen', async () => {
    const io = captureIo();
    let stop: () => void = () => undefined;
    const tailing = runTail(
      { dataDir, json: true, fromStart: false },
      io,
      new Promise<void>((resolve) => {
        stop = resolve;
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const fresh = executionEvent({
      status: 'FAILED',
      executionArn: 'arn:aws:states:us-east-1:123456789012:execution:billing:tail-1',
      stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:billing',
    });
    const file = path.join(dir.path, 'fresh.json');
    writeFileSync(file, JSON.stringify(fresh));
    expect(await main(at('send', file), captureIo())).toBe(0);
    await app.stack.whenIdle({ timeoutMs: 30_000 });
    for (let waited = 0; waited < 10_000 && !io.out().includes('"opened"'); waited += 200) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    stop();
    expect(await tailing).toBe(0);
    const change = JSON.parse(io.outLines()[0] ?? '{}') as {
      kind?: string;
      incident?: { stateMachineArn?: string };
    };
    expect(change.kind).toBe('opened');
    expect(change.incident?.stateMachineArn).toMatch(/:stateMachine:billing$/);
  });

  it('says how to start a stack when none runs', async () => {
    const io = captureIo();
    expect(await main(['list', '--data-dir', path.join(dir.path, 'nowhere')], io)).toBe(2);
    expect(io.err()).toContain('start one with `npm start`; or pass --region and --table');
  });
});
