/**
 * Releases events in event-time order while they are still being made, holding only those not
 * yet due. A generator that walks time forward adds what each happening emits (some of it minutes
 * ahead), then takes out everything earlier than the next time it will emit at. Ties keep the
 * order events were added in, exactly as a stable sort of the whole list would.
 */

import type { EventSink } from './emitters.ts';
import type { JsonObject } from './events.ts';
import type { EventFamily, GeneratedEvent } from './generated.ts';
import { MinHeap } from './min-heap.ts';
import type { Random } from './random.ts';

interface Pending {
  readonly event: GeneratedEvent;
  /** Insertion order: breaks ties in event time. */
  readonly order: number;
}

export class TimeOrderedQueue implements EventSink {
  private readonly pending = new MinHeap<Pending>(
    (a, b) => a.event.atMs < b.event.atMs || (a.event.atMs === b.event.atMs && a.order < b.order),
  );
  private added = 0;

  constructor(private readonly random: Random) {}

  /** Events held, not yet taken: what the generator keeps in memory. */
  get size(): number {
    return this.pending.size;
  }

  id(): string {
    return this.random.uuid();
  }

  add(atMs: number, family: EventFamily, event: JsonObject): void {
    this.pending.push({ event: { atMs, family, event }, order: this.added++ });
  }

  /** Every held event before `atMs` (all of them without it), earliest first. */
  *takeBefore(atMs = Number.POSITIVE_INFINITY): Generator<GeneratedEvent> {
    for (let first = this.pending.peek(); first !== undefined && first.event.atMs < atMs; ) {
      this.pending.pop();
      yield first.event;
      first = this.pending.peek();
    }
  }
}
