/// <reference lib="dom" />
import { actorName, shortName } from '../../core/incident/describe.ts';
import type { AlarmView, ApiCallView, ExecutionView, HintView, IncidentDetailView } from '../api-schema.ts';
import { ApiError, fetchIncident } from './api-client.ts';
import { consoleUrl } from './console-links.ts';
import { type Child, h, replaceChildren } from './dom.ts';
import { durationText, timeElement, utcText } from './format.ts';
import { followChanges, markUpdated } from './live.ts';
import { chartLegend, timelineChart } from './timeline-chart.ts';
import { trafficFacts } from './traffic-facts.ts';
import { errorMessage, outcomeBadge, severityBadge, statusBadge } from './widgets.ts';

/**
 * `/incidents/<id>`: the chart on one time axis, then what an on-call engineer reads next: the
 * hints with the evidence behind them, the runs, the alarms (and through what they are linked),
 * the API calls and who made them. Every ARN links to its AWS console page.
 */

/** What a hint's evidence points at: an anchor on this page and a one-line description. */
interface Evidence {
  readonly anchor: string;
  readonly text: string;
}

export async function showIncident(main: HTMLElement, id: string): Promise<void> {
  let incident: IncidentDetailView | undefined;
  let chartWidth = 0;
  let rendered = false;
  const figure = h('figure', { class: 'chart', 'data-testid': 'timeline' });
  const chartSlot = h('div', { class: 'chart-slot' });
  figure.append(chartSlot, h('figcaption', {}, chartLegend()));

  const drawChart = () => {
    if (incident === undefined) return;
    chartWidth = chartSlot.clientWidth;
    replaceChildren(chartSlot, timelineChart(incident, chartWidth, Date.now()));
    // What `npm run bench:page` measures: navigation start to the first chart on screen.
    if (!rendered) performance.mark('timeline-rendered');
    rendered = true;
  };

  // Reloads may overlap (a reconnection and a change at once): an older answer must not win.
  let latest = 0;
  const load = async (): Promise<void> => {
    const ticket = ++latest;
    try {
      const response = await fetchIncident(id);
      if (ticket !== latest) return;
      incident = response.incident;
      keepingPlace(main, () => render(main, response.incident, figure));
      drawChart();
      markUpdated();
    } catch (error) {
      if (ticket !== latest) return;
      if (error instanceof ApiError && error.status === 404) {
        // Not (yet) in the table: the page shows it as soon as a change names it.
        replaceChildren(
          main,
          backLink(),
          h('h1', {}, 'Incident not found'),
          h('p', {}, 'There is no incident ', h('code', {}, id), ' in this table.'),
        );
        return;
      }
      replaceChildren(
        main,
        backLink(),
        errorMessage(
          `Could not load the incident: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
    }
  };

  await followChanges({
    reload: load,
    // The change carries the header only; the timeline comes with a reload, started after the
    // change was committed, so it includes it.
    onChange: (message) => {
      if (message.incident.id === id) void load();
    },
  });
  await load();
  // Redraw for the new width only: the chart's text keeps its size instead of being scaled.
  new ResizeObserver(() => {
    if (incident !== undefined && Math.abs(chartSlot.clientWidth - chartWidth) > 1) drawChart();
  }).observe(chartSlot);
}

/**
 * Re-rendering after a change must not cost the reader their place: the open state of the
 * timeline entries and the focused link are carried over (the scroll position stays by itself,
 * the page being rebuilt in one task).
 */
function keepingPlace(main: HTMLElement, render: () => void): void {
  const entriesOpen = main.querySelector('details')?.open ?? false;
  const focused = document.activeElement instanceof HTMLAnchorElement ? document.activeElement : undefined;
  const focusKey = focused === undefined ? undefined : [focused.getAttribute('href'), focused.textContent];
  render();
  const details = main.querySelector('details');
  if (details !== null) details.open = entriesOpen;
  if (focusKey === undefined) return;
  const again = Array.from(main.querySelectorAll('a')).find(
    (a) => a.getAttribute('href') === focusKey[0] && a.textContent === focusKey[1],
  );
  again?.focus();
}

function render(main: HTMLElement, incident: IncidentDetailView, figure: HTMLElement): void {
  const evidence = evidenceIndex(incident);
  document.title = `${incident.severity} ${incident.status} ${shortName(incident.stateMachineArn)} · Incident`;
  replaceChildren(
    main,
    backLink(),
    header(incident),
    section('timeline', 'Timeline', figure),
    section('hints', 'Hints', hintList(incident.hints, evidence)),
    section('executions', `Executions (${incident.executions.length})`, executionsTable(incident.executions)),
    section('alarms', `Linked alarms (${incident.alarms.length})`, alarmsTable(incident.alarms)),
    section('api-calls', `API calls (${incident.apiCalls.length})`, apiCallsTable(incident.apiCalls)),
    section('entries', 'Timeline entries', timelineEntries(incident)),
  );
}

function backLink(): HTMLElement {
  return h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '/' }, '← All incidents'));
}

function section(id: string, title: string, ...content: Child[]): HTMLElement {
  return h(
    'section',
    { class: 'panel', 'aria-labelledby': `h-${id}`, 'data-testid': `section-${id}` },
    h('h2', { id: `h-${id}` }, title),
    ...content,
  );
}

function header(incident: IncidentDetailView): HTMLElement {
  const opened = Date.parse(incident.openedAt);
  const resolved = incident.resolvedAt === null ? undefined : Date.parse(incident.resolvedAt);
  const runs = Object.entries(incident.counts)
    .map(([status, count]) => `${status} ${count}`)
    .join(' · ');
  const fact = (term: string, ...value: Child[]) => h('div', {}, h('dt', {}, term), h('dd', {}, ...value));
  const traffic = trafficFacts(incident);
  return h(
    'header',
    { class: 'incident-head' },
    h('h1', { 'data-testid': 'incident-title' }, incident.title),
    h(
      'p',
      { class: 'badges' },
      severityBadge(incident.severity),
      ' ',
      statusBadge(incident.status),
      incident.flapCount > 0 ? h('span', { class: 'sub' }, ` flapped ${incident.flapCount}×`) : null,
    ),
    incident.mergedInto === undefined
      ? null
      : h(
          'p',
          { class: 'message' },
          'Superseded by ',
          h('a', { href: `/incidents/${encodeURIComponent(incident.mergedInto)}` }, incident.mergedInto),
        ),
    h(
      'dl',
      { class: 'facts' },
      fact('State machine', arnLink(incident.stateMachineArn, shortName(incident.stateMachineArn))),
      fact('Opened', timeElement(incident.openedAt)),
      fact('Resolved', incident.resolvedAt === null ? 'not yet' : timeElement(incident.resolvedAt)),
      fact(
        'Open for',
        resolved === undefined
          ? `${durationText(Date.now() - opened)} so far`
          : durationText(resolved - opened),
      ),
      fact('Last signal', timeElement(incident.lastSignalAt)),
      fact('Runs', runs === '' ? 'none' : runs),
      fact('While open', traffic.whileOpen),
      fact('Hour before', traffic.hourBefore),
      fact('Incident id', h('span', { class: 'mono' }, incident.id)),
    ),
    omissionNote(incident),
  );
}

/** Says which lists a cap shortened, so nobody reads a shortened list as the whole one. */
function omissionNote(incident: IncidentDetailView): HTMLElement | null {
  const { omitted } = incident;
  const parts = [
    [incident.timelineOmitted, 'timeline entries'],
    [omitted.executions, 'runs'],
    [omitted.alarms, 'alarms'],
    [omitted.apiCalls, 'API calls'],
    [omitted.hints, 'hints'],
  ] as const;
  const left = parts.filter(([count]) => count > 0).map(([count, what]) => `${count} ${what}`);
  if (!incident.shrunk && left.length === 0) return null;
  return h(
    'p',
    { class: 'message' },
    'Some lists were cut to keep the incident readable',
    left.length === 0 ? '' : ` (not listed: ${left.join(', ')})`,
    '.',
  );
}

function arnLink(arn: string, text: string = arn): HTMLElement {
  const url = consoleUrl(arn);
  const label = h('span', {}, text);
  if (url === undefined) return h('span', { class: 'arn', title: arn }, label);
  return h(
    'a',
    {
      href: url,
      class: 'arn',
      title: `${arn}\nOpens the AWS console`,
      target: '_blank',
      rel: 'noopener noreferrer',
    },
    label,
    h('span', { class: 'visually-hidden' }, ' (AWS console, new tab)'),
  );
}

/** Signal ids → where on this page that signal is shown. */
function evidenceIndex(incident: IncidentDetailView): Map<string, Evidence> {
  const index = new Map<string, Evidence>();
  incident.executions.forEach((execution, i) => {
    index.set(execution.signalId, {
      anchor: `run-${i}`,
      text: `Execution ${execution.name} ${execution.status}${execution.stopDate === undefined ? '' : ` at ${utcText(execution.stopDate)}`}`,
    });
  });
  incident.alarms.forEach((alarm, i) => {
    for (const transition of alarm.transitions) {
      index.set(transition.signalId, {
        anchor: `alarm-${i}`,
        text: `Alarm ${alarm.alarmName} ${transition.from ?? '?'} → ${transition.to} at ${utcText(transition.at)}`,
      });
    }
  });
  incident.apiCalls.forEach((call, i) => {
    index.set(call.signalId, {
      anchor: `call-${i}`,
      text: `${call.eventName} by ${actorName(call.actor)} at ${utcText(call.eventTime)}`,
    });
  });
  return index;
}

function hintList(hints: readonly HintView[], evidence: ReadonlyMap<string, Evidence>): HTMLElement {
  if (hints.length === 0) return h('p', { class: 'empty' }, 'No hints for this incident.');
  return h(
    'ol',
    { class: 'hints', 'data-testid': 'hints' },
    ...hints.map((hint) =>
      h(
        'li',
        { 'data-testid': 'hint', 'data-kind': hint.kind },
        h('p', { class: 'hint-message' }, hint.message),
        h(
          'ul',
          { class: 'evidence', 'aria-label': 'Evidence' },
          ...hint.evidence.map((signalId) => {
            const found = evidence.get(signalId);
            return h(
              'li',
              {},
              found === undefined
                ? h('code', { title: 'a signal not listed on this page' }, signalId)
                : h('a', { href: `#${found.anchor}` }, found.text),
            );
          }),
        ),
      ),
    ),
  );
}

