import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayDemo } from '../../src/cli/commands/start.ts';
import { type CorrelationConfig, DEFAULT_CONFIG } from '../../src/core/config.ts';
import { isProcessAlive } from '../../src/local/child-process.ts';
import { pollUntil } from '../../src/local/wait.ts';
import { correlateOffline } from '../../src/runtime/correlate-offline.ts';
import { parseCorrelationConfig } from '../../src/runtime/correlation-config.ts';
import { type LocalApp, startLocalApp } from '../../src/runtime/local-app.ts';
import { generateBusy } from '../../src/workloads/busy.ts';
import { EXECUTION_ARN, executionEvent } from '../../src/workloads/events.ts';
import { ndjsonBytes } from '../builders/fixtures.ts';
import { captureIo } from '../cli/capture-io.ts';
import { temporaryDirectory, testLogger } from '../local/helpers.ts';

const demoBytes = readFileSync(new URL('../../examples/scenarios/checkout-outage.ndjson', import.meta.url));

/**
 * The product end to end on real emulators: local EventBridge rules → kinesalite → the consumer
 * through the local event source mapping → DynamoDB Local → its stream → the stream handler.
 */
describe('the local app replaying the demo scenario', () => {
  const dataDir = temporaryDirectory('local-app');
  const changes: string[] = [];
  let app: LocalApp;

  const start = () =>
    startLocalApp({
      dataDir: dataDir.path,
      logger: testLogger(),
      printChange: (line) => changes.push(line),
      handleProcessSignals: false,
    });

  beforeAll(async () => {
    app = await start();
  });

  afterAll(async () => {
    await app?.stop();
    dataDir.remove();
  });

  it('stores the same incident the offline pipeline derives, and streams its changes', async () => {
    const io = captureIo();
    await replayDemo(app, io, 0);
    expect(io.out()).toContain('[18/18]');
    expect(io.out()).toContain('(matched no rule: not sent)');

    const offline = await correlateOffline([{ name: 'demo', bytes: demoBytes }], DEFAULT_CONFIG, Date.now);
    const [expected] = offline.incidents;
    const stored = await app.queries.listIncidents({});
    expect(stored.map((i) => [i.id, i.status, i.severity, i.resolvedAt])).toEqual([
      [expected?.id, 'RESOLVED', 'SEV2', '2026-11-20T09:22:00.000Z'],
    ]);
    const detail = await app.queries.getIncident(expected?.id ?? '');
    expect(detail?.timeline.map((t) => t.summary)).toEqual(expected?.timeline.map((t) => t.summary));
    expect(detail?.hints).toEqual(expected?.hints);

    await app.stack.whenIdle({ timeoutMs: 30_000 });
    // The table's stream is eventually consistent: DynamoDB Local can show a record to GetRecords
    // after the poller last found its shard empty, so wait for the resolution to arrive.
    await pollUntil(
      async () => (changes.some((line) => /resolved .* RESOLVED/.test(line)) ? true : undefined),
      {
        timeoutMs: 30_000,
        intervalMs: 100,
        description: 'the resolution on the table stream',
      },
    );
    // How many changes the stream shows depends on how the records were batched; the first one
    // announces the incident (opened, or resolved when the whole outage landed in one batch).
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.every((line) => line.includes(expected?.id ?? '?'))).toBe(true);
    expect(changes[0]).toMatch(/(opened|resolved) /);
    expect(changes.at(-1)).toMatch(/resolved .* RESOLVED/);
  });

  it('keeps the incidents across a restart, and a second replay changes nothing (idempotent)', async () => {
    const javaPid = app.stack.dynamoDbPid;
    await app.stop();
    expect(isProcessAlive(javaPid)).toBe(false);

    app = await start();
    const before = await app.queries.listIncidents({});
    changes.length = 0;
    await replayDemo(app, captureIo(), 0);
    await app.stack.whenIdle({ timeoutMs: 30_000 });
    const after = await app.queries.listIncidents({});
    expect(after).toHaveLength(1);
    expect(after.map((i) => [i.id, i.updatedAt])).toEqual(before.map((i) => [i.id, i.updatedAt]));
    expect(changes).toEqual([]);
  });
});

