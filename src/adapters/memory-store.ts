import type { Incident } from '../core/incident/types.ts';
import type {
  CommitOutcome,
  IncidentStore,
  QuarantineEntry,
  ScopeChange,
  ScopeState,
} from '../core/pipeline/ports.ts';
import type { Signal } from '../core/signals/types.ts';
import { type Link, linkKey } from '../core/topology/links.ts';

/** The store behind `incidents correlate` and the engine's tests: same contract as DynamoDB, in memory. */
export class MemoryIncidentStore implements IncidentStore {
  // Indexed both ways: a scan of every link per lookup dominated the in-process benchmark.
  private readonly linksByFrom = new Map<string, Map<string, Link>>();
  private readonly linksByTo = new Map<string, Map<string, Link>>();
  private readonly signalsBySubject = new Map<string, Map<string, Signal>>();
  private readonly scopes = new Map<string, ScopeState>();
  readonly quarantined: QuarantineEntry[] = [];

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
      for (const subject of signal.subjects) {
        const kept = this.signalsBySubject.get(subject) ?? new Map<string, Signal>();
        kept.set(signal.signalId, signal);
        this.signalsBySubject.set(subject, kept);
      }
    }
  }

  async signalsOf(subjects: readonly string[], sinceMs: number): Promise<Signal[]> {
    const found = new Map<string, Signal>();
    for (const subject of subjects) {
      for (const signal of this.signalsBySubject.get(subject)?.values() ?? []) {
        if (signal.eventTimeMs >= sinceMs) found.set(signal.signalId, signal);
      }
    }
    return [...found.values()];
  }

  async loadScope(stateMachineArn: string): Promise<ScopeState> {
    return this.scopes.get(stateMachineArn) ?? { incidents: [], version: 0 };
  }

  async commitScope(
    stateMachineArn: string,
    expectedVersion: number,
    change: ScopeChange,
  ): Promise<CommitOutcome> {
    const current = this.scopes.get(stateMachineArn) ?? { incidents: [], version: 0 };
    if (current.version !== expectedVersion) return 'conflict';
    const byId = new Map(current.incidents.map((incident) => [incident.id, incident]));
    for (const { id } of change.superseded) byId.delete(id);
    for (const incident of change.incidents) byId.set(incident.id, incident);
    this.scopes.set(stateMachineArn, { incidents: [...byId.values()], version: expectedVersion + 1 });
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

function index(byResource: Map<string, Map<string, Link>>, resource: string): Map<string, Link> {
  const known = byResource.get(resource);
  if (known !== undefined) return known;
  const created = new Map<string, Link>();
  byResource.set(resource, created);
  return created;
}
