import type { IncidentQueries } from '../adapters/dynamodb/incident-queries.ts';
import type { IncidentDetailResponse, IncidentListResponse } from './api-schema.ts';
import { INCIDENT_ID_PATTERN } from './constants.ts';
import { notFound } from './http-error.ts';
import { detailOf, summaryOf } from './incident-views.ts';
import { parseListQuery } from './query-params.ts';

/** The JSON routes: read-only views over the query library, nothing else of the table. */

export type IncidentReader = Pick<IncidentQueries, 'listIncidents' | 'getIncident'>;

export interface ApiContext {
  readonly queries: IncidentReader;
  /** Whether the server streams changes (`/api/events`); the page polls otherwise. */
  readonly live: boolean;
  readonly clock: () => number;
}

export type ApiBody = IncidentListResponse | IncidentDetailResponse;

const INCIDENT_PATH = /^\/api\/incidents\/([^/]+)$/;

/** Undefined when the path is not an API route (the caller answers 404). */
export async function apiResponse(url: URL, context: ApiContext): Promise<ApiBody | undefined> {
  if (url.pathname === '/api/incidents') return listIncidents(url.searchParams, context);
  const match = INCIDENT_PATH.exec(url.pathname);
  if (match?.[1] !== undefined) return incident(decodedSegment(match[1]), context);
  return undefined;
}

async function listIncidents(params: URLSearchParams, context: ApiContext): Promise<IncidentListResponse> {
  const now = context.clock();
  const filter = parseListQuery(params, now);
  const incidents = await context.queries.listIncidents(filter);
  return {
    incidents: incidents.map(summaryOf),
    filter,
    live: context.live,
    generatedAt: new Date(now).toISOString(),
  };
}

async function incident(id: string, context: ApiContext): Promise<IncidentDetailResponse> {
  if (!INCIDENT_ID_PATTERN.test(id)) throw notFound(`no incident "${id.slice(0, 40)}"`);
  const detail = await context.queries.getIncident(id);
  if (detail === undefined) throw notFound(`no incident ${id}`);
  return { incident: detailOf(detail), live: context.live };
}

/** A malformed escape cannot name an incident; it is answered like any unknown id. */
function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw notFound('no such incident');
  }
}