describe('the local app with a busy state machine', () => {
  const dataDir = temporaryDirectory('local-app-busy');
  let app: LocalApp;

  beforeAll(async () => {
    app = await quietApp(dataDir.path);
  });

  afterAll(async () => {
    await app?.stop();
    dataDir.remove();
  });

  it('keeps every failure of the incident when healthy runs outnumber every cap, as offline does', async () => {
    // One run a second for 40 minutes: 4,800 healthy signals, more than the 4,096 runs a scope
    // remembers and the 200 an incident lists, sent through EventBridge rules, kinesalite (several
    // shards, so out of order) and the local event source mapping.
    const busy = generateBusy({
      seed: 44,
      rate: 1,
      durationMs: 40 * 60_000,
      outages: 1,
      name: 'orders-local',
    });
    const events = busy.events.map((generated) => generated.event);
    const [expected, ...more] = (
      await correlateOffline([{ name: 'busy', bytes: ndjsonBytes(events) }], DEFAULT_CONFIG, Date.now)
    ).incidents;
    expect(more).toEqual([]);
    expect(expected?.executions.filter((run) => run.status === 'FAILED')).toHaveLength(20);

    const sent = await app.stack.eventBus.putEvents(events);
    expect(sent.recordsSent).toBe(events.length);
    await app.stack.whenIdle({ timeoutMs: 240_000 });

    const stored = await app.queries.listIncidents({});
    expect(
      stored.map((incident) => [incident.id, incident.status, incident.openedAt, incident.resolvedAt]),
    ).toEqual([[expected?.id, 'RESOLVED', expected?.openedAt, expected?.resolvedAt]]);
    const detail = await app.queries.getIncident(expected?.id ?? '');
    expect(detail?.executions.map((run) => [run.name, run.status])).toEqual(
      expected?.executions.map((run) => [run.name, run.status]),
    );
    expect(detail?.traffic.failed).toBe(20);
  }, 300_000);
});

/** A local app whose incident changes are not printed (the test reads the table instead). */
function quietApp(dataDir: string, config?: CorrelationConfig): Promise<LocalApp> {
  return startLocalApp({
    dataDir,
    logger: testLogger(),
    printChange: () => undefined,
    handleProcessSignals: false,
    ...(config === undefined ? {} : { config }),
  });
}

/** An execution of the builders' state machine that ended with `status` at `stoppedAt`. */
function endedExecution(name: string, status: string, stoppedAt: string): Record<string, unknown> {
  const stopMs = Date.parse(stoppedAt);
  return executionEvent({
    id: `evt-${name}`,
    executionArn: EXECUTION_ARN.replace(/:[^:]+$/, `:${name}`),
    status,
    startDate: stopMs - 60_000,
    stopDate: stopMs,
    time: stoppedAt,
  });
}

/** `start --config FILE` (or CORRELATION_CONFIG) hands startLocalApp a configuration: the consumer must use it. */
describe('the local app with a correlation configuration', () => {
  const dataDir = temporaryDirectory('local-app-config');
  // Only timeouts open incidents: the failure three hours earlier is no incident at all.
  const config = parseCorrelationConfig('{"triggerStatuses":["TIMED_OUT"]}', 'timeouts-only.json');
  const events = [
    endedExecution('run-failed', 'FAILED', '2024-05-01T12:00:00Z'),
    endedExecution('run-timed-out', 'TIMED_OUT', '2024-05-01T15:00:00Z'),
  ];
  const eventBytes = ndjsonBytes(events);
  let app: LocalApp;

  beforeAll(async () => {
    app = await quietApp(dataDir.path, config);
  });

  afterAll(async () => {
    await app?.stop();
    dataDir.remove();
  });

  it('correlates with that configuration, not the defaults', async () => {
    const incidentsUnder = async (configuration: CorrelationConfig) =>
      (await correlateOffline([{ name: 'events', bytes: eventBytes }], configuration, Date.now)).incidents;
    const withDefaults = await incidentsUnder(DEFAULT_CONFIG);
    const [expected, ...none] = await incidentsUnder(config);
    // The events tell the two apart: the defaults see two outages, this configuration one.
    expect(withDefaults.map((incident) => incident.openedAt)).toEqual([
      '2024-05-01T12:00:00.000Z',
      '2024-05-01T15:00:00.000Z',
    ]);
    expect(none).toEqual([]);

    const sent = await app.stack.eventBus.putEvents(events);
    expect(sent.recordsSent).toBe(events.length);
    await app.stack.whenIdle({ timeoutMs: 30_000 });

    const stored = await app.queries.listIncidents({});
    expect(stored.map((incident) => [incident.id, incident.status, incident.openedAt])).toEqual([
      [expected?.id, 'OPEN', '2024-05-01T15:00:00.000Z'],
    ]);
    const detail = await app.queries.getIncident(expected?.id ?? '');
    expect(detail?.executions.map((execution) => [execution.name, execution.status])).toEqual(
      expected?.executions.map((execution) => [execution.name, execution.status]),
    );
  });
});
