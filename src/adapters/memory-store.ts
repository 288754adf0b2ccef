import { type ContextClass, contextClassOf } from '../core/context/context-class.ts';
import { incidentDigest } from '../core/incident/digest.ts';
import type { Incident } from '../core/incident/types.ts';
import type {
  CommitOutcome,
  ContextRange,
  ContextRead,
  IncidentStore,
  QuarantineEntry,
  ScopeChange,
  ScopeState,
} from '../core/pipeline/ports.ts';
import type { Signal } from '../core/signals/types.ts';
import { type Link, linkKey } from '../core/topology/links.ts';

export interface MemoryStoreOptions {
  /**
   * Signals one read returns per subject before it says it was cut (`complete: false`). Unbounded
   * by default; tests set it low to exercise the engine's partial-view path.
   */
  readonly maxContextItemsPerRead?: number;
}

/** The store behind `incidents correlate` and the engine's tests: same contract as DynamoDB, in memory. */
export class MemoryIncidentStore implements IncidentStore {
  // Indexed both ways: a scan of every link per lookup dominated the in-process benchmark.
  private readonly linksByFrom = new Map<string, Map<string, Link>>();
  private readonly linksByTo = new Map<string, Map<string, Link>>();
  /** Filed like the DynamoDB partitions: one time-sorted list per (class, subject). */
  private readonly context = new Map<string, TimeSortedSignals>();
  private readonly scopes = new Map<
    string,
    { incidents: Incident[]; digests: Map<string, string>; version: number }
  >();
  private readonly maxContextItemsPerRead: number;
  readonly quarantined: QuarantineEntry[] = [];

  constructor(options: MemoryStoreOptions = {}) {
    this.maxContextItemsPerRead = options.maxContextItemsPerRead ?? Number.POSITIVE_INFINITY;
  }

  async linksFrom(resources: readonly string[]): Promise<Link[]> {
    return [...new Set(resources)].flatMap((resource) => [
      ...(this.linksByFrom.get(resource)?.values() ?? []),
    ]);
  }

  async linksTo(resources: readonly string[]): Promise<Link[]> {
    return [...new Set(resources)].flatMap((resource) => [...(this.linksByTo.get(resource)?.values() ?? [])]);
  }

  async saveLinks(links: readonly Link[]): Promise<void> {
    for (const link of links) {
      const key = linkKey(link);
      index(this.linksByFrom, link.from).set(key, link);
      index(this.linksByTo, link.to).set(key, link);
    }
  }

  async saveSignals(signals: readonly Signal[]): Promise<void> {
    for (const signal of signals) {
      const contextClass = contextClassOf(signal);
      for (const subject of signal.subjects) {
        const key = contextKey(contextClass, subject);
        let kept = this.context.get(key);
        if (kept === undefined) {
          kept = new TimeSortedSignals();
          this.context.set(key, kept);
        }
        kept.add(signal);
      }
    }
  }

  async contextBetween(range: ContextRange): Promise<ContextRead> {
    const found = new Map<string, Signal>();
    let complete = true;
    for (const subject of new Set(range.subjects)) {
      const kept = this.context.get(contextKey(range.contextClass, subject));
      if (kept === undefined) continue;
      const slice = kept.between(range.fromMs, range.toMs ?? Number.POSITIVE_INFINITY);
      // Like DynamoDB reading newest first under a cap: what is cut is the oldest.
      const cut = slice.length > this.maxContextItemsPerRead;
      if (cut) complete = false;
      for (const signal of cut ? slice.slice(slice.length - this.maxContextItemsPerRead) : slice) {
        found.set(signal.signalId, signal);
      }
    }
    return { signals: [...found.values()], complete };
  }

  async contextEdge(range: ContextRange, edge: 'first' | 'last'): Promise<Signal | undefined> {
    let best: Signal | undefined;
    for (const subject of new Set(range.subjects)) {
      const kept = this.context.get(contextKey(range.contextClass, subject));
      const candidate = kept?.edge(range.fromMs, range.toMs ?? Number.POSITIVE_INFINITY, edge);
      if (candidate === undefined) continue;
      if (
        best === undefined ||
        (edge === 'first' ? compare(candidate, best) < 0 : compare(candidate, best) > 0)
      )
        best = candidate;
    }
    return best;
  }

