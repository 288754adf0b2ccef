import { timelineEntryFor } from '../core/incident/timeline.ts';
import { decodeInput } from '../core/input/decode.ts';
import { formatPosition } from '../core/input/position.ts';
import { normalizeValue } from '../core/signals/normalize.ts';

/** Events ready for EventBridge (or its local stand-in), and what could not be turned into one. */
export interface OutgoingEvents {
  readonly events: readonly Record<string, unknown>[];
  /** Well-formed items EventBridge would never carry (a CloudTrail Insights record, a digest file). */
  readonly skipped: readonly { readonly position: string; readonly reason: string }[];
  readonly rejected: readonly { readonly position: string; readonly reason: string }[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads an input as `incidents send` does: EventBridge events pass as they are; a raw CloudTrail
 * record (or a log file's records) is wrapped the way CloudTrail delivers it to EventBridge, so it
 * meets the same rule a deployed stack would apply.
 */
export function outgoingEventsOf(bytes: Uint8Array): OutgoingEvents {
  const events: Record<string, unknown>[] = [];
  const skipped: { position: string; reason: string }[] = [];
  const rejected: { position: string; reason: string }[] = [];
  for (const item of decodeInput(bytes)) {
    const position = formatPosition(item.position) || '(whole input)';
    if (!item.ok) rejected.push({ position, reason: item.reason });
    else if (!isObject(item.value)) rejected.push({ position, reason: 'not a JSON object' });
    else if (typeof item.value['detail-type'] === 'string') events.push(item.value);
    else if (typeof item.value.eventSource === 'string' && typeof item.value.eventID === 'string') {
      events.push(wrapCloudTrailRecord(item.value));
    } else {
      // The parser knows well-formed things of other kinds; only what it cannot read is rejected.
      const [result] = normalizeValue(item.value, item.position);
      if (result?.result === 'ignored') skipped.push({ position, reason: result.reason });
      else rejected.push({ position, reason: 'neither an EventBridge event nor a CloudTrail record' });
    }
  }
  return { events, skipped, rejected };
}

function wrapCloudTrailRecord(record: Record<string, unknown>): Record<string, unknown> {
  const source =
    typeof record.eventSource === 'string' ? `aws.${record.eventSource.split('.')[0]}` : 'aws.unknown';
  return {
    version: '0',
    id: record.eventID,
    'detail-type': 'AWS API Call via CloudTrail',
    source,
    ...(typeof record.recipientAccountId === 'string' ? { account: record.recipientAccountId } : {}),
    ...(typeof record.eventTime === 'string' ? { time: record.eventTime } : {}),
    ...(typeof record.awsRegion === 'string' ? { region: record.awsRegion } : {}),
    resources: [],
    detail: record,
  };
}

/** A one-line description of an event for progress output: what the timeline would say about it. */
export function describeEvent(event: unknown): { readonly at: string; readonly summary: string } {
  const [result] = normalizeValue(event, []);
  if (result?.result === 'signal') {
    const entry = timelineEntryFor(result.signal);
    return { at: entry.at, summary: entry.summary };
  }
  return { at: '', summary: result === undefined ? 'empty' : `${result.result}: ${result.reason}` };
}
