import { type ContextClass, contextClassOf } from '../core/context/context-class.ts';
import type { Incident } from '../core/incident/types.ts';
import { evolveState } from '../core/pipeline/decide-scope.ts';
import {
  type CommitOutcome,
  type ContextRange,
  type ContextRead,
  EMPTY_SCOPE_STATE,
  type IncidentStore,
  type QuarantineEntry,
  type ScopeChange,
  type ScopeFiling,
  type ScopeState,
} from '../core/pipeline/ports.ts';
import { compareSignals } from '../core/signals/order.ts';
import type { Signal } from '../core/signals/types.ts';
import { type Link, linkKey } from '../core/topology/links.ts';
import { subjectPartitionsOf } from '../core/topology/members.ts';
import { HOUR_MINUTES, type TrafficMinute } from '../core/traffic/traffic.ts';

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
    { readonly state: ScopeState; readonly incidents: ReadonlyMap<string, Incident> }
  >();
  /** Each scope's traffic history: the closed hours its summary moved off the state, by hour. */
  private readonly trafficHours = new Map<string, Map<number, readonly TrafficMinute[]>>();
  private readonly maxContextItemsPerRead: number;
  readonly quarantined: QuarantineEntry[] = [];

  constructor(options: MemoryStoreOptions = {}) {
    this.maxContextItemsPerRead = options.maxContextItemsPerRead ?? Number.POSITIVE_INFINITY;
  }

  private topology = 0;

  /** Every read here sees the links as they are; the version still moves like the table's. */
  async topologyVersion(): Promise<number> {
    return this.topology;
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
    let fresh = false;
    for (const link of links) {
      const key = linkKey(link);
      const stored = this.linksByFrom.get(link.from)?.get(key);
      if (stored?.source === link.source) continue;
      fresh = true;
      index(this.linksByFrom, link.from).set(key, link);
      index(this.linksByTo, link.to).set(key, link);
    }
    if (fresh) this.topology += 1;
  }

  async saveSignals(signals: readonly Signal[]): Promise<void> {
    for (const signal of signals) {
      const contextClass = contextClassOf(signal);
      if (contextClass === undefined) continue;
      for (const subject of subjectPartitionsOf(signal)) {
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

  async fileUnderScopes(filings: readonly ScopeFiling[]): Promise<void> {
    for (const { stateMachineArn, signal } of filings) {
      const contextClass = contextClassOf(signal);
      if (contextClass === undefined) continue;
      const key = scopeContextKey(contextClass, stateMachineArn);
      let kept = this.context.get(key);
      if (kept === undefined) {
        kept = new TimeSortedSignals();
        this.context.set(key, kept);
      }
      kept.add(signal);
    }
  }

  async contextBetween(range: ContextRange): Promise<ContextRead> {
    const found = new Map<string, Signal>();
    let complete = true;
    const keys =
      range.scope !== undefined
        ? [scopeContextKey(range.contextClass, range.scope)]
        : [...new Set(range.subjects)].map((subject) => contextKey(range.contextClass, subject));
    for (const key of keys) {
      const kept = this.context.get(key);
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

  async loadScope(stateMachineArn: string): Promise<ScopeState> {
    return this.scopes.get(stateMachineArn)?.state ?? EMPTY_SCOPE_STATE;
  }

  async trafficHistory(stateMachineArn: string, fromMinute: number): Promise<readonly TrafficMinute[]> {
    const fromHour = Math.floor(fromMinute / HOUR_MINUTES);
    return [...(this.trafficHours.get(stateMachineArn) ?? new Map<number, readonly TrafficMinute[]>())]
      .filter(([hour]) => hour >= fromHour)
      .sort((a, b) => a[0] - b[0])
      .flatMap(([, minutes]) => minutes);
  }

  async loadScopes(stateMachineArns: readonly string[]): Promise<ReadonlyMap<string, ScopeState>> {
    return new Map(stateMachineArns.map((arn) => [arn, this.scopes.get(arn)?.state ?? EMPTY_SCOPE_STATE]));
  }

  async commitScope(
    stateMachineArn: string,
    expectedVersion: number,
    change: ScopeChange,
  ): Promise<CommitOutcome> {
    const current = this.scopes.get(stateMachineArn) ?? { state: EMPTY_SCOPE_STATE, incidents: new Map() };
    if (current.state.version !== expectedVersion) return 'conflict';
    const incidents = new Map(current.incidents);
    for (const { id } of change.superseded) incidents.delete(id);
    for (const incident of change.incidents) incidents.set(incident.id, incident);
    this.scopes.set(stateMachineArn, { state: evolveState(current.state, change), incidents });
    if (change.archived !== undefined && change.archived.length > 0) {
      const hours = this.trafficHours.get(stateMachineArn) ?? new Map<number, readonly TrafficMinute[]>();
      for (const { hour, minutes } of change.archived) hours.set(hour, minutes);
      this.trafficHours.set(stateMachineArn, hours);
    }
    return 'committed';
  }

  async quarantine(entries: readonly QuarantineEntry[]): Promise<void> {
    this.quarantined.push(...entries);
  }

  /** Every incident of every scope, oldest first. */
  allIncidents(): Incident[] {
    return [...this.scopes.values()]
      .flatMap((scope) => [...scope.incidents.values()])
      .sort((a, b) => (a.openedAt < b.openedAt ? -1 : a.openedAt > b.openedAt ? 1 : a.id < b.id ? -1 : 1));
  }
}

const contextKey = (contextClass: ContextClass, subject: string) => `${contextClass}|${subject}`;
const scopeContextKey = (contextClass: ContextClass, stateMachineArn: string) =>
  `${contextClass}|scope|${stateMachineArn}`;

const compare = compareSignals;

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
