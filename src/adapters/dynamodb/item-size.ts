import type { Incident, IncidentOmissions } from '../../core/incident/types.ts';
import { DeterministicStoreError } from '../../errors.ts';

/**
 * Items must stay far below DynamoDB's 400 KB item limit, whatever the incident. Sizes are measured
 * as UTF-8 bytes of the JSON text, which over-counts DynamoDB's own accounting (no quotes, braces
 * or commas there), so a budget measured this way is a safe one.
 */
export function serializedSize(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value, binaryAsLength), 'utf8');
}

/**
 * Binary attributes count their length, not their JSON rendering as a map of indexes. The holder's
 * own value is checked: a Node `Buffer` (what zlib returns) reaches a replacer already turned into
 * `{ type: 'Buffer', data: [...] }` by its `toJSON`, which counted each byte three or four times.
 */
function binaryAsLength(this: unknown, key: string, value: unknown): unknown {
  const original = typeof this === 'object' && this !== null ? (this as Record<string, unknown>)[key] : value;
  return original instanceof Uint8Array ? 'x'.repeat(original.byteLength) : value;
}

export type IncidentHeaderFields = Omit<Incident, 'timeline'>;

/** Text caps applied first: long causes and reasons are what usually makes a header large. */
const TRIMMED_TEXT_CHARS = { cause: 512, reason: 256, errorMessage: 256, hintMessage: 512, title: 512 };

/**
 * Shrinks a header deterministically until `measure` says it fits: first cut the long texts, then
 * halve the longest list (keeping its head) until it fits. Entries dropped from a list that has a
 * count in `omitted` (executions, alarms, API calls, hints) are added to it, as the list caps' own
 * are, so a reader knows the list is shortened; the count is in the header `measure` sees. Alarm
 * transitions, hint evidence and actors have no count: the header's `shrunk` flag covers them. The
 * same input always shrinks the same way, so replays write the same item.
 */
export function shrinkHeader(
  header: IncidentHeaderFields,
  measure: (header: IncidentHeaderFields) => number,
  maxBytes: number,
): { readonly header: IncidentHeaderFields; readonly shrunk: boolean } {
  if (measure(header) <= maxBytes) return { header, shrunk: false };
  let current = trimTexts(header);
  while (measure(current) > maxBytes) {
    const next = halveLongestList(current);
    if (next === undefined) {
      // The same incident fails the same way on every retry: quarantine, do not hold the shard.
      throw new DeterministicStoreError(`incident ${header.id} cannot be shrunk below ${maxBytes} bytes`);
    }
    current = next;
  }
  return { header: current, shrunk: true };
}

const cut = (text: string | undefined, chars: number): string | undefined =>
  text === undefined || text.length <= chars ? text : `${text.slice(0, chars - 1)}…`;

function trimTexts(header: IncidentHeaderFields): IncidentHeaderFields {
  return {
    ...header,
    title: cut(header.title, TRIMMED_TEXT_CHARS.title) ?? header.title,
    executions: header.executions.map((e) => ({ ...e, cause: cut(e.cause, TRIMMED_TEXT_CHARS.cause) })),
    alarms: header.alarms.map((alarm) => ({
      ...alarm,
      transitions: alarm.transitions.map((t) => ({ ...t, reason: cut(t.reason, TRIMMED_TEXT_CHARS.reason) })),
    })),
    apiCalls: header.apiCalls.map((call) => ({
      ...call,
      errorMessage: cut(call.errorMessage, TRIMMED_TEXT_CHARS.errorMessage),
    })),
    hints: header.hints.map((hint) => ({
      ...hint,
      message: cut(hint.message, TRIMMED_TEXT_CHARS.hintMessage) ?? hint.message,
    })),
  };
}

type ShrinkableList = 'executions' | 'apiCalls' | 'alarms' | 'transitions' | 'hints' | 'evidence' | 'actors';

