import { UsageError } from '../errors.ts';

const RELATIVE = /^(\d+)([mhd])$/;
const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since` accepts an ISO time or a duration back from now: `30m`, `6h`, `7d`. */
export function parseSince(text: string, nowMs: number): string {
  const relative = RELATIVE.exec(text);
  if (relative !== null) {
    const [, amount, unit] = relative;
    return new Date(nowMs - Number(amount) * (UNIT_MS[unit ?? 'm'] ?? 0)).toISOString();
  }
  const parsed = Date.parse(text);
  if (Number.isNaN(parsed))
    throw new UsageError(`--since must be an ISO time or a duration like 30m, 6h, 7d; got "${text}"`);
  return new Date(parsed).toISOString();
}

export function parseLimit(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 1000) {
    throw new UsageError(`--limit must be a whole number from 1 to 1000; got "${text}"`);
  }
  return value;
}
