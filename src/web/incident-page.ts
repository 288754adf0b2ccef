import type { Logger } from 'pino';
import type { IncidentReader } from './api.ts';
import { loadPageAssets } from './assets.ts';
import { type StoppableChangeFeed, startIncidentChangeFeed, type TableStream } from './change-feed.ts';
import { createLiveHub } from './live.ts';
import { startWebServer } from './server.ts';

/** The incident page as one thing to start and stop: assets, live feed, hub and server. */

export interface IncidentPageOptions {
  readonly queries: IncidentReader;
  /** The table's stream, for live updates; without it (or if it cannot be read) the page polls. */
  readonly stream?: TableStream;
  readonly host: string;
  readonly port: number;
  readonly portFallback?: boolean;
  readonly logger: Logger;
}

export interface IncidentPage {
  readonly url: string;
  /** False when changes could not be followed: the page then polls. */
  readonly live: boolean;
  stop(): Promise<void>;
}

export async function startIncidentPage(options: IncidentPageOptions): Promise<IncidentPage> {
  const assets = await loadPageAssets();
  const feed = options.stream === undefined ? undefined : await followStream(options.stream, options.logger);
  const live = feed === undefined ? undefined : createLiveHub({ feed, logger: options.logger });
  try {
    const server = await startWebServer({
      assets,
      queries: options.queries,
      ...(live === undefined ? {} : { live }),
      host: options.host,
      port: options.port,
      portFallback: options.portFallback ?? false,
      logger: options.logger,
    });
    return {
      url: server.url,
      live: feed !== undefined,
      stop: async () => {
        await server.close();
        await feed?.stop();
      },
    };
  } catch (error) {
    live?.close();
    await feed?.stop();
    throw error;
  }
}

/** A stream the caller may not read (permissions, no stream on the table) costs liveness, not the page. */
async function followStream(stream: TableStream, logger: Logger): Promise<StoppableChangeFeed | undefined> {
  try {
    return await startIncidentChangeFeed(stream, logger);
  } catch (error) {
    logger.warn(
      { err: error },
      'incident page: cannot follow the table stream; the page will poll instead of updating live',
    );
    return undefined;
  }
}
