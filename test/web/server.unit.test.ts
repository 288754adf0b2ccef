import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { IncidentChange } from '../../src/adapters/dynamodb/incident-change.ts';
import type { ListIncidentsFilter } from '../../src/adapters/dynamodb/incident-queries.ts';
import { ConfigurationError } from '../../src/errors.ts';
import type { IncidentReader } from '../../src/web/api.ts';
import {
  changeMessageSchema,
  incidentDetailResponseSchema,
  incidentListResponseSchema,
} from '../../src/web/api-schema.ts';
import { loadPageAssets } from '../../src/web/assets.ts';
import type { ChangeFeed } from '../../src/web/change-feed.ts';
import { createLiveHub, type LiveHub } from '../../src/web/live.ts';
import { CONTENT_SECURITY_POLICY, hostAllowed } from '../../src/web/security.ts';
import { startWebServer, type WebServer } from '../../src/web/server.ts';
import { testLogger } from '../local/helpers.ts';
import { demoIncidentDetail } from './demo-incident.ts';

interface Reply {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

const NOW = Date.parse('2026-11-21T12:00:00.000Z');
const STATE_MACHINE = 'arn:aws:states:us-east-1:111122223333:stateMachine:checkout';

/** The page's server over node:http, with the query library and the change feed faked. */
describe('the incident page server', () => {
  const detail = demoIncidentDetail();
  const listCalls: ListIncidentsFilter[] = [];
  const listeners = new Set<(change: IncidentChange) => void>();
  const feed: ChangeFeed = {
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  let failure: Error | undefined;
  const queries: IncidentReader = {
    listIncidents: async (filter = {}) => {
      if (failure !== undefined) throw failure;
      listCalls.push(filter);
      return [await detail];
    },
    getIncident: async (id) => {
      const incident = await detail;
      return id === incident.id ? incident : undefined;
    },
  };
  let server: WebServer;
  let live: LiveHub;

  const request = (path: string, options: { method?: string; headers?: Record<string, string> } = {}) =>
    new Promise<Reply>((resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: server.port,
          path,
          method: options.method ?? 'GET',
          headers: options.headers,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    });
  const json = (reply: Reply): unknown => JSON.parse(reply.body.toString('utf8'));

  beforeAll(async () => {
    live = createLiveHub({ feed, logger: testLogger(), heartbeatMs: 60_000 });
    server = await startWebServer({
      assets: await loadPageAssets(),
      queries,
      live,
      host: '127.0.0.1',
      port: 0,
      logger: testLogger(),
      clock: () => NOW,
    });
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(() => {
    listCalls.length = 0;
    failure = undefined;
  });

  it('serves the same shell for the list and an incident, with a strict policy and no inline script', async () => {
    for (const path of ['/', `/incidents/${(await detail).id}`]) {
      const reply = await request(path);
      expect(reply.status).toBe(200);
      expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(reply.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
      expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-inline');
      expect(reply.headers['x-content-type-options']).toBe('nosniff');
      expect(reply.headers['referrer-policy']).toBe('no-referrer');
      expect(reply.headers['x-frame-options']).toBe('DENY');
      const html = reply.body.toString('utf8');
      expect(html).toContain('<script type="module" src="/static/app.js"></script>');
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
      expect(html).not.toMatch(/\sstyle=|\son[a-z]+=/i);
    }
  });

  it('serves the client, stylesheet and icon with their types, revalidation and compression', async () => {
    const script = await request('/static/app.js', { headers: { 'accept-encoding': 'gzip, br' } });
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(script.body).toString('utf8')).toContain('/api/incidents');
    const etag = script.headers.etag ?? '';
    expect(etag).toMatch(/^"[\w-]{22}"$/);
    expect((await request('/static/app.js', { headers: { 'if-none-match': etag } })).status).toBe(304);

    const style = await request('/static/style.css');
    expect(style.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(style.headers['content-encoding']).toBeUndefined();
    expect(style.body.toString('utf8')).toContain('prefers-reduced-motion');
    expect((await request('/static/favicon.svg')).headers['content-type']).toBe('image/svg+xml');
  });

  it('is read-only: every method but GET and HEAD gets 405', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const reply = await request('/api/incidents', { method });
      expect([method, reply.status, reply.headers.allow]).toEqual([method, 405, 'GET, HEAD']);
    }
    const head = await request('/api/incidents', { method: 'HEAD' });
    expect([head.status, head.body.length]).toEqual([200, 0]);
  });

  it('lists incidents as summaries, passing on the parsed filter', async () => {
    const reply = await request(
      `/api/incidents?status=open&stateMachine=${encodeURIComponent(STATE_MACHINE)}&since=6h&limit=10`,
    );
    expect(reply.status).toBe(200);
    expect(reply.headers['cache-control']).toBe('no-store');
    expect(listCalls).toEqual([
      { status: 'OPEN', stateMachineArn: STATE_MACHINE, since: '2026-11-21T06:00:00.000Z', limit: 10 },
    ]);
    const body = incidentListResponseSchema.parse(json(reply));
    expect(body.live).toBe(true);
    expect(body.generatedAt).toBe('2026-11-21T12:00:00.000Z');
    expect(body.incidents).toEqual([
      {
        id: (await detail).id,
        title:
          'checkout: 3 of 5 runs failed (60%); 0% in the hour before (PaymentGatewayTimeout, States.Timeout)',
        stateMachineArn: STATE_MACHINE,
        status: 'RESOLVED',
        severity: 'SEV2',
        openedAt: '2026-11-20T08:58:30.000Z',
        lastSignalAt: '2026-11-20T09:20:00.000Z',
        resolvedAt: '2026-11-20T09:22:00.000Z',
        flapCount: 0,
        failedExecutions: 3,
        linkedAlarms: 3,
        alarmsFiring: 0,
        topHint: 'Definition updated by alice@example.com 20 min before the first failure',
        updatedAt: '2026-11-21T12:00:00.000Z',
        version: 1,
      },
    ]);
  });

  it('refuses unknown, repeated and out-of-bounds parameters before querying', async () => {
    const cases: [string, string][] = [
      ['?limit=0', 'limit must be a whole number from 1 to 200'],
      ['?limit=201', 'limit must be a whole number from 1 to 200'],
      ['?limit=1e2', 'limit must be a whole number from 1 to 200'],
      ['?status=BROKEN', 'status must be one of OPEN, RESOLVED, SUPERSEDED'],
      ['?status=OPEN&status=RESOLVED', 'parameter "status" is given more than once'],
      [
        '?stateMachine=checkout',
        'stateMachine must be a state machine ARN (arn:aws:states:…:stateMachine:name)',
      ],
      [
        `?stateMachine=arn:aws:states:us-east-1:111122223333:stateMachine:${'x'.repeat(2100)}`,
        'stateMachine must be a state machine ARN (arn:aws:states:…:stateMachine:name)',
      ],
      ['?since=yesterday', 'since must be an ISO time or a duration like 30m, 6h, 7d'],
      ['?since=99999d', 'since must be an ISO time or a duration like 30m, 6h, 7d'],
      ['?table=other', 'unknown parameter "table"'],
    ];
    for (const [query, error] of cases) {
      const reply = await request(`/api/incidents${query}`);
      expect([query.slice(0, 50), reply.status, json(reply)]).toEqual([query.slice(0, 50), 400, { error }]);
    }
    expect(listCalls).toEqual([]);
    expect((await request(`/api/incidents?since=${'1'.repeat(5000)}`)).status).toBe(414);
  });

  it('returns one incident with its timeline, and 404 for ids it does not know', async () => {
    const { id } = await detail;
    const reply = await request(`/api/incidents/${id}`);
    expect(reply.status).toBe(200);
    const body = incidentDetailResponseSchema.parse(json(reply));
    expect(body.incident.executions.map((e) => `${e.name} ${e.status}`)).toEqual([
      'run-102 FAILED',
      'run-103 FAILED',
      'run-104 ABORTED',
      'run-105 TIMED_OUT',
    ]);
    expect(body.incident.timeline).toHaveLength(15);
    expect(Object.keys(json(reply) as object)).toEqual(['incident', 'live']);
    expect(Object.keys((json(reply) as { incident: object }).incident)).not.toContain('scopeVersion');

    for (const path of ['/api/incidents/inc-unknown', '/api/incidents/%E0%A4%A', '/api/incidents/a%2Fb']) {
      const missing = await request(path);
      expect([path, missing.status, missing.headers['content-type']]).toEqual([
        path,
        404,
        'application/json; charset=utf-8',
      ]);
    }
    expect((await request('/incidents/..%2F..%2Fetc')).status).toBe(404);
    expect((await request('/static/../package.json')).status).toBe(404);
    expect((await request('/nowhere')).status).toBe(404);
  });

  it('answers only requests addressed to loopback while bound to loopback', async () => {
    const evil = await request('/api/incidents', { headers: { host: `rebound.example:${server.port}` } });
    expect(evil.status).toBe(421);
    expect(listCalls).toEqual([]);
    expect((await request('/', { headers: { host: `localhost:${server.port}` } })).status).toBe(200);
    expect(hostAllowed('127.0.0.1', 4280, '127.0.0.1:4280')).toBe(true);
    expect(hostAllowed('127.0.0.1', 4280, '[::1]:4280')).toBe(true);
    expect(hostAllowed('127.0.0.1', 4280, '127.0.0.1:4281')).toBe(false);
    expect(hostAllowed('127.0.0.1', 4280, undefined)).toBe(false);
    expect(hostAllowed('0.0.0.0', 4280, 'incidents.internal:4280')).toBe(true);
  });

  it('moves to a free port when a default port is taken, and fails on a port asked for', async () => {
    const options = { assets: await loadPageAssets(), queries, host: '127.0.0.1', logger: testLogger() };
    const moved = await startWebServer({ ...options, port: server.port, portFallback: true });
    try {
      expect(moved.port).not.toBe(server.port);
      expect(moved.url).toBe(`http://127.0.0.1:${moved.port}/`);
    } finally {
      await moved.close();
    }
    await expect(startWebServer({ ...options, port: server.port })).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });

  it('says what is wrong with the store, and keeps other failures in its log', async () => {
    failure = new ConfigurationError('Table t does not exist: deploy first or start the local stack');
    const store = await request('/api/incidents');
    expect([store.status, json(store)]).toEqual([
      503,
      { error: 'Table t does not exist: deploy first or start the local stack' },
    ]);
    failure = new Error('secret internals at line 42');
    const other = await request('/api/incidents');
    expect([other.status, json(other)]).toEqual([500, { error: "internal error; see the server's log" }]);
  });

  it('streams incident changes as server-sent events', async () => {
    const incident = await detail;
    const received: string[] = [];
    const controller = new AbortController();
    const response = await fetch(`http://127.0.0.1:${server.port}/api/events`, { signal: controller.signal });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = response.body?.getReader();
    if (reader === undefined) throw new Error('no event stream body');
    const decoder = new TextDecoder();
    const readUntil = async (pattern: RegExp): Promise<RegExpExecArray> => {
      for (;;) {
        const match = pattern.exec(received.join(''));
        if (match !== null) return match;
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}`);
        received.push(decoder.decode(value, { stream: true }));
      }
    };
    await readUntil(/event: ready\ndata: \{"live":true\}\n\n/);
    expect(live.clientCount).toBe(1);

    for (const listener of listeners) listener({ kind: 'escalated', incident, previousSeverity: 'SEV3' });
    const [, data] = await readUntil(/event: change\ndata: (.*)\n\n/);
    const message = changeMessageSchema.parse(JSON.parse(data ?? 'null'));
    expect([message.kind, message.incident.id, message.incident.failedExecutions]).toEqual([
      'escalated',
      incident.id,
      3,
    ]);

    controller.abort();
    await reader.cancel().catch(() => undefined);
    for (let waited = 0; live.clientCount > 0 && waited < 5_000; waited += 20) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(live.clientCount).toBe(0);
  });
});
