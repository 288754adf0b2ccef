/// <reference lib="dom" />
import { h } from './dom.ts';

/**
 * Times are shown in UTC, the one clock every on-call engineer and every AWS log shares; the
 * reader's local time is in the `title`, on hover.
 */

/** `2026-11-20 08:58:30 UTC` (or without seconds). */
export function utcText(iso: string, seconds = true): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const text = new Date(ms).toISOString().replace('T', ' ');
  return `${seconds ? text.slice(0, 19) : text.slice(0, 16)} UTC`;
}

/** `09:22:03` in UTC. */
export function utcClock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

/** One formatter for the page: `toLocaleString` with options builds a new one per call, which is slow. */
let localFormat: Intl.DateTimeFormat | undefined;

export function localText(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  // timeStyle 'long' carries the zone name (dateStyle/timeStyle exclude a separate timeZoneName).
  localFormat ??= new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'long' });
  return `Local time: ${localFormat.format(ms)}`;
}

/** A `<time>` showing UTC, with local time on hover. */
export function timeElement(iso: string, text: string = utcText(iso)): HTMLTimeElement {
  return h('time', { datetime: iso, title: localText(iso) }, text);
}

const UNITS: readonly (readonly [string, number])[] = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['min', 60_000],
  ['s', 1_000],
];

/** The two largest units: `2 min 35 s`, `1 h 5 min`, `3 d 4 h`; below a second, `450 ms`. */
export function durationText(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const parts: string[] = [];
  let rest = ms;
  for (const [unit, size] of UNITS) {
    const amount = Math.floor(rest / size);
    if (amount > 0 || parts.length > 0) {
      if (amount > 0) parts.push(`${amount} ${unit}`);
      rest -= amount * size;
    }
    if (parts.length === 2 || (parts.length === 1 && amount === 0)) break;
  }
  return parts.join(' ');
}

/** How long ago, coarsely: `just now`, `5 min`, `3 h 12 min`, `2 d 4 h`. */
export function ageText(fromMs: number, nowMs: number): string {
  const age = nowMs - fromMs;
  if (age < 60_000) return age < -60_000 ? 'in the future' : 'just now';
  return durationText(Math.floor(age / 60_000) * 60_000);
}
