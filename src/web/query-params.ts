import type { ListIncidentsFilter } from '../adapters/dynamodb/incident-queries.ts';
import { parseArn } from '../core/arn.ts';
import {
  STORED_INCIDENT_STATUSES,
  type StoredIncidentStatus,
  storedIncidentStatusSchema,
} from '../core/incident/read-model.ts';
import { DEFAULT_LIST_LIMIT, MAX_ARN_CHARS, MAX_LIST_LIMIT } from './constants.ts';
import { badRequest } from './http-error.ts';

/**
 * The list endpoint's query string, parsed strictly: every parameter is known, given once and
 * bounded, so a request can never ask the table for more than one page of one index.
 */

export type ListQuery = ListIncidentsFilter & { readonly limit: number };

const KNOWN = new Set(['status', 'stateMachine', 'since', 'limit']);
const DURATION = /^(\d{1,4})([mhd])$/;
const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
const MAX_SINCE_CHARS = 40;
const LIMIT = /^\d{1,4}$/;

export function parseListQuery(params: URLSearchParams, nowMs: number): ListQuery {
  const seen = new Set<string>();
  for (const key of params.keys()) {
    if (!KNOWN.has(key)) throw badRequest(`unknown parameter "${key.slice(0, 40)}"`);
    if (seen.has(key)) throw badRequest(`parameter "${key}" is given more than once`);
    seen.add(key);
  }
  const status = optional(params, 'status', parseStatus);
  const stateMachineArn = optional(params, 'stateMachine', parseStateMachineArn);
  const since = optional(params, 'since', (text) => parseSince(text, nowMs));
  const limit = optional(params, 'limit', parseLimit) ?? DEFAULT_LIST_LIMIT;
  return {
    ...(status === undefined ? {} : { status }),
    ...(stateMachineArn === undefined ? {} : { stateMachineArn }),
    ...(since === undefined ? {} : { since }),
    limit,
  };
}

/** An empty value means "any", as an HTML form's empty option sends it. */
function optional<T>(params: URLSearchParams, key: string, parse: (text: string) => T): T | undefined {
  const text = params.get(key);
  return text === null || text === '' ? undefined : parse(text);
}

function parseStatus(text: string): StoredIncidentStatus {
  const parsed = storedIncidentStatusSchema.safeParse(text.toUpperCase());
  if (!parsed.success) throw badRequest(`status must be one of ${STORED_INCIDENT_STATUSES.join(', ')}`);
  return parsed.data;
}

function parseStateMachineArn(text: string): string {
  const arn = text.length <= MAX_ARN_CHARS ? parseArn(text) : undefined;
  if (arn === undefined || arn.service !== 'states' || !arn.resource.startsWith('stateMachine:')) {
    throw badRequest('stateMachine must be a state machine ARN (arn:aws:states:…:stateMachine:name)');
  }
  return text;
}

/** An ISO time, or a duration back from now (`30m`, `6h`, `7d`) resolved on the server's clock. */
function parseSince(text: string, nowMs: number): string {
  if (text.length > MAX_SINCE_CHARS) throw badRequest('since is too long');
  const duration = DURATION.exec(text);
  if (duration !== null) {
    const [, amount, unit] = duration;
    return new Date(nowMs - Number(amount) * (UNIT_MS[unit ?? 'm'] ?? 0)).toISOString();
  }
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw badRequest('since must be an ISO time or a duration like 30m, 6h, 7d');
  return new Date(ms).toISOString();
}

function parseLimit(text: string): number {
  const value = LIMIT.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(value) || value < 1 || value > MAX_LIST_LIMIT) {
    throw badRequest(`limit must be a whole number from 1 to ${MAX_LIST_LIMIT}`);
  }
  return value;
}