function table(
  testId: string,
  caption: string,
  headings: readonly string[],
  rows: readonly HTMLTableRowElement[],
) {
  if (rows.length === 0) return h('p', { class: 'empty' }, `No ${caption.toLowerCase()}.`);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'details', 'data-testid': testId },
      h('caption', { class: 'visually-hidden' }, caption),
      h('thead', {}, h('tr', {}, ...headings.map((heading) => h('th', { scope: 'col' }, heading)))),
      h('tbody', {}, ...rows),
    ),
  );
}

function cell(label: string, ...content: Child[]): HTMLTableCellElement {
  return h('td', { 'data-label': label }, ...content);
}

function optionalTime(iso: string | undefined): Child {
  return iso === undefined ? '—' : timeElement(iso);
}

function executionsTable(executions: readonly ExecutionView[]): HTMLElement {
  return table(
    'executions-table',
    'Executions',
    ['Execution', 'Status', 'Started', 'Stopped', 'Duration', 'Error and cause', 'Redrives'],
    executions.map((execution, i) =>
      h(
        'tr',
        { id: `run-${i}`, 'data-testid': 'execution-row' },
        cell('Execution', arnLink(execution.executionArn, execution.name)),
        cell('Status', outcomeBadge(execution.status)),
        cell('Started', optionalTime(execution.startDate)),
        cell('Stopped', optionalTime(execution.stopDate)),
        cell('Duration', execution.durationMs === undefined ? '—' : durationText(execution.durationMs)),
        cell(
          'Error and cause',
          execution.error === undefined
            ? null
            : h('div', { class: 'error-name', 'data-testid': 'execution-error' }, execution.error),
          execution.cause === undefined
            ? null
            : h('div', { class: 'cause', 'data-testid': 'execution-cause' }, execution.cause),
          execution.inputPreview === undefined
            ? null
            : h('div', { class: 'cause' }, `input: ${execution.inputPreview}`),
          execution.outputPreview === undefined
            ? null
            : h('div', { class: 'cause' }, `output: ${execution.outputPreview}`),
          execution.error === undefined && execution.cause === undefined ? '—' : null,
        ),
        cell('Redrives', String(execution.redriveCount)),
      ),
    ),
  );
}

