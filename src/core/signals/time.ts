/**
 * Timestamps as the sources spell them: CloudWatch `2019-10-02T17:04:40.989+0000`, CloudTrail and
 * EventBridge `2016-10-28T01:17:56Z`, Step Functions epoch milliseconds. Everything becomes epoch
 * milliseconds and ISO-8601 UTC with milliseconds. Dates outside 1970..9999 are not plausible
 * event times and are refused, so `toISOString` can never throw on them.
 */

const TIMESTAMP_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)$/;

export const MAX_EPOCH_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

function offsetMinutes(zone: string): number | undefined {
  if (zone === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes);
}

export function isPlausibleEpochMs(ms: number): boolean {
  return Number.isInteger(ms) && ms >= 0 && ms <= MAX_EPOCH_MS;
}

/** Epoch milliseconds of an ISO-8601 timestamp with an explicit zone, or undefined. */
export function parseTimestamp(text: string): number | undefined {
  const match = TIMESTAMP_PATTERN.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second, fraction = '', zone = 'Z'] = match;
  const fields = [year, month, day, hour, minute, second].map(Number);
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0] = fields;
  const offset = offsetMinutes(zone);
  if (offset === undefined || mo < 1 || mo > 12 || h > 23 || mi > 59 || s > 59) return undefined;
  const local = Date.UTC(y, mo - 1, d, h, mi, s, Number(fraction.slice(0, 3).padEnd(3, '0')));
  // Date.UTC rolls day 31 of a 30-day month over; a real timestamp round-trips its calendar day.
  if (new Date(local).getUTCDate() !== d || y < 1970) return undefined;
  const ms = local - offset * 60_000;
  return isPlausibleEpochMs(ms) ? ms : undefined;
}

export function toIso(ms: number): string {
  return new Date(ms).toISOString();
}

export function optionalIso(ms: number | null | undefined): string | undefined {
  return ms === null || ms === undefined ? undefined : toIso(ms);
}
