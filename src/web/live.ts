import type { ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { IncidentChange } from '../adapters/dynamodb/incident-change.ts';
import type { ChangeMessage } from './api-schema.ts';
import type { ChangeFeed } from './change-feed.ts';
import { HttpError } from './http-error.ts';
import { summaryOf } from './incident-views.ts';

/**
 * Server-sent events for the page: one subscription to the change feed, fanned out to every open
 * page. Each connection first gets `ready` (the page then reloads its data, which covers anything
 * missed while it was disconnected), then one `change` per incident change, and a comment line now
 * and then so proxies and the browser see the connection is alive.
 */

export interface LiveHubOptions {
  readonly feed: ChangeFeed;
  readonly logger: Logger;
  /** More open pages than this get 503: each holds a socket. Default 64. */
  readonly maxClients?: number;
  /** Default 15 s. */
  readonly heartbeatMs?: number;
}

export interface LiveHub {
  /** Takes over the response until the page goes away or the hub closes. */
  accept(response: ServerResponse): void;
  readonly clientCount: number;
  close(): void;
}

/** A page that stops reading (a frozen tab) is dropped rather than buffered without end. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
/** How long EventSource waits before reconnecting. */
const RETRY_MS = 3_000;

export function createLiveHub(options: LiveHubOptions): LiveHub {
  const maxClients = options.maxClients ?? 64;
  const clients = new Set<ServerResponse>();

  const send = (response: ServerResponse, frame: string) => {
    if (response.writableLength > MAX_BUFFERED_BYTES) {
      options.logger.warn('incident page: a live client stopped reading; closing its connection');
      response.destroy();
      return;
    }
    response.write(frame);
  };

  const broadcast = (frame: string) => {
    for (const response of clients) send(response, frame);
  };

  const unsubscribe = options.feed.subscribe((change) => broadcast(changeFrame(change)));
  const heartbeat = setInterval(() => broadcast(': ping\n\n'), options.heartbeatMs ?? 15_000);
  heartbeat.unref();

  return {
    accept: (response) => {
      if (clients.size >= maxClients) {
        throw new HttpError(503, 'too many live connections; reload later', { 'Retry-After': '30' });
      }
      response.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        // Tells buffering reverse proxies to pass events through as they come.
        'X-Accel-Buffering': 'no',
      });
      clients.add(response);
      response.on('close', () => clients.delete(response));
      send(response, `retry: ${RETRY_MS}\nevent: ready\ndata: {"live":true}\n\n`);
    },
    get clientCount() {
      return clients.size;
    },
    close: () => {
      clearInterval(heartbeat);
      unsubscribe();
      for (const response of clients) response.end();
      clients.clear();
    },
  };
}

/** JSON never contains a raw newline, so one `data:` line carries the whole message. */
export function changeFrame(change: IncidentChange): string {
  const message: ChangeMessage = { kind: change.kind, incident: summaryOf(change.incident) };
  return `event: change\ndata: ${JSON.stringify(message)}\n\n`;
}