function alarmsTable(alarms: readonly AlarmView[]): HTMLElement {
  return table(
    'alarms-table',
    'Linked alarms',
    ['Alarm', 'State now', 'Linked via', 'Transitions'],
    alarms.map((alarm, i) =>
      h(
        'tr',
        { id: `alarm-${i}`, 'data-testid': 'alarm-row' },
        cell(
          'Alarm',
          arnLink(alarm.alarmArn, alarm.alarmName),
          alarm.deleted ? h('div', { class: 'sub' }, 'deleted') : null,
          alarm.suppressor === undefined
            ? null
            : h('div', { class: 'sub' }, 'suppressor: ', alarm.suppressor),
        ),
        cell('State now', outcomeBadge(alarm.state)),
        cell(
          'Linked via',
          alarm.via.length === 0
            ? 'watches the state machine itself'
            : h(
                'ul',
                { class: 'plain' },
                ...alarm.via.map((arn) => h('li', {}, arnLink(arn, shortName(arn)))),
              ),
        ),
        cell(
          'Transitions',
          h(
            'ol',
            { class: 'plain transitions' },
            ...alarm.transitions.map((transition) =>
              h(
                'li',
                {},
                timeElement(transition.at, utcText(transition.at).slice(11)),
                ` ${transition.from ?? '?'} → ${transition.to}`,
                transition.suppressedBy === undefined
                  ? null
                  : h(
                      'span',
                      { class: 'suppressed-note' },
                      ` (actions suppressed: ${transition.suppressedBy})`,
                    ),
                transition.reason === undefined ? null : h('div', { class: 'sub' }, transition.reason),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

function apiCallsTable(calls: readonly ApiCallView[]): HTMLElement {
  return table(
    'api-calls-table',
    'API calls',
    ['Time', 'Call', 'Actor', 'Source IP', 'Target', 'Error'],
    calls.map((call, i) => {
      const actorArn = call.actor.sessionIssuerArn ?? call.actor.arn;
      return h(
        'tr',
        { id: `call-${i}`, 'data-testid': 'api-call-row' },
        cell('Time', timeElement(call.eventTime)),
        cell('Call', h('span', { class: 'mono' }, call.eventName)),
        cell(
          'Actor',
          actorArn === undefined ? actorName(call.actor) : arnLink(actorArn, actorName(call.actor)),
          h('div', { class: 'sub' }, call.actor.type),
        ),
        cell('Source IP', call.sourceIPAddress ?? '—'),
        cell('Target', call.target === undefined ? '—' : arnLink(call.target, shortName(call.target))),
        cell(
          'Error',
          call.errorCode === undefined ? '—' : h('span', { class: 'error-name' }, call.errorCode),
          call.errorMessage === undefined ? null : h('div', { class: 'sub' }, call.errorMessage),
        ),
      );
    }),
  );
}

function timelineEntries(incident: IncidentDetailView): HTMLElement {
  return h(
    'details',
    {},
    h('summary', {}, `All ${incident.timeline.length} entries, oldest first`),
    h(
      'ol',
      { class: 'plain entries' },
      ...incident.timeline.map((entry) =>
        h('li', { 'data-kind': entry.kind }, timeElement(entry.at), ' ', entry.summary),
      ),
    ),
  );
}
