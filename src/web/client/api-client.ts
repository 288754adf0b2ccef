/// <reference lib="dom" />
import type { ZodMiniType } from 'zod/mini';
import {
  errorResponseSchema,
  type IncidentDetailResponse,
  type IncidentListResponse,
  incidentDetailResponseSchema,
  incidentListResponseSchema,
} from '../api-schema.ts';

/** The page's reads. Every response is parsed against the shared contract before it is used. */

export class ApiError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
  }
}

export function fetchIncidents(query: string): Promise<IncidentListResponse> {
  return getJson(`/api/incidents${query}`, incidentListResponseSchema);
}

export function fetchIncident(id: string): Promise<IncidentDetailResponse> {
  return getJson(`/api/incidents/${encodeURIComponent(id)}`, incidentDetailResponseSchema);
}

async function getJson<T>(path: string, schema: ZodMiniType<T>): Promise<T> {
  const response = await fetch(path, { headers: { Accept: 'application/json' }, cache: 'no-store' });
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = errorResponseSchema.safeParse(body);
    throw new ApiError(response.status, error.success ? error.data.error : `HTTP ${response.status}`);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') ?? '';
    throw new ApiError(response.status, `unexpected response from ${path} (at ${where || 'the top'})`);
  }
  return parsed.data;
}
