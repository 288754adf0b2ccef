/// <reference lib="dom" />
import { parseArn } from '../../core/arn.ts';
import { shortName } from '../../core/incident/describe.ts';
import type { IncidentSummary } from '../api-schema.ts';
import { fetchIncidents } from './api-client.ts';
import { type Child, h, replaceChildren } from './dom.ts';
import { ageText, localText, utcText } from './format.ts';
import {
  applyChange,
  filterFromSearch,
  filterOf,
  type ListFilter,
  SINCE_CHOICES,
  STATUS_CHOICES,
  searchOf,
} from './list-filter.ts';
import { followChanges, markUpdated } from './live.ts';
import { errorMessage, severityBadge, statusBadge } from './widgets.ts';

/**
 * `/`: open and recent incidents, newest first, filtered by status, state machine and opening
 * time; rows change in place as the table's stream reports changes.
 */

interface ListState {
  filter: ListFilter;
  rows: IncidentSummary[];
  sinceIso: string | undefined;
  limit: number;
  /** Every state machine seen, so the filter can offer them (the table has no list of them). */
  readonly stateMachines: Set<string>;
  /** Rows that just changed, highlighted once. */
  readonly fresh: Set<string>;
}

const AGE_REFRESH_MS = 30_000;

export async function showList(main: HTMLElement): Promise<void> {
  const state: ListState = {
    filter: filterFromSearch(location.search),
    rows: [],
    sinceIso: undefined,
    limit: 100,
    stateMachines: new Set(),
    fresh: new Set(),
  };
  if (state.filter.stateMachineArn !== undefined) state.stateMachines.add(state.filter.stateMachineArn);

  const status = select('filter-status', STATUS_CHOICES, state.filter.status ?? '');
  const since = select('filter-since', SINCE_CHOICES, state.filter.since ?? '');
  const stateMachine = select('filter-state-machine', [], '');
  const summary = h('p', { class: 'list-summary', 'data-testid': 'list-summary', 'aria-live': 'polite' });
  const message = h('div', { class: 'message-slot' });
  const body = h('tbody', {});
  const table = h(
    'table',
    { class: 'incidents', 'data-testid': 'incident-table' },
    h('caption', { class: 'visually-hidden' }, 'Incidents, newest first'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['Severity', 'Incident', 'Status', 'Age', 'Failed runs', 'Alarms', 'Top hint'].map((label) =>
          h(
            'th',
            { scope: 'col', class: label === 'Failed runs' || label === 'Alarms' ? 'num' : undefined },
            label,
          ),
        ),
      ),
    ),
    body,
  );
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter incidents' },
    field('filter-status', 'Status', status),
    field('filter-state-machine', 'State machine', stateMachine),
    field('filter-since', 'Opened', since),
  );
  replaceChildren(
    main,
    h('h1', {}, 'Incidents'),
    form,
    summary,
    message,
    h('div', { class: 'table-wrap' }, table),
  );

  const render = () => {
    renderStateMachines(stateMachine, state);
    // Rows are rebuilt on every change and age tick; a keyboard user keeps their place.
    const focused = document.activeElement?.closest('tr')?.getAttribute('data-incident-id');
    replaceChildren(body, ...state.rows.map((row) => incidentRow(row, state.fresh.has(row.id))));
    if (focused !== null && focused !== undefined) {
      const row = state.rows.findIndex((r) => r.id === focused);
      body.rows[row]?.querySelector('a')?.focus();
    }
    state.fresh.clear();
    table.hidden = state.rows.length === 0;
    const open = state.rows.filter((row) => row.status === 'OPEN').length;
    const counted =
      state.rows.length === 0
        ? 'No incidents match these filters.'
        : `${state.rows.length} incident${state.rows.length === 1 ? '' : 's'}, ${open} open, newest first`;
    // A live region: rewritten only when it says something new, or screen readers repeat it.
    if (summary.textContent !== counted) replaceChildren(summary, counted);
    document.title = `${open > 0 ? `(${open} open) ` : ''}Incidents · sfn-incident-correlator`;
  };

  // Loads overlap (a filter change during a reload): only the latest one may fill the table.
  let latest = 0;
  let loading = 0;
  /**
   * Changes that arrive while a load is in flight are applied at once and again on top of its
   * result, which may predate them; changes of one incident arrive in order, and a copy older
   * than the row shown is ignored (`applyChange`), so replaying them is safe.
   */
  const duringLoad: IncidentSummary[] = [];
  const apply = (incident: IncidentSummary) => {
    state.stateMachines.add(incident.stateMachineArn);
    state.rows = applyChange(state.rows, incident, state.filter, state.sinceIso, state.limit);
  };

  const load = async () => {
    const ticket = ++latest;
    loading++;
    try {
      const response = await fetchIncidents(searchOf(state.filter));
      if (ticket !== latest) return;
      state.rows = response.incidents;
      state.sinceIso = response.filter.since;
      state.limit = response.filter.limit;
      for (const row of response.incidents) state.stateMachines.add(row.stateMachineArn);
      for (const incident of duringLoad) apply(incident);
      replaceChildren(message);
      render();
      markUpdated();
    } catch (error) {
      if (ticket !== latest) return;
      replaceChildren(
        message,
        errorMessage(
          `Could not load the incidents: ${String(error instanceof Error ? error.message : error)}`,
        ),
      );
      throw error;
    } finally {
      loading--;
      if (loading === 0) duringLoad.length = 0;
    }
  };

  form.addEventListener('change', () => {
    state.filter = filterOf({ status: status.value, stateMachine: stateMachine.value, since: since.value });
    history.replaceState(null, '', `/${searchOf(state.filter)}`);
    void load().catch(() => undefined);
  });
  form.addEventListener('submit', (event) => event.preventDefault());
  // Mouse users can click anywhere on a row; keyboard users reach the row's link with Tab.
  body.addEventListener('click', (event) => {
    if (!(event.target instanceof Element) || event.target.closest('a') !== null) return;
    const link = event.target.closest('tr')?.querySelector('a');
    if (link instanceof HTMLAnchorElement) location.assign(link.href);
  });
  setInterval(render, AGE_REFRESH_MS);

  await followChanges({
    reload: load,
    onChange: ({ incident }) => {
      if (loading > 0) duringLoad.push(incident);
      apply(incident);
      state.fresh.add(incident.id);
      render();
    },
  });
  // A failed load says so on the page; the next reload (poll or reconnection) may succeed.
  await load().catch(() => undefined);
}

