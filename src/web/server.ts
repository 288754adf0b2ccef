import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { ConfigurationError, TransientStoreError } from '../errors.ts';
import { type ApiContext, apiResponse, type IncidentReader } from './api.ts';
import type { Asset, PageAssets } from './assets.ts';
import { gzipped } from './assets.ts';
import { INCIDENT_ID_PATTERN, MAX_URL_CHARS } from './constants.ts';
import { HttpError, notFound } from './http-error.ts';
import type { LiveHub } from './live.ts';
import { hostAllowed, SECURITY_HEADERS } from './security.ts';

/**
 * The incident page's HTTP server (node:http, nothing else): the HTML shell for `/` and
 * `/incidents/<id>`, the page's static files, the JSON API and the live events. Read-only: any
 * method but GET (and HEAD, its bodiless twin) is refused with 405.
 */

export interface WebServerOptions {
  readonly assets: PageAssets;
  readonly queries: IncidentReader;
  /** Without it there are no live events and the page polls. */
  readonly live?: LiveHub;
  readonly host: string;
  /** 0 for any free port. */
  readonly port: number;
  /** When the port is taken, listen on a free one instead of failing (for a default port). */
  readonly portFallback?: boolean;
  readonly logger: Logger;
  readonly clock?: () => number;
}

export interface WebServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const SHELL_PATH = /^\/(?:incidents\/([^/]+))?$/;
const ALLOWED_METHODS = 'GET, HEAD';

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const context: ApiContext = {
    queries: options.queries,
    live: options.live !== undefined,
    clock: options.clock ?? Date.now,
  };
  let port = options.port;
  const server = createServer((request, response) => {
    handle(request, response, options, context, port).catch((error: unknown) =>
      fail(request, response, error, options.logger),
    );
  });
  // Slow or idle clients must not hold sockets; live responses are unaffected (these bound requests).
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  port = await listen(server, options.port, options.host).catch(async (error: unknown) => {
    if (!options.portFallback || !isAddressInUse(error)) throw error;
    options.logger.info({ port: options.port }, 'incident page: port taken, using a free one');
    return listen(server, 0, options.host);
  });
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        options.live?.close();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        server.closeAllConnections();
      }),
  };
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  options: WebServerOptions,
  context: ApiContext,
  port: number,
): Promise<void> {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    throw new HttpError(405, 'this page is read-only: only GET is allowed', { Allow: ALLOWED_METHODS });
  }
  if (!hostAllowed(options.host, port, request.headers.host)) {
    throw new HttpError(421, 'this server answers requests for its loopback address only');
  }
  const target = request.url ?? '/';
  if (target.length > MAX_URL_CHARS) throw new HttpError(414, 'request target too long');
  // The base only lets URL parse the origin-form target; the Host header is never used for routing.
  const url = new URL(target, 'http://incident-page.invalid');

  const shell = SHELL_PATH.exec(url.pathname);
  if (shell !== null) {
    const id = shell[1];
    if (id !== undefined && !INCIDENT_ID_PATTERN.test(id)) throw notFound('no such incident');
    return sendAsset(request, response, options.assets.shell);
  }
  const file = options.assets.files.get(url.pathname);
  if (file !== undefined) return sendAsset(request, response, file);
  if (url.pathname === '/api/events') {
    if (options.live === undefined) throw notFound('live updates are not available; the page polls');
    options.live.accept(response);
    return;
  }
  const body = await apiResponse(url, context);
  if (body === undefined) throw notFound();
  sendJson(request, response, 200, body);
}

function sendAsset(request: IncomingMessage, response: ServerResponse, asset: Asset): void {
  response.setHeader('ETag', asset.etag);
  // Revalidated on every load (a cheap 304): a restarted server may serve a different client.
  response.setHeader('Cache-Control', 'no-cache');
  if (request.headers['if-none-match'] === asset.etag) {
    response.writeHead(304).end();
    return;
  }
  send(request, response, 200, asset.contentType, asset.body, asset.gzip);
}

function sendJson(request: IncomingMessage, response: ServerResponse, status: number, body: unknown): void {
  const bytes = Buffer.from(JSON.stringify(body));
  response.setHeader('Cache-Control', 'no-store');
  send(request, response, status, 'application/json; charset=utf-8', bytes, gzipped(bytes));
}

function send(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  contentType: string,
  body: Buffer,
  gzip: Buffer | undefined,
): void {
  const useGzip = gzip !== undefined && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  const payload = useGzip ? gzip : body;
  response.setHeader('Vary', 'Accept-Encoding');
  if (useGzip) response.setHeader('Content-Encoding', 'gzip');
  response.writeHead(status, { 'Content-Type': contentType, 'Content-Length': payload.length });
  response.end(request.method === 'HEAD' ? undefined : payload);
}

function fail(request: IncomingMessage, response: ServerResponse, error: unknown, logger: Logger): void {
  const refusal = asHttpError(error);
  if (refusal.status >= 500) logger.error({ err: error, url: request.url }, 'incident page: request failed');
  if (response.headersSent) {
    response.destroy();
    return;
  }
  for (const [name, value] of Object.entries(refusal.headers)) response.setHeader(name, value);
  if ((request.url ?? '').startsWith('/api/')) {
    sendJson(request, response, refusal.status, { error: refusal.message });
    return;
  }
  response.setHeader('Cache-Control', 'no-store');
  send(
    request,
    response,
    refusal.status,
    'text/plain; charset=utf-8',
    Buffer.from(`${refusal.message}\n`),
    undefined,
  );
}

/** Store failures say what to do (start the stack, check the table); anything else stays in the log. */
function asHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  if (error instanceof ConfigurationError || error instanceof TransientStoreError) {
    return new HttpError(503, error.message);
  }
  return new HttpError(500, "internal error; see the server's log");
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      const address = server.address();
      if (typeof address === 'object' && address !== null) resolve(address.port);
      else reject(new Error(`the incident page got no port on ${host}`));
    });
  });
}

function isAddressInUse(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'EADDRINUSE';
}