  async loadScope(stateMachineArn: string): Promise<ScopeState> {
    const scope = this.scopes.get(stateMachineArn);
    if (scope === undefined) return { incidents: [], digests: new Map(), version: 0 };
    return {
      incidents: scope.incidents.map(({ id, status, openedAt }) => ({ id, status, openedAt })),
      digests: new Map(scope.digests),
      version: scope.version,
    };
  }

  async commitScope(
    stateMachineArn: string,
    expectedVersion: number,
    change: ScopeChange,
  ): Promise<CommitOutcome> {
    const current = this.scopes.get(stateMachineArn) ?? { incidents: [], digests: new Map(), version: 0 };
    if (current.version !== expectedVersion) return 'conflict';
    const byId = new Map(current.incidents.map((incident) => [incident.id, incident]));
    const digests = new Map(current.digests);
    for (const { id } of change.superseded) {
      byId.delete(id);
      digests.delete(id);
    }
    for (const incident of change.incidents) {
      byId.set(incident.id, incident);
      digests.set(incident.id, incidentDigest(incident));
    }
    this.scopes.set(stateMachineArn, {
      incidents: [...byId.values()],
      digests,
      version: expectedVersion + 1,
    });
    return 'committed';
  }

  async quarantine(entries: readonly QuarantineEntry[]): Promise<void> {
    this.quarantined.push(...entries);
  }

  /** Every incident of every scope, oldest first. */
  allIncidents(): Incident[] {
    return [...this.scopes.values()]
      .flatMap((scope) => scope.incidents)
      .sort((a, b) => (a.openedAt < b.openedAt ? -1 : a.openedAt > b.openedAt ? 1 : a.id < b.id ? -1 : 1));
  }
}

const contextKey = (contextClass: ContextClass, subject: string) => `${contextClass}|${subject}`;

const compare = (a: Signal, b: Signal): number =>
  a.eventTimeMs - b.eventTimeMs || (a.signalId < b.signalId ? -1 : a.signalId > b.signalId ? 1 : 0);

/** Signals kept in event-time order, each once: range reads by binary search, as a sort key would give. */
class TimeSortedSignals {
  private readonly sorted: Signal[] = [];
  private readonly ids = new Set<string>();

  add(signal: Signal): void {
    if (this.ids.has(signal.signalId)) return;
    this.ids.add(signal.signalId);
    // Arrivals are mostly in time order: appending is the common case.
    const last = this.sorted.at(-1);
    if (last === undefined || compare(last, signal) < 0) {
      this.sorted.push(signal);
      return;
    }
    this.sorted.splice(this.firstAtOrAfter(signal), 0, signal);
  }

  between(fromMs: number, toMs: number): Signal[] {
    return this.sorted.slice(this.firstFrom(fromMs), this.firstFrom(toMs + 1));
  }

  edge(fromMs: number, toMs: number, edge: 'first' | 'last'): Signal | undefined {
    const start = this.firstFrom(fromMs);
    const end = this.firstFrom(toMs + 1);
    if (start >= end) return undefined;
    return this.sorted[edge === 'first' ? start : end - 1];
  }

  /** Index of the first signal with an event time at or after `ms`. */
  private firstFrom(ms: number): number {
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.sorted[mid]?.eventTimeMs ?? Number.POSITIVE_INFINITY) < ms) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  private firstAtOrAfter(signal: Signal): number {
    let low = 0;
    let high = this.sorted.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      const here = this.sorted[mid];
      if (here !== undefined && compare(here, signal) < 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

function index(byResource: Map<string, Map<string, Link>>, resource: string): Map<string, Link> {
  const known = byResource.get(resource);
  if (known !== undefined) return known;
  const created = new Map<string, Link>();
  byResource.set(resource, created);
  return created;
}
