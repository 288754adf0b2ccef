/// <reference lib="dom" />
import { h } from './dom.ts';

/** Small pieces both views use. Severity and status are text first; colour only repeats the word. */

export function severityBadge(severity: string): HTMLElement {
  return h('span', { class: `badge sev sev-${severity.toLowerCase()}`, 'data-testid': 'severity' }, severity);
}

export function statusBadge(status: string): HTMLElement {
  return h('span', { class: `badge status status-${status.toLowerCase()}`, 'data-testid': 'status' }, status);
}

const TONES: Readonly<Record<string, string>> = {
  FAILED: 'failed',
  TIMED_OUT: 'failed',
  ABORTED: 'aborted',
  SUCCEEDED: 'succeeded',
  RUNNING: 'running',
  PENDING_REDRIVE: 'running',
  ALARM: 'failed',
  OK: 'succeeded',
  INSUFFICIENT_DATA: 'aborted',
};

export function outcomeBadge(value: string): HTMLElement {
  return h('span', { class: `badge outcome tone-${TONES[value] ?? 'unknown'}` }, value);
}

export function errorMessage(text: string): HTMLElement {
  return h('p', { class: 'message error', role: 'alert' }, text);
}
