import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { type LocalApp, startLocalApp } from '../../runtime/local-app.ts';
import { createLogger } from '../../runtime/logger.ts';
import { describeEvent, outgoingEventsOf } from '../../runtime/outgoing-events.ts';
import { DEFAULT_WEB_HOST, DEFAULT_WEB_PORT } from '../../web/constants.ts';
import { type IncidentPage, startIncidentPage } from '../../web/incident-page.ts';
import { loadConfigOptionOrEnvironment } from '../config-option.ts';
import { DEFAULT_DATA_DIR } from '../defaults.ts';
import { type CliIo, type CommandContext, EXIT_OK } from '../io.ts';
import { incidentTable } from '../render/incident-table.ts';
import { untilSignalled } from '../until-signalled.ts';

const DEMO_SCENARIO = new URL('../../../examples/scenarios/checkout-outage.ndjson', import.meta.url);
/** A pause between demo events, so incident changes can be watched appearing one by one. */
const DEMO_PAUSE_MS = 150;

export interface StartOptions {
  readonly dataDir: string;
  readonly demo: boolean;
  readonly verbose: boolean;
  readonly config?: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Sends the demo scenario through the local EventBridge one event at a time, printing progress. */
export async function replayDemo(app: LocalApp, io: CliIo, pauseMs = DEMO_PAUSE_MS): Promise<void> {
  const { events, rejected } = outgoingEventsOf(readFileSync(DEMO_SCENARIO));
  if (rejected.length > 0) throw new Error(`the demo scenario is broken: ${rejected[0]?.reason}`);
  io.stdout(
    `\nReplaying ${path.basename(DEMO_SCENARIO.pathname)}: ${events.length} events → EventBridge rules → Kinesis → consumer → DynamoDB → stream\n`,
  );
  const width = String(events.length).length;
  for (const [index, event] of events.entries()) {
    const result = await app.stack.eventBus.putEvents([event]);
    const { at, summary } = describeEvent(event);
    const routed = result.recordsSent > 0 ? '' : '  (matched no rule: not sent)';
    io.stdout(
      `  → [${String(index + 1).padStart(width)}/${events.length}] ${at.slice(11, 19) || '--:--:--'}  ${summary}${routed}\n`,
    );
    await sleep(pauseMs);
  }
  await app.stack.whenIdle({ timeoutMs: 60_000 });
}

function instructions(app: LocalApp, dataDir: string, page: IncidentPage): string {
  const { endpoints, names } = app.stack;
  return [
    '',
    `Local stack running: DynamoDB Local ${endpoints.dynamodb}, Kinesis (kinesalite) ${endpoints.kinesis}`,
    `Table ${names.table}, stream ${names.stream}, data kept in ${dataDir}/ (survives restarts).`,
    `Incident page: ${page.url} (updates live)`,
    'In another terminal:',
    '  npm run incidents -- send examples/scenarios/checkout-outage.ndjson   # replaying is idempotent',
    '  npm run incidents -- list',
    '  npm run incidents -- show <incident id>',
    '  npm run incidents -- tail                                             # follow incident changes',
    '  npm run incidents -- quarantine list',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}

export async function runStart(
  options: StartOptions,
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  // Read before anything starts: a broken configuration is reported without emulators to stop.
  const { config, origin } = loadConfigOptionOrEnvironment(options.config, env);
  const logger = createLogger(options.verbose ? 'info' : 'warn', 'incidents', 'stderr');
  const started = Date.now();
  if (origin !== undefined) io.stdout(`Correlating with the configuration in ${origin}.\n`);
  io.stdout(`Starting DynamoDB Local (Java) and kinesalite; creating the table and stream from infra/ …\n`);
  const app = await startLocalApp({
    dataDir: options.dataDir,
    logger,
    printChange: (line) => io.stdout(`${line}\n`),
    handleProcessSignals: false,
    config,
  });
  let page: IncidentPage | undefined;
  try {
    io.stdout(`Ready in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
    // Started before the demo, so the page can show the incident arriving.
    const { clients, region, tableStreamArn } = app.stack;
    page = await startIncidentPage({
      queries: app.queries,
      ...(tableStreamArn === undefined
        ? {}
        : { stream: { streams: clients.dynamodbStreams, streamArn: tableStreamArn, region } }),
      host: DEFAULT_WEB_HOST,
      port: DEFAULT_WEB_PORT,
      portFallback: true,
      logger,
    });
    io.stdout(`Incident page: ${page.url}\n`);
    if (options.demo) {
      await replayDemo(app, io);
      const incidents = await app.queries.listIncidents({ limit: 20 });
      io.stdout(`\nIncidents in the table (${incidents.length}):\n${incidentTable(incidents)}\n`);
    }
    io.stdout(instructions(app, options.dataDir, page));
    const signal = await untilSignalled();
    io.stdout(`\n${signal}: stopping the local stack …\n`);
  } finally {
    await page?.stop();
    await app.stop();
  }
  io.stdout('Stopped.\n');
  return EXIT_OK;
}

export function registerStartCommand(program: Command, context: CommandContext): void {
  program
    .command('start')
    .description(
      'start the local stack (DynamoDB Local + kinesalite), replay the demo scenario, keep running',
    )
    .option('--data-dir <dir>', 'where the emulators keep their data', DEFAULT_DATA_DIR)
    .option('--no-demo', 'do not replay the demo scenario')
    .option('--verbose', 'log the pipeline (one line per batch)', false)
    .option(
      '--config <file>',
      'correlation windows, triggers, static links and caps (JSON); default: CORRELATION_CONFIG, then the built-in defaults',
    )
    .action(async (options: StartOptions) => {
      context.setExitCode(await runStart(options, context.io));
    });
}
