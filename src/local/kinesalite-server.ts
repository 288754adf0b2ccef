import { mkdirSync } from 'node:fs';
import kinesalite from 'kinesalite';
import type { Logger } from 'pino';
import { EmulatorStartError } from './errors.ts';

/**
 * kinesalite, in this process. With a `path` it keeps streams and records in LevelDB on disk, so
 * the stream and its unconsumed records survive a restart; without one it runs in memory.
 */

export interface KinesaliteOptions {
  readonly path?: string;
  readonly host: string;
  /** Port 0 (the default) lets the OS pick a free one, without a race. */
  readonly port?: number;
  readonly logger: Logger;
}

export interface KinesaliteServer {
  readonly endpoint: string;
  readonly port: number;
  /** Closes open connections, the server and the LevelDB store. */
  stop(): Promise<void>;
}

/** Streams stay CREATING/DELETING/UPDATING this long; real Kinesis takes seconds, tests should not. */
const TRANSITION_MS = 10;
/** kinesalite's own default (10) would refuse streams beyond a handful; real accounts allow far more. */
const SHARD_LIMIT = 100;
/** Long enough for an in-flight LevelDB read of a local shard; short enough not to slow a stop. */
const CLOSE_GRACE_MS = 250;

export async function startKinesalite(options: KinesaliteOptions): Promise<KinesaliteServer> {
  if (options.path !== undefined) mkdirSync(options.path, { recursive: true });
  const server = kinesalite({
    ...(options.path === undefined ? {} : { path: options.path }),
    createStreamMs: TRANSITION_MS,
    deleteStreamMs: TRANSITION_MS,
    updateStreamMs: TRANSITION_MS,
    shardLimit: SHARD_LIMIT,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') {
    server.close();
    throw new EmulatorStartError(`kinesalite did not report a TCP address (${String(address)})`);
  }
  const { port } = address;
  const endpoint = `http://${options.host}:${port}`;
  options.logger.info({ endpoint, persistent: options.path !== undefined }, 'kinesalite ready');

  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    port,
    stop: () => {
      stopped ??= (async () => {
        // kinesalite's close() closes its LevelDB first; a GetRecords still reading when that happens
        // throws from inside kinesalite ("cannot call iterator() before open()"), uncaught. So cut the
        // clients off, let reads already under way finish, and only then close.
        server.closeAllConnections();
        await new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS));
        await new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
          // Idle keep-alive sockets of SDK clients would otherwise hold the server open.
          server.closeAllConnections();
        });
      })();
      return stopped;
    },
  };
}
