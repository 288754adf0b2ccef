import { STORED_INCIDENT_STATUSES, type StoredIncidentStatus } from '../../core/incident/read-model.ts';
import type { IncidentSummary } from '../api-schema.ts';

/**
 * The list's filter, as the address bar holds it (so a filtered view can be shared or reloaded)
 * and as the live updates apply it: a change that arrives over the stream is placed in, or taken
 * out of, the list by the same rules the server's query follows.
 */

export type StatusFilter = StoredIncidentStatus;

export interface ListFilter {
  readonly status?: StatusFilter;
  readonly stateMachineArn?: string;
  /** A duration back from now, as offered by the page: `1h`, `6h`, `24h`, `7d`, `30d`. */
  readonly since?: string;
}

const STATUS_LABELS: Readonly<Record<StatusFilter, string>> = {
  OPEN: 'Open',
  RESOLVED: 'Resolved',
  SUPERSEDED: 'Superseded',
};

export const STATUS_CHOICES: readonly { readonly value: StatusFilter | ''; readonly label: string }[] = [
  { value: '', label: 'Open and resolved' },
  ...STORED_INCIDENT_STATUSES.map((value) => ({ value, label: STATUS_LABELS[value] })),
];

export const SINCE_CHOICES: readonly { readonly value: string; readonly label: string }[] = [
  { value: '', label: 'Any time' },
  { value: '1h', label: 'Last hour' },
  { value: '6h', label: 'Last 6 hours' },
  { value: '24h', label: 'Last 24 hours' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
];

export function filterFromSearch(search: string): ListFilter {
  const params = new URLSearchParams(search);
  return filterOf({
    status: params.get('status') ?? '',
    stateMachine: params.get('stateMachine') ?? '',
    since: params.get('since') ?? '',
  });
}

/** From raw values (the address bar's, the form's): anything not offered means "any". */
export function filterOf(values: { status: string; stateMachine: string; since: string }): ListFilter {
  const status = STATUS_CHOICES.find((c) => c.value !== '' && c.value === values.status)?.value;
  const since = SINCE_CHOICES.find((c) => c.value !== '' && c.value === values.since)?.value;
  return {
    ...(status === undefined || status === '' ? {} : { status }),
    ...(values.stateMachine === '' ? {} : { stateMachineArn: values.stateMachine }),
    ...(since === undefined ? {} : { since }),
  };
}

/** `?status=OPEN&since=6h` (or the empty string): for the address bar and the API alike. */
export function searchOf(filter: ListFilter): string {
  const params = new URLSearchParams();
  if (filter.status !== undefined) params.set('status', filter.status);
  if (filter.stateMachineArn !== undefined) params.set('stateMachine', filter.stateMachineArn);
  if (filter.since !== undefined) params.set('since', filter.since);
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/**
 * Whether a row belongs in the list. `sinceIso` is the server's resolution of `since`. Without a
 * status the server lists OPEN and RESOLVED incidents: a superseded one leaves that list.
 */
export function matchesFilter(
  incident: IncidentSummary,
  filter: ListFilter,
  sinceIso: string | undefined,
): boolean {
  if (filter.status === undefined ? incident.status === 'SUPERSEDED' : incident.status !== filter.status) {
    return false;
  }
  if (filter.stateMachineArn !== undefined && incident.stateMachineArn !== filter.stateMachineArn)
    return false;
  return sinceIso === undefined || incident.openedAt >= sinceIso;
}

/** Newest first, as the server sorts: by opening time, then id. */
export function newestFirst(a: IncidentSummary, b: IncidentSummary): number {
  if (a.openedAt !== b.openedAt) return a.openedAt < b.openedAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/**
 * The list after one change: the row replaced, added or removed, still sorted and bounded. A copy
 * older than the row shown (a change that raced a reload) changes nothing.
 */
export function applyChange(
  rows: readonly IncidentSummary[],
  incident: IncidentSummary,
  filter: ListFilter,
  sinceIso: string | undefined,
  limit: number,
): IncidentSummary[] {
  const shown = rows.find((row) => row.id === incident.id);
  if (shown !== undefined && shown.version > incident.version) return [...rows];
  const others = rows.filter((row) => row.id !== incident.id);
  if (!matchesFilter(incident, filter, sinceIso)) return others;
  return [...others, incident].sort(newestFirst).slice(0, limit);
}