/** Halves whichever list is longest (alarm transitions count per alarm); undefined when none can shrink. */
function halveLongestList(header: IncidentHeaderFields): IncidentHeaderFields | undefined {
  const half = <T>(list: readonly T[]): T[] => list.slice(0, Math.ceil(list.length / 2));
  const transitions = header.alarms.map((alarm) => alarm.transitions.length);
  const candidates: [ShrinkableList, number][] = [
    ['executions', header.executions.length],
    ['apiCalls', header.apiCalls.length],
    ['alarms', header.alarms.length],
    ['transitions', Math.max(0, ...transitions)],
    ['hints', header.hints.length],
    ['evidence', Math.max(0, ...header.hints.map((hint) => hint.evidence.length))],
    ['actors', header.actors.length],
  ];
  const [longest, length] = candidates.reduce((best, candidate) =>
    candidate[1] > best[1] ? candidate : best,
  );
  if (length <= 1) return undefined;
  const dropped = length - Math.ceil(length / 2);
  const omitting = (list: keyof IncidentOmissions): IncidentOmissions => ({
    ...header.omitted,
    [list]: header.omitted[list] + dropped,
  });
  switch (longest) {
    case 'executions':
      return { ...header, executions: half(header.executions), omitted: omitting('executions') };
    case 'apiCalls':
      return { ...header, apiCalls: half(header.apiCalls), omitted: omitting('apiCalls') };
    case 'alarms':
      return { ...header, alarms: half(header.alarms), omitted: omitting('alarms') };
    case 'transitions':
      return {
        ...header,
        alarms: header.alarms.map((alarm) =>
          alarm.transitions.length === length ? { ...alarm, transitions: half(alarm.transitions) } : alarm,
        ),
      };
    case 'hints':
      return { ...header, hints: half(header.hints), omitted: omitting('hints') };
    case 'evidence':
      return {
        ...header,
        hints: header.hints.map((hint) =>
          hint.evidence.length === length ? { ...hint, evidence: half(hint.evidence) } : hint,
        ),
      };
    case 'actors':
      return { ...header, actors: half(header.actors) };
  }
}

/**
 * Bounds a list of timeline sort keys to a byte budget by dropping from the middle, as the engine
 * bounds the timeline itself: the start and the end of an incident are what readers need.
 */
export function fitTimelineKeys<T>(
  entries: readonly T[],
  sizeOf: (entry: T) => number,
  maxBytes: number,
): { readonly kept: readonly T[]; readonly dropped: number } {
  let total = entries.reduce((sum, entry) => sum + sizeOf(entry), 0);
  if (total <= maxBytes) return { kept: entries, dropped: 0 };
  const kept = [...entries];
  while (total > maxBytes && kept.length > 0) {
    const [removed] = kept.splice(Math.floor(kept.length / 2), 1);
    if (removed !== undefined) total -= sizeOf(removed);
  }
  return { kept, dropped: entries.length - kept.length };
}

/**
 * Items as JSON text in parts of at most `maxBytes` each (one item larger than that is a part of
 * its own), in order: what one gzipped pack holds, so that even text that does not compress stays
 * far below DynamoDB's 400 KB item limit.
 */
export function partsByJsonSize<T>(
  items: readonly T[],
  toJson: (item: T) => string,
  maxBytes: number,
): { items: T[]; json: string[] }[] {
  const parts: { items: T[]; json: string[] }[] = [];
  let current: { items: T[]; json: string[] } = { items: [], json: [] };
  let bytes = 0;
  for (const item of items) {
    const json = toJson(item);
    const size = Buffer.byteLength(json) + 1;
    if (current.items.length > 0 && bytes + size > maxBytes) {
      parts.push(current);
      current = { items: [], json: [] };
      bytes = 0;
    }
    current.items.push(item);
    current.json.push(json);
    bytes += size;
  }
  if (current.items.length > 0) parts.push(current);
  return parts;
}
