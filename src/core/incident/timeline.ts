import type { Signal } from '../signals/types.ts';
import { actorName, iso, shortName } from './describe.ts';
import type { Episode } from './episodes.ts';
import type { TimelineEntry } from './types.ts';

/** The incident's story in event time, bounded: the first and last entries are kept, the middle elided. */
export function timelineFor(
  signals: readonly Signal[],
  episode: Episode,
  limit: number,
): { entries: TimelineEntry[]; omitted: number } {
  const entries: TimelineEntry[] = [...new Map(signals.map((s) => [s.signalId, s])).values()].map(
    timelineEntryFor,
  );
  entries.push({ at: iso(episode.startMs), kind: 'incident-opened', summary: 'Incident opened' });
  for (const { resolvedAtMs, reopenedBy } of episode.reopenings) {
    entries.push({ at: iso(resolvedAtMs), kind: 'incident-resolved', summary: 'Incident resolved' });
    entries.push({
      at: iso(reopenedBy.atMs),
      kind: 'incident-reopened',
      summary: 'Incident reopened',
      signalId: reopenedBy.signal.signalId,
    });
  }
  if (episode.resolvedAtMs !== undefined) {
    entries.push({ at: iso(episode.resolvedAtMs), kind: 'incident-resolved', summary: 'Incident resolved' });
  }
  entries.sort(
    (a, b) =>
      (a.at < b.at ? -1 : a.at > b.at ? 1 : 0) ||
      (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) ||
      ((a.signalId ?? '') < (b.signalId ?? '') ? -1 : (a.signalId ?? '') > (b.signalId ?? '') ? 1 : 0),
  );
  if (entries.length <= limit) return { entries, omitted: 0 };
  const head = Math.ceil(limit / 2);
  const tail = limit - head;
  return {
    entries: [...entries.slice(0, head), ...entries.slice(entries.length - tail)],
    omitted: entries.length - limit,
  };
}

export function timelineEntryFor(signal: Signal): TimelineEntry {
  const base = { at: signal.eventTime, signalId: signal.signalId };
  switch (signal.kind) {
    case 'execution': {
      const error = signal.error === undefined ? '' : ` ${signal.error}`;
      const redrive = signal.redriveCount > 0 ? ` (redrive ${signal.redriveCount})` : '';
      return {
        ...base,
        kind: 'execution',
        summary: `Execution ${signal.executionName} ${signal.status}${error}${redrive}`,
      };
    }
    case 'alarm-state': {
      const from = signal.previousState === undefined ? '' : `${signal.previousState.value} → `;
      const suppressed =
        signal.state.actionsSuppressedBy === undefined
          ? ''
          : ` (actions suppressed: ${signal.state.actionsSuppressedBy})`;
      return {
        ...base,
        kind: 'alarm',
        summary: `Alarm ${signal.alarmName} ${from}${signal.state.value}${suppressed}`,
      };
    }
    case 'alarm-config':
      return { ...base, kind: 'alarm-config', summary: `Alarm ${signal.alarmName} ${signal.operation}d` };
    case 'api-call': {
      const target = signal.executionArn ?? signal.stateMachineArn ?? signal.activityArn;
      const on = target === undefined ? '' : ` on ${shortName(target)}`;
      const error = signal.errorCode === undefined ? '' : ` failed: ${signal.errorCode}`;
      return {
        ...base,
        kind: 'api-call',
        summary: `${signal.eventName}${on} by ${actorName(signal.actor)}${error}`,
      };
    }
  }
}
