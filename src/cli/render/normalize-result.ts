import { formatPosition } from '../../core/input/position.ts';
import type { NormalizeResult, Signal } from '../../core/signals/types.ts';

const RESULT_WIDTH = 8;
const KIND_WIDTH = 12;
const MAX_SUMMARY_WIDTH = 60;

/** The few fields an operator scans for, per kind of signal. */
export function summarizeSignal(signal: Signal): string {
  switch (signal.kind) {
    case 'execution': {
      const redrive = signal.redriveCount > 0 ? ` redrive=${signal.redriveCount}` : '';
      const error = signal.error === undefined ? '' : ` ${signal.error}`;
      return `${signal.status}${error}${redrive}`;
    }
    case 'alarm-state': {
      const previous = signal.previousState?.value ?? '?';
      const suppressed =
        signal.state.actionsSuppressedBy === undefined
          ? ''
          : ` suppressed:${signal.state.actionsSuppressedBy}`;
      return `${signal.alarmName} ${previous}->${signal.state.value}${suppressed}`;
    }
    case 'alarm-config':
      return `${signal.alarmName} ${signal.operation}`;
    case 'api-call': {
      const who =
        signal.actor.userName ?? signal.actor.sessionIssuerArn ?? signal.actor.arn ?? signal.actor.type;
      const error = signal.errorCode === undefined ? '' : ` ${signal.errorCode}`;
      return `${signal.eventName} by ${who}${error}`;
    }
  }
}

export function locate(file: string, result: NormalizeResult): string {
  const position = formatPosition(result.position);
  return position.length === 0 ? file : `${file}:${position}`;
}

/** Summary column width for a batch of results: as wide as its widest entry, within reason. */
export function summaryWidth(results: readonly NormalizeResult[]): number {
  const widths = results.map((result) =>
    result.result === 'signal' ? summarizeSignal(result.signal).length : 0,
  );
  return Math.min(MAX_SUMMARY_WIDTH, Math.max(0, ...widths));
}

/** One aligned line for people: result, kind, event time, key fields, subjects. */
export function humanLine(file: string, result: NormalizeResult, width = summaryWidth([result])): string {
  switch (result.result) {
    case 'signal': {
      const { signal } = result;
      return [
        'signal'.padEnd(RESULT_WIDTH),
        signal.kind.padEnd(KIND_WIDTH),
        signal.eventTime,
        summarizeSignal(signal).padEnd(width),
        signal.subjects.join(' '),
      ]
        .join(' ')
        .trimEnd();
    }
    case 'ignored':
      return `${'ignored'.padEnd(RESULT_WIDTH)} ${result.reason}`;
    case 'rejected':
      return `${'rejected'.padEnd(RESULT_WIDTH)} ${result.reason} at ${locate(file, result)}`;
  }
}

/** One NDJSON object for machines: `result` first, then where it came from, then the payload. */
export function jsonLine(file: string, result: NormalizeResult): string {
  const { result: outcome, position, ...payload } = result;
  return JSON.stringify({ result: outcome, file, position, ...payload });
}
