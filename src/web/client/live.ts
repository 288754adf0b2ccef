/// <reference lib="dom" />
import { type ChangeMessage, changeMessageSchema } from '../api-schema.ts';
import { byId, replaceChildren } from './dom.ts';
import { utcClock } from './format.ts';

/**
 * Keeps a view current: server-sent events when the server streams the table's changes,
 * polling otherwise; the header's indicator says which, and when the data was last updated.
 *
 * A view subscribes first and loads its data once the subscription stands, so no change can fall
 * between the two; a reconnection reloads, since changes made while away were never sent.
 */

export type LiveMode = 'connecting' | 'live' | 'reconnecting' | 'polling' | 'offline';

export interface LiveOptions {
  /** Reloads the view's data (after a reconnection, or on each poll). */
  readonly reload: () => Promise<void>;
  readonly onChange: (message: ChangeMessage) => void;
}

const POLL_MS = 15_000;
/** A server that neither confirms nor refuses the stream this fast is not kept waiting on. */
const CONNECT_WAIT_MS = 3_000;

/** Resolves once changes are followed, or polling was chosen instead; never rejects. */
export function followChanges(options: LiveOptions): Promise<void> {
  return new Promise((resolve) => {
    if (typeof EventSource === 'undefined') {
      poll(options.reload);
      resolve();
      return;
    }
    // Set once the view may have loaded without the stream: every `ready` from then on reloads.
    let viewLoaded = false;
    const release = () => {
      viewLoaded = true;
      resolve();
    };
    const waited = setTimeout(release, CONNECT_WAIT_MS);
    const events = new EventSource('/api/events');
    setMode('connecting');
    events.addEventListener('ready', () => {
      setMode('live');
      clearTimeout(waited);
      if (viewLoaded) void options.reload().catch(() => setMode('reconnecting'));
      release();
    });
    events.addEventListener('change', (event) => {
      if (!(event instanceof MessageEvent) || typeof event.data !== 'string') return;
      const parsed = changeMessageSchema.safeParse(safeJson(event.data));
      if (!parsed.success) return;
      options.onChange(parsed.data);
      markUpdated();
    });
    events.addEventListener('error', () => {
      // CLOSED: the server refused the stream (no live feed, or too many pages open): poll.
      if (events.readyState === EventSource.CLOSED) {
        events.close();
        clearTimeout(waited);
        poll(options.reload);
        release();
      } else {
        setMode('reconnecting');
      }
    });
  });
}

function poll(reload: () => Promise<void>): void {
  setMode('polling');
  setInterval(() => {
    reload().then(
      () => {
        setMode('polling');
        markUpdated();
      },
      () => setMode('offline'),
    );
  }, POLL_MS);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const LABELS: Readonly<Record<LiveMode, string>> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  polling: `Refreshing every ${POLL_MS / 1000} s`,
  offline: 'Server unreachable',
};

let mode: LiveMode = 'connecting';
let updatedAt: number | undefined;

function setMode(next: LiveMode): void {
  mode = next;
  render();
}

/** Called by views after their data was loaded or changed. */
export function markUpdated(): void {
  updatedAt = Date.now();
  render();
}

function render(): void {
  const indicator = byId('live', HTMLElement);
  indicator.dataset.state = mode;
  const updated = updatedAt === undefined ? '' : ` · updated ${utcClock(updatedAt)} UTC`;
  replaceChildren(indicator, `${LABELS[mode]}${updated}`);
  indicator.title =
    updatedAt === undefined ? '' : `Last updated ${new Date(updatedAt).toLocaleTimeString()} (local time)`;
}
