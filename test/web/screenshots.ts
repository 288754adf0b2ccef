/**
 * Takes the README's screenshots of the incident page (1280×800, light scheme):
 *   npx tsx test/web/screenshots.ts            → docs/incident-list.png, docs/incident-page.png
 * The demo is replayed on a local app in a temporary directory; a second, ongoing outage is sent
 * so the list shows an open incident next to the resolved demo one.
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.ts';
import { executionEvent } from '../../src/workloads/events.ts';
import { captureIo } from '../cli/capture-io.ts';
import { launchChromium } from './browser.ts';
import { startDemoPage } from './demo-page.ts';

const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));
const ORDERS = 'arn:aws:states:eu-west-1:111122223333:stateMachine:orders-fulfilment';

/** Two runs of another state machine failing in the last half hour: an incident still open. */
function ongoingOutage(now: number): string {
  const run = (name: string, minutesAgo: number, error: string, cause: string) =>
    executionEvent({
      id: `screenshot-${name}`,
      status: 'FAILED',
      region: 'eu-west-1',
      account: '111122223333',
      stateMachineArn: ORDERS,
      executionArn: `arn:aws:states:eu-west-1:111122223333:execution:orders-fulfilment:${name}`,
      time: new Date(now - minutesAgo * 60_000).toISOString(),
      startDate: now - minutesAgo * 60_000 - 45_000,
      stopDate: now - minutesAgo * 60_000,
      error,
      cause,
    });
  return [
    run('ord-7731', 24, 'Lambda.ServiceException', 'Rate exceeded calling inventory-reserve'),
    run('ord-7735', 11, 'Lambda.ServiceException', 'Rate exceeded calling inventory-reserve'),
  ]
    .map((event) => JSON.stringify(event))
    .join('\n');
}

async function takeScreenshots(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const demo = await startDemoPage('screenshots');
  try {
    const file = path.join(demo.dataDir, '..', 'ongoing.ndjson');
    writeFileSync(file, ongoingOutage(Date.now()));
    if ((await main(['send', file, '--data-dir', demo.dataDir], captureIo())) !== 0) {
      throw new Error('sending the ongoing outage failed');
    }
    await demo.app.stack.whenIdle({ timeoutMs: 30_000 });

    const chromium = await launchChromium();
    try {
      const context = await chromium.newContext({ width: 1280, height: 800 });
      const page = await context.newPage();
      mkdirSync(DOCS, { recursive: true });

      await page.goto(demo.url);
      await page.locator('[data-testid=incident-row]').nth(1).waitFor();
      await page.locator('[data-testid=live-indicator][data-state=live]').waitFor();
      await page.screenshot({ path: path.join(DOCS, 'incident-list.png') });

      await page.goto(`${demo.url}incidents/${demo.incidentId}`);
      await page.locator('[data-testid=timeline-chart]').waitFor();
      await page.locator('[data-testid=live-indicator][data-state=live]').waitFor();
      await page.screenshot({ path: path.join(DOCS, 'incident-page.png') });
      await context.close();
    } finally {
      await chromium.close();
    }
    process.stdout.write(
      `Wrote ${path.join(DOCS, 'incident-list.png')} and ${path.join(DOCS, 'incident-page.png')}\n`,
    );
  } finally {
    await demo.stop();
  }
}

await takeScreenshots();
