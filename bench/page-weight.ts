/**
 * `npm run bench:page [-- --runs N]`: what the incident page costs a reader, on the demo incident.
 *
 * - Weight: every response the browser receives for `/incidents/<demo id>` (HTML, script,
 *   stylesheet, icon, API JSON), as transferred (the server gzips what is worth it) and decoded.
 * - Time to first render: navigation start → the timeline SVG drawn (the client's
 *   `timeline-rendered` performance mark), in a fresh browser context each run (cold cache), and
 *   again on reloads of one context (warm cache: the static files answer 304).
 *
 * Against the product as run locally: DynamoDB Local, kinesalite, the demo replayed, and
 * `incidents serve` on a free port, in a temporary directory; headless Debian Chromium.
 */

import type { BrowserContext, Page, Response } from 'playwright-core';
import { launchChromium } from '../test/web/browser.ts';
import { startDemoPage } from '../test/web/demo-page.ts';

interface ResourceWeight {
  readonly path: string;
  readonly kind: 'HTML' | 'JS' | 'CSS' | 'JSON' | 'other';
  readonly transferred: number;
  readonly decoded: number;
  readonly encoding: string;
}

interface RenderTiming {
  readonly responseEnd: number;
  /** The incident's JSON, request start to response end: mostly the table's Query. */
  readonly apiFetch: number;
  readonly firstContentfulPaint: number | undefined;
  readonly domContentLoaded: number;
  readonly timelineRendered: number;
}

function runsOption(argv: readonly string[]): number {
  const index = argv.indexOf('--runs');
  const value = index === -1 ? 10 : Number(argv[index + 1]);
  if (!Number.isInteger(value) || value < 1 || value > 200) throw new Error('--runs must be 1 to 200');
  return value;
}

function kindOf(contentType: string): ResourceWeight['kind'] {
  if (contentType.startsWith('text/html')) return 'HTML';
  if (contentType.startsWith('text/javascript')) return 'JS';
  if (contentType.startsWith('text/css')) return 'CSS';
  if (contentType.startsWith('application/json')) return 'JSON';
  return 'other';
}

async function weightOf(response: Response): Promise<ResourceWeight> {
  const headers = await response.allHeaders();
  const sizes = await response.request().sizes();
  return {
    path: new URL(response.url()).pathname,
    kind: kindOf(headers['content-type'] ?? ''),
    transferred: sizes.responseBodySize,
    decoded: (await response.body()).length,
    encoding: headers['content-encoding'] ?? 'identity',
  };
}

/** Loads the page once and waits for the chart; the live event stream never ends, so it is left out. */
async function loadIncidentPage(page: Page, url: string): Promise<ResourceWeight[]> {
  const responses: Response[] = [];
  page.on('response', (response) => {
    if (!response.url().endsWith('/api/events')) responses.push(response);
  });
  await page.goto(url);
  await page.locator('[data-testid=timeline-chart]').waitFor();
  await page.waitForLoadState('load');
  return Promise.all(responses.map(weightOf));
}

async function renderTiming(page: Page): Promise<RenderTiming> {
  await page.locator('[data-testid=timeline-chart]').waitFor();
  await page.waitForFunction(() => performance.getEntriesByName('timeline-rendered').length > 0);
  return page.evaluate(() => {
    const [navigation] = performance.getEntriesByType('navigation');
    const timing = navigation instanceof PerformanceNavigationTiming ? navigation : undefined;
    const api = performance
      .getEntriesByType('resource')
      .find((entry) => new URL(entry.name).pathname.startsWith('/api/incidents/'));
    return {
      responseEnd: timing?.responseEnd ?? Number.NaN,
      apiFetch: api instanceof PerformanceResourceTiming ? api.responseEnd - api.startTime : Number.NaN,
      domContentLoaded: timing?.domContentLoadedEventEnd ?? Number.NaN,
      firstContentfulPaint: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
      timelineRendered: performance.getEntriesByName('timeline-rendered')[0]?.startTime ?? Number.NaN,
    };
  });
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};
const ms = (value: number) => `${value.toFixed(1)} ms`.padStart(10);
const bytes = (value: number) => `${value.toLocaleString('en-US')} B`.padStart(10);

