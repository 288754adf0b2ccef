/**
 * What every workload generator hands back: events in event-time order, each tagged with its
 * family, the state machines they are about, and how many events of each family there are.
 */

import type { JsonObject } from './events.ts';

export type EventFamily = 'execution' | 'alarm-state' | 'alarm-config' | 'api-call' | 'other';

export const EVENT_FAMILIES: readonly EventFamily[] = [
  'execution',
  'alarm-state',
  'alarm-config',
  'api-call',
  'other',
];

export interface GeneratedEvent {
  readonly atMs: number;
  readonly family: EventFamily;
  readonly event: JsonObject;
}

export type FamilyCounts = Readonly<Record<EventFamily, number>>;

export interface GeneratedMix {
  /** In event-time order, as the sources would send them. */
  readonly events: readonly GeneratedEvent[];
  readonly stateMachineArns: readonly string[];
  readonly counts: FamilyCounts;
}

/**
 * A workload made as it is read: each iteration of `events` generates the same events again from
 * the seed, in event-time order, holding only the few that are not due yet. A day of a busy state
 * machine is ~350k events; this way nobody has to keep them all to write or replay them.
 */
export interface GeneratedStream {
  readonly stateMachineArns: readonly string[];
  readonly events: Iterable<GeneratedEvent>;
}

export function emptyCounts(): Record<EventFamily, number> {
  return { execution: 0, 'alarm-state': 0, 'alarm-config': 0, 'api-call': 0, other: 0 };
}

export function countFamilies(events: Iterable<GeneratedEvent>): FamilyCounts {
  const counts = emptyCounts();
  for (const event of events) counts[event.family] += 1;
  return counts;
}

/** All of a stream's events at once, for callers that want the array (and can hold it). */
export function collectStream(stream: GeneratedStream): GeneratedMix {
  const events = [...stream.events];
  return { events, stateMachineArns: stream.stateMachineArns, counts: countFamilies(events) };
}
