import path from 'node:path';
import { runServe } from '../../src/cli/commands/serve.ts';
import { replayDemo } from '../../src/cli/commands/start.ts';
import { type LocalApp, startLocalApp } from '../../src/runtime/local-app.ts';
import { captureIo } from '../cli/capture-io.ts';
import { temporaryDirectory, testLogger } from '../local/helpers.ts';

/**
 * The product as an operator runs it, in a temporary data directory: the local app with the demo
 * replayed, and `incidents serve` on a free port, finding the stack through its state file as it
 * would from another terminal.
 */
export interface DemoPage {
  readonly app: LocalApp;
  readonly dataDir: string;
  /** The page's root, e.g. `http://127.0.0.1:40123/`. */
  readonly url: string;
  /** The demo's incident (the only one in the table after the replay). */
  readonly incidentId: string;
  stop(): Promise<void>;
}

export async function startDemoPage(prefix: string): Promise<DemoPage> {
  const dir = temporaryDirectory(prefix);
  const dataDir = path.join(dir.path, 'data');
  const app = await startLocalApp({
    dataDir,
    logger: testLogger(),
    printChange: () => undefined,
    handleProcessSignals: false,
  });
  let stopServing: () => void = () => undefined;
  let serving: Promise<number> | undefined;
  try {
    await replayDemo(app, captureIo(), 0);
    const [incident] = await app.queries.listIncidents({});
    if (incident === undefined) throw new Error('the demo replay stored no incident');
    const io = captureIo();
    serving = runServe(
      { dataDir, port: '0', host: '127.0.0.1' },
      io,
      new Promise<void>((resolve) => {
        stopServing = resolve;
      }),
    );
    const url = await pageUrl(io.out, serving);
    return {
      app,
      dataDir,
      url,
      incidentId: incident.id,
      stop: async () => {
        stopServing();
        await serving;
        await app.stop();
        dir.remove();
      },
    };
  } catch (error) {
    stopServing();
    await serving?.catch(() => undefined);
    await app.stop();
    dir.remove();
    throw error;
  }
}

/** The URL `serve` prints once it listens; its failure (exit code) if it stops first. */
async function pageUrl(output: () => string, serving: Promise<number>): Promise<string> {
  let exited: number | undefined;
  void serving.then((code) => {
    exited = code;
  });
  for (let waited = 0; waited < 30_000; waited += 50) {
    const url = /Incident page: (http:\/\/\S+)/.exec(output())?.[1];
    if (url !== undefined) return url;
    if (exited !== undefined) throw new Error(`incidents serve exited with ${exited}: ${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`incidents serve printed no URL: ${output()}`);
}