function incidentRow(incident: IncidentSummary, fresh: boolean): HTMLTableRowElement {
  const now = Date.now();
  const openedMs = Date.parse(incident.openedAt);
  const cell = (label: string, attributes: Record<string, string>, ...children: Child[]) =>
    h('td', { 'data-label': label, ...attributes }, ...children);
  return h(
    'tr',
    {
      class: fresh ? 'fresh' : undefined,
      'data-testid': 'incident-row',
      'data-incident-id': incident.id,
    },
    cell('Severity', {}, severityBadge(incident.severity)),
    cell(
      'Incident',
      { class: 'title-cell' },
      h(
        'a',
        { href: `/incidents/${encodeURIComponent(incident.id)}`, 'data-testid': 'incident-link' },
        incident.title,
      ),
      h(
        'div',
        { class: 'sub' },
        shortName(incident.stateMachineArn),
        ' · ',
        h('span', { class: 'mono' }, incident.id),
      ),
    ),
    cell(
      'Status',
      {},
      statusBadge(incident.status),
      incident.flapCount > 0 ? h('div', { class: 'sub' }, `flapped ${incident.flapCount}×`) : null,
    ),
    cell(
      'Age',
      {},
      h('time', { datetime: incident.openedAt, title: localText(incident.openedAt) }, ageText(openedMs, now)),
      h('div', { class: 'sub' }, utcText(incident.openedAt, false)),
    ),
    cell('Failed runs', { class: 'num', 'data-testid': 'failed-count' }, incident.failedExecutions),
    cell(
      'Alarms',
      { class: 'num', 'data-testid': 'alarm-count' },
      incident.linkedAlarms,
      incident.alarmsFiring > 0
        ? h('div', { class: 'sub firing' }, `${incident.alarmsFiring} in ALARM`)
        : null,
    ),
    cell('Top hint', { class: 'hint-cell', 'data-testid': 'top-hint' }, incident.topHint ?? '—'),
  );
}

function field(id: string, label: string, control: HTMLSelectElement): HTMLElement {
  return h('div', { class: 'field' }, h('label', { for: id }, label), control);
}

function select(
  id: string,
  choices: readonly { readonly value: string; readonly label: string }[],
  selected: string,
): HTMLSelectElement {
  const element = h('select', { id, name: id });
  for (const choice of choices) element.append(option(choice.value, choice.label, choice.value === selected));
  return element;
}

function option(value: string, label: string, selected: boolean): HTMLOptionElement {
  const element = h('option', { value }, label);
  element.selected = selected;
  return element;
}

/** Named by the state machine's name, with region and account where two share a name. */
function renderStateMachines(element: HTMLSelectElement, state: ListState): void {
  const arns = [...state.stateMachines].sort(
    (a, b) => shortName(a).localeCompare(shortName(b)) || a.localeCompare(b),
  );
  const names = arns.map(shortName);
  const selected = state.filter.stateMachineArn ?? '';
  const current = Array.from(element.options, (o) => o.value).join('\n');
  if (current === ['', ...arns].join('\n') && element.value === selected) return;
  element.replaceChildren(option('', 'All state machines', selected === ''));
  arns.forEach((arn, index) => {
    const name = names[index] ?? arn;
    const shared = names.filter((n) => n === name).length > 1;
    const { region = '', account = '' } = parseArn(arn) ?? {};
    element.append(option(arn, shared ? `${name} (${region}, ${account})` : name, arn === selected));
  });
}
