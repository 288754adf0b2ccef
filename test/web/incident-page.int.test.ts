import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import {
  alarmState,
  alarmStateEvent,
  executionEvent,
  metric,
  metricAlarmConfiguration,
} from '../../src/workloads/events.ts';
import { captureIo } from '../cli/capture-io.ts';
import { launchChromium, type TestBrowser } from './browser.ts';
import { type DemoPage, startDemoPage } from './demo-page.ts';

const STATE_MACHINE = 'arn:aws:states:us-east-1:111122223333:stateMachine:checkout';
const CAUSE = '<img src=x onerror=alert(1)>';
const ERROR = '<b onmouseover=alert(2)>Boom</b>';
const ALARM = '<svg onload=alert(3)>';

/**
 * The incident page in headless Chromium, against the product as an operator runs it: the local
 * app (DynamoDB Local, kinesalite, consumer, table stream) with the demo replayed, and
 * `incidents serve` on a free port.
 */
describe('the incident page in a browser', () => {
  let demo: DemoPage;
  let chromium: TestBrowser;

  beforeAll(async () => {
    demo = await startDemoPage('incident-page');
    chromium = await launchChromium();
  });
  afterAll(async () => {
    await chromium?.close();
    await demo?.stop();
  });

  /** A fresh page; fails the test on any script error, console error (CSP refusals are) or dialog. */
  async function withPage(
    run: (page: Page) => Promise<void>,
    options: { width?: number; height?: number; reducedMotion?: 'reduce' | 'no-preference' } = {},
  ): Promise<void> {
    const context = await chromium.browser.newContext({
      viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
      reducedMotion: options.reducedMotion ?? 'no-preference',
    });
    const problems: string[] = [];
    try {
      const page = await context.newPage();
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(`console: ${message.text()}`);
      });
      page.on('dialog', (dialog) => {
        problems.push(`dialog: ${dialog.message()}`);
        void dialog.dismiss();
      });
      await run(page);
    } finally {
      await context.close();
    }
    expect(problems).toEqual([]);
  }

  const texts = (page: Page, selector: string) =>
    page.locator(selector).evaluateAll((elements) => elements.map((e) => e.textContent?.trim() ?? ''));
  const attributes = (page: Page, selector: string, name: string) =>
    page.locator(selector).evaluateAll((elements, n) => elements.map((e) => e.getAttribute(n) ?? ''), name);

  it('lists the demo incident with its severity, status, counts and top hint, and says it is live', async () => {
    await withPage(async (page) => {
      const response = await page.goto(demo.url);
      expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
      expect(response?.headers()['x-content-type-options']).toBe('nosniff');
      expect(response?.headers()['referrer-policy']).toBe('no-referrer');

      const row = page.locator(`[data-testid=incident-row][data-incident-id="${demo.incidentId}"]`);
      await row.waitFor();
      expect(await texts(page, '[data-testid=incident-row] [data-testid=severity]')).toEqual(['SEV2']);
      expect(await row.locator('[data-testid=status]').textContent()).toBe('RESOLVED');
      expect(await row.locator('[data-testid=incident-link]').textContent()).toBe(
        'checkout: 3 of 5 runs failed (60%); 0% in the hour before (PaymentGatewayTimeout, States.Timeout)',
      );
      expect(await row.locator('[data-testid=failed-count]').textContent()).toBe('3');
      expect(await row.locator('[data-testid=alarm-count]').textContent()).toBe('3');
      expect(await row.locator('[data-testid=top-hint]').textContent()).toBe(
        'Definition updated by alice@example.com 20 min before the first failure',
      );
      expect(await row.locator('time').getAttribute('datetime')).toBe('2026-11-20T08:58:30.000Z');
      expect(await row.locator('time').getAttribute('title')).toMatch(/^Local time: /);
      expect(await row.textContent()).toContain('2026-11-20 08:58 UTC');
      expect(await texts(page, 'thead th')).toEqual([
        'Severity',
        'Incident',
        'Status',
        'Age',
        'Failed runs',
        'Alarms',
        'Top hint',
      ]);
      await page.locator('[data-testid=live-indicator][data-state=live]').waitFor();
      expect(await page.locator('[data-testid=live-indicator]').textContent()).toMatch(
        /^Live · updated \d\d:\d\d:\d\d UTC$/,
      );
      expect(await page.locator('main h1').textContent()).toBe('Incidents');
      expect(await page.locator('header.site-header, main, footer').count()).toBe(3);
    });
  });

  it('filters by status and state machine from labelled controls, and keeps the filter in the address', async () => {
    await withPage(async (page) => {
      await page.goto(demo.url);
      await page.locator('[data-testid=incident-row]').first().waitFor();

      await page.getByLabel('Status').selectOption('OPEN');
      await page.getByText('No incidents match these filters.').waitFor();
      expect(await page.locator('[data-testid=incident-row]').count()).toBe(0);
      expect(new URL(page.url()).search).toBe('?status=OPEN');

      await page.getByLabel('Status').selectOption('RESOLVED');
      await page.locator('[data-testid=incident-row]').first().waitFor();
      await page.getByLabel('State machine').selectOption({ label: 'checkout' });
      await page.waitForURL((url) => url.searchParams.get('stateMachine') === STATE_MACHINE);
      await page.getByText('1 incident, 0 open, newest first').waitFor();
      expect(await attributes(page, '[data-testid=incident-row]', 'data-incident-id')).toEqual([
        demo.incidentId,
      ]);

      // A reload (or a shared link) shows the same filtered view.
      await page.reload();
      await page.locator('[data-testid=incident-row]').first().waitFor();
      expect(await page.getByLabel('Status').inputValue()).toBe('RESOLVED');
      expect(await page.getByLabel('State machine').inputValue()).toBe(STATE_MACHINE);
      expect(await page.getByLabel('Opened').inputValue()).toBe('');
    });
  });

  it('opens an incident from the keyboard, with a visible focus', async () => {
    await withPage(async (page) => {
      await page.goto(demo.url);
      await page.locator('[data-testid=incident-row]').first().waitFor();
      let focused = '';
      for (let presses = 0; presses < 10 && focused !== 'incident-link'; presses++) {
        await page.keyboard.press('Tab');
        focused = await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? '');
      }
      expect(focused).toBe('incident-link');
      const outline = await page.evaluate(() => {
        const element = document.activeElement;
        return element === null
          ? ''
          : `${getComputedStyle(element).outlineStyle} ${getComputedStyle(element).outlineWidth}`;
      });
      expect(outline).toBe('solid 3px');
      await page.keyboard.press('Enter');
      await page.waitForURL(`${demo.url}incidents/${demo.incidentId}`);
      await page.locator('[data-testid=timeline-chart]').waitFor();
    });
  });

  it("draws the demo incident's runs, alarm bands, API calls and open/resolve marks on one axis", async () => {
    const detail = await demo.app.queries.getIncident(demo.incidentId);
    // Failed, aborted and timed-out runs are listed; healthy ones are counted (traffic summary).
    expect(detail?.executions).toHaveLength(4);
    await withPage(async (page) => {
      await page.goto(`${demo.url}incidents/${demo.incidentId}`);
      await page.locator('[data-testid=timeline-chart]').waitFor();

      expect(await page.locator('[data-testid=execution-bar]').count()).toBe(detail?.executions.length);
      expect(await attributes(page, '[data-testid=execution-bar]', 'data-status')).toEqual([
        'FAILED',
        'FAILED',
        'ABORTED',
        'TIMED_OUT',
      ]);
      expect(await attributes(page, '[data-testid=execution-bar]', 'class')).toEqual([
        'bar tone-failed',
        'bar tone-failed',
        'bar tone-aborted',
        'bar tone-failed',
      ]);
      const bars = await page
        .locator('[data-testid=execution-bar]')
        .evaluateAll((elements) =>
          elements.map((e) => [Number(e.getAttribute('x')), Number(e.getAttribute('width'))] as const),
        );
      // One time axis: runs start left to right in time order, and the aborted run (155 s) is the widest.
      expect(bars.map(([x]) => x)).toEqual([...bars.map(([x]) => x)].sort((a, b) => a - b));
      expect(Math.max(...bars.map(([, width]) => width))).toBe(bars[2]?.[1]);

      expect(await attributes(page, '[data-testid=alarm-lane]', 'data-alarm')).toEqual([
        'checkout-charge-card-errors',
        'checkout-executions-failed',
        'checkout-health',
      ]);
      expect(
        await attributes(
          page,
          '[data-alarm=checkout-charge-card-errors] [data-testid=alarm-segment]',
          'data-state',
        ),
      ).toEqual(['OK', 'ALARM', 'OK']);
      expect(
        await attributes(page, '[data-alarm=checkout-health] [data-testid=alarm-segment]', 'data-suppressed'),
      ).toEqual(['false', 'true', 'false']);
      expect(await page.locator('.suppressed[fill="url(#hatch)"]').count()).toBe(1);

      expect(await page.locator('[data-testid=api-marker]').count()).toBe(3);
      expect(await attributes(page, '[data-testid=api-marker]', 'data-actor')).toEqual([
        'alice@example.com',
        'bob',
        'alice@example.com',
      ]);
      expect(await texts(page, '[data-testid=api-marker] text')).toEqual([
        'alice@example.com · UpdateStateMachine',
        'bob · StopExecution',
        'alice@example.com · UpdateStateMachine',
      ]);
      expect(await attributes(page, '[data-testid=incident-mark]', 'data-kind')).toEqual([
        'opened',
        'resolved',
      ]);
      expect(await page.locator('[data-testid=open-period]').count()).toBe(1);
      expect(await page.locator('[data-testid=execution-bar] title').first().textContent()).toBe(
        'run-102: FAILED\nstarted 08:59:40 UTC\nstopped 09:00:10 UTC\nerror: PaymentGatewayTimeout',
      );
    });
  });

  it('lists hints with their evidence, the runs, the alarms and the API calls, with AWS console links', async () => {
    await withPage(async (page) => {
      await page.goto(`${demo.url}incidents/${demo.incidentId}`);
      await page.locator('[data-testid=hints]').waitFor();
      expect(await page.locator('h1').textContent()).toBe(
        'checkout: 3 of 5 runs failed (60%); 0% in the hour before (PaymentGatewayTimeout, States.Timeout)',
      );
      const fact = (term: string) =>
        page
          .locator('.facts div')
          .filter({ has: page.locator('dt', { hasText: term }) })
          .locator('dd');
      // The demo's traffic: run-101 succeeded an hour before, run-106 succeeded and resolved it.
      expect(await fact('While open').textContent()).toBe('1 started · 1 succeeded · 3 failed');
      expect(await fact('Hour before').textContent()).toBe('0 of 1 finished runs failed');
      expect(await texts(page, 'main h2')).toEqual([
        'Timeline',
        'Hints',
        'Executions (4)',
        'Linked alarms (3)',
        'API calls (3)',
        'Timeline entries',
      ]);

      expect(await texts(page, '[data-testid=hint] .hint-message')).toEqual([
        'Definition updated by alice@example.com 20 min before the first failure',
        'Definition updated by alice@example.com 13 min after the first failure',
        'Execution run-104 stopped by bob',
        'Alarm checkout-charge-card-errors (linked through checkout-charge-card) entered ALARM 2 min before the first failure',
        'Alarm checkout-executions-failed entered ALARM 3 min after the first failure',
        'Actions of alarm checkout-health suppressed by deploy-maintenance-window (Alarm): nobody was paged by it',
        '2 of 3 failed run(s) ended with PaymentGatewayTimeout: {"errorMessage": "charge-card: payment gateway timed out after 10000 ms", "errorType": "PaymentGatewayTimeout"}',
      ]);
      const stopped = page.locator('[data-testid=hint][data-kind=execution-stopped] .evidence a');
      expect(
        await stopped.evaluateAll((links) => links.map((a) => [a.textContent, a.getAttribute('href')])),
      ).toEqual([
        ['StopExecution by bob at 2026-11-20 09:04:05 UTC', '#call-1'],
        ['Execution run-104 ABORTED at 2026-11-20 09:04:05 UTC', '#run-2'],
      ]);
      await stopped.first().click();
      expect(new URL(page.url()).hash).toBe('#call-1');
      expect(await page.locator('#call-1').textContent()).toContain('StopExecution');

      const runs = page.locator('[data-testid=execution-row]');
      expect(await runs.count()).toBe(4);
      expect(await runs.first().locator('[data-testid=execution-error]').textContent()).toBe(
        'PaymentGatewayTimeout',
      );
      expect(await runs.first().textContent()).toContain('30 s');
      expect(await runs.nth(2).textContent()).toContain('2 min 35 s');
      expect(await runs.first().locator('a').getAttribute('href')).toBe(
        `https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/v2/executions/details/${encodeURIComponent('arn:aws:states:us-east-1:111122223333:execution:checkout:run-102')}`,
      );

      expect(await page.locator('.facts a').first().getAttribute('href')).toBe(
        `https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/statemachines/view/${encodeURIComponent(STATE_MACHINE)}`,
      );
      const chargeCard = page.locator('[data-testid=alarm-row]').first();
      expect(
        await chargeCard.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href'))),
      ).toEqual([
        'https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#alarmsV2:alarm/checkout-charge-card-errors',
        'https://us-east-1.console.aws.amazon.com/lambda/home?region=us-east-1#/functions/checkout-charge-card',
      ]);
      expect(await page.locator('[data-testid=alarm-row]').nth(2).textContent()).toContain(
        '(actions suppressed: Alarm)',
      );

      const calls = page.locator('[data-testid=api-call-row]');
      expect(await calls.count()).toBe(3);
      expect(
        await calls
          .nth(1)
          .locator('td')
          .evaluateAll((cells) => cells.map((c) => c.textContent)),
      ).toEqual([
        '2026-11-20 09:04:05 UTC',
        'StopExecution',
        'bob (AWS console, new tab)IAMUser',
        '198.51.100.24',
        'run-104 (AWS console, new tab)',
        '—',
      ]);
    });
  });

  it('fits a 390 px wide window without scrolling the page sideways', async () => {
    await withPage(
      async (page) => {
        const overflow = () =>
          page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        await page.goto(demo.url);
        await page.locator('[data-testid=incident-row]').first().waitFor();
        expect(await overflow()).toBe(0);
        await page.goto(`${demo.url}incidents/${demo.incidentId}`);
        await page.locator('[data-testid=timeline-chart]').waitFor();
        expect(await overflow()).toBe(0);
        const chartWidth = await page
          .locator('[data-testid=timeline-chart]')
          .evaluate((svg) => svg.getBoundingClientRect().width);
        expect(chartWidth).toBeLessThanOrEqual(390);
        expect(await page.locator('[data-testid=execution-bar]').count()).toBe(4);
      },
      { width: 390, height: 844 },
    );
  });

  it('highlights a changed row only for readers who do not ask for reduced motion', async () => {
    const animationOf = async (reducedMotion: 'reduce' | 'no-preference') => {
      let animation = '';
      await withPage(
        async (page) => {
          await page.goto(demo.url);
          await page.locator('[data-testid=incident-row]').first().waitFor();
          // A row of its own, outside the list the page may rebuild at any moment.
          animation = await page.evaluate(() => {
            const row = document.createElement('table').insertRow();
            row.className = 'fresh';
            document.body.append(row.parentElement?.parentElement ?? row);
            return getComputedStyle(row).animationName;
          });
        },
        { reducedMotion },
      );
      return animation;
    };
    expect(await animationOf('no-preference')).toBe('fade-fresh');
    expect(await animationOf('reduce')).toBe('none');
  });

  it('adds a new incident to the open list live, and shows markup from events as text', async () => {
    const file = path.join(demo.dataDir, '..', 'markup.ndjson');
    const machine = 'arn:aws:states:us-east-1:123456789012:stateMachine:markup-probe';
    const events = [
      alarmStateEvent({
        id: 'markup-alarm',
        alarmName: ALARM,
        time: '2026-11-21T09:59:30Z',
        state: alarmState({
          value: 'ALARM',
          reason: '<i>reason</i>',
          timestamp: '2026-11-21T09:59:30.000+0000',
        }),
        configuration: metricAlarmConfiguration({
          metrics: [metric({ dimensions: { StateMachineArn: machine } })],
        }),
      }),
      executionEvent({
        id: 'markup-run',
        status: 'FAILED',
        stateMachineArn: machine,
        executionArn: 'arn:aws:states:us-east-1:123456789012:execution:markup-probe:run-x1',
        time: '2026-11-21T10:00:00Z',
        startDate: Date.parse('2026-11-21T09:59:00Z'),
        stopDate: Date.parse('2026-11-21T10:00:00Z'),
        error: ERROR,
        cause: CAUSE,
      }),
    ];
    writeFileSync(file, events.map((event) => JSON.stringify(event)).join('\n'));

    await withPage(async (page) => {
      await page.goto(demo.url);
      await page.locator('[data-testid=live-indicator][data-state=live]').waitFor();
      // Survives only if the page is never reloaded.
      await page.evaluate(() => {
        document.body.dataset.sameDocument = 'yes';
      });
      // A keyboard user on the demo row keeps their place while rows change around it.
      await page.locator(`[data-incident-id="${demo.incidentId}"] [data-testid=incident-link]`).focus();

      const sent = captureIo();
      expect(await main(['send', file, '--data-dir', demo.dataDir], sent)).toBe(0);
      expect(sent.out()).toMatch(/^2 event\(s\) read, 2 record\(s\) sent/);

      const title = `markup-probe: 1 of 1 runs failed (100%); no runs finished in the hour before (${ERROR})`;
      const newRow = page.locator('[data-testid=incident-row]', { hasText: 'markup-probe' });
      await newRow.locator('[data-testid=incident-link]', { hasText: title }).waitFor({ timeout: 30_000 });
      expect(await page.evaluate(() => document.body.dataset.sameDocument)).toBe('yes');
      expect(
        await page.evaluate(() => document.activeElement?.closest('tr')?.getAttribute('data-incident-id')),
      ).toBe(demo.incidentId);
      expect(await page.locator('[data-testid=incident-row]').count()).toBe(2);
      expect(await newRow.locator('[data-testid=status]').textContent()).toBe('OPEN');
      expect(await page.locator('main b, main img, main svg, main i').count()).toBe(0);

      await newRow.locator('[data-testid=incident-link]').click();
      await page.locator('[data-testid=timeline-chart]').waitFor();
      expect(await page.locator('h1').textContent()).toBe(title);
      expect(await page.locator('[data-testid=execution-cause]').textContent()).toBe(CAUSE);
      expect(await page.locator('[data-testid=execution-error]').textContent()).toBe(ERROR);
      expect(await page.getByText(CAUSE, { exact: true }).isVisible()).toBe(true);
      expect(await page.locator('[data-testid=alarm-row] a').first().textContent()).toBe(
        `${ALARM} (AWS console, new tab)`,
      );
      expect(await attributes(page, '[data-testid=alarm-lane]', 'data-alarm')).toEqual([ALARM]);
      expect(await page.locator('[data-testid=alarm-row]').textContent()).toContain('<i>reason</i>');
      expect(await texts(page, '[data-testid=hint] .hint-message')).toEqual([
        `Alarm ${ALARM} entered ALARM 1 min before the first failure`,
        `1 of 1 failed run(s) ended with ${ERROR}: ${CAUSE}`,
      ]);
      // Nothing from the events became an element: the only image-like thing is the chart itself.
      expect(await page.locator('img, b, i, main svg:not([data-testid=timeline-chart])').count()).toBe(0);
      expect(await page.locator('[onerror], [onload], [onmouseover]').count()).toBe(0);
    });
  });
});