function timingRow(
  label: string,
  timings: readonly RenderTiming[],
  pick: (t: RenderTiming) => number | undefined,
) {
  const values = timings.map(pick).filter((v): v is number => v !== undefined && Number.isFinite(v));
  if (values.length === 0) return `  ${label.padEnd(38)} (not reported)`;
  return `  ${label.padEnd(38)}${ms(median(values))}${ms(Math.min(...values))}${ms(Math.max(...values))}`;
}

function timingTable(title: string, timings: readonly RenderTiming[]): string {
  return [
    `${title} (${timings.length} runs)\n  ${''.padEnd(38)}${'median'.padStart(10)}${'min'.padStart(10)}${'max'.padStart(10)}`,
    timingRow('navigation → response end', timings, (t) => t.responseEnd),
    timingRow('navigation → first contentful paint', timings, (t) => t.firstContentfulPaint),
    timingRow('navigation → DOM content loaded', timings, (t) => t.domContentLoaded),
    timingRow('navigation → timeline SVG drawn', timings, (t) => t.timelineRendered),
    timingRow('  of which: incident JSON fetch', timings, (t) => t.apiFetch),
  ].join('\n');
}

async function main(): Promise<void> {
  const runs = runsOption(process.argv.slice(2));
  // As bin/incidents.js does: the SDK's notice about its future Node 22 requirement is not a result.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  process.stderr.write('bench:page: starting the local app, replaying the demo, serving the page …\n');
  const demo = await startDemoPage('bench-page');
  const chromium = await launchChromium().catch(async (error: unknown) => {
    await demo.stop();
    throw error;
  });
  const contexts: BrowserContext[] = [];
  try {
    const url = `${demo.url}incidents/${demo.incidentId}`;
    const fresh = async () => {
      const context = await chromium.newContext({ width: 1280, height: 800 });
      contexts.push(context);
      return context.newPage();
    };

    const weights = await loadIncidentPage(await fresh(), url);
    const cold: RenderTiming[] = [];
    for (let run = 0; run < runs; run++) {
      const page = await fresh();
      await page.goto(url);
      cold.push(await renderTiming(page));
      await page.context().close();
    }
    const warm: RenderTiming[] = [];
    const page = await fresh();
    await page.goto(url);
    for (let run = 0; run < runs; run++) {
      await page.reload();
      warm.push(await renderTiming(page));
    }

    const lines = [
      `Incident page weight: ${url.replace(demo.url, '/')} (demo incident, 5 runs, 3 alarms, 3 API calls)`,
      `  ${'resource'.padEnd(44)}${'kind'.padEnd(7)}${'encoding'.padEnd(10)}${'transferred'.padStart(12)}${'decoded'.padStart(11)}`,
      ...weights.map(
        (w) =>
          `  ${w.path.slice(0, 43).padEnd(44)}${w.kind.padEnd(7)}${w.encoding.padEnd(10)}${bytes(w.transferred).padStart(12)}${bytes(w.decoded).padStart(11)}`,
      ),
    ];
    const counted = weights.filter((w) => w.kind !== 'other');
    const sum = (pick: (w: ResourceWeight) => number, list: readonly ResourceWeight[]) =>
      list.reduce((total, w) => total + pick(w), 0);
    lines.push(
      `  ${'HTML + JS + CSS + API JSON'.padEnd(61)}${bytes(sum((w) => w.transferred, counted)).padStart(12)}${bytes(sum((w) => w.decoded, counted)).padStart(11)}`,
      `  ${'everything (with the icon)'.padEnd(61)}${bytes(sum((w) => w.transferred, weights)).padStart(12)}${bytes(sum((w) => w.decoded, weights)).padStart(11)}`,
      '',
      timingTable('Time to first render, cold cache', cold),
      '',
      timingTable('Time to first render, warm cache', warm),
      '',
      `Headless Chromium ${chromium.browser.version()}, loopback, local stack; times from the page's own performance entries.`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    for (const context of contexts) await context.close().catch(() => undefined);
    await chromium.close();
    await demo.stop();
  }
}

await main();
