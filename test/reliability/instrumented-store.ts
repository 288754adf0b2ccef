import type {
  CommitOutcome,
  ContextRange,
  ContextRead,
  IncidentStore,
  QuarantineEntry,
  ScopeChange,
  ScopeFiling,
  ScopeState,
} from '../../src/core/pipeline/ports.ts';
import type { Signal } from '../../src/core/signals/types.ts';
import type { Link } from '../../src/core/topology/links.ts';
import type { TrafficMinute } from '../../src/core/traffic/traffic.ts';
import { TransientStoreError } from '../../src/errors.ts';

export type StoreOperation = keyof IncidentStore;

/**
 * Decides whether one call fails, and when: `before` it reaches the store (nothing was written), or
 * `after` (it was written, but the answer was lost on the way back, as when a connection drops).
 */
export type FailurePlan = (operation: StoreOperation) => 'before' | 'after' | undefined;

/**
 * Wraps any store with counters and injected transient failures, so a test can prove that
 * conflicts really happened and that failures were survived, not merely absent.
 */
export class InstrumentedStore implements IncidentStore {
  conflicts = 0;
  commits = 0;
  injectedFailures = 0;

  constructor(
    private readonly inner: IncidentStore,
    private readonly plan: FailurePlan = () => undefined,
  ) {}

  private async call<T>(operation: StoreOperation, work: () => Promise<T>): Promise<T> {
    const when = this.plan(operation);
    if (when === 'before') this.fail(operation);
    const result = await work();
    if (when === 'after') this.fail(operation);
    return result;
  }

  private fail(operation: StoreOperation): never {
    this.injectedFailures += 1;
    throw new TransientStoreError(`injected failure of ${operation}`);
  }

  topologyVersion(): Promise<number> {
    return this.call('topologyVersion', () => this.inner.topologyVersion());
  }

  linksFrom(resources: readonly string[]): Promise<Link[]> {
    return this.call('linksFrom', () => this.inner.linksFrom(resources));
  }

  linksTo(resources: readonly string[]): Promise<Link[]> {
    return this.call('linksTo', () => this.inner.linksTo(resources));
  }

  saveLinks(links: readonly Link[]): Promise<void> {
    return this.call('saveLinks', () => this.inner.saveLinks(links));
  }

  saveSignals(signals: readonly Signal[]): Promise<void> {
    return this.call('saveSignals', () => this.inner.saveSignals(signals));
  }

  fileUnderScopes(filings: readonly ScopeFiling[]): Promise<void> {
    return this.call('fileUnderScopes', () => this.inner.fileUnderScopes(filings));
  }

  contextBetween(range: ContextRange): Promise<ContextRead> {
    return this.call('contextBetween', () => this.inner.contextBetween(range));
  }

  loadScope(stateMachineArn: string): Promise<ScopeState> {
    return this.call('loadScope', () => this.inner.loadScope(stateMachineArn));
  }

  loadScopes(stateMachineArns: readonly string[]): Promise<ReadonlyMap<string, ScopeState>> {
    return this.call('loadScopes', () => this.inner.loadScopes(stateMachineArns));
  }

  trafficHistory(stateMachineArn: string, fromMinute: number): Promise<readonly TrafficMinute[]> {
    return this.call('trafficHistory', () => this.inner.trafficHistory(stateMachineArn, fromMinute));
  }

  commitScope(stateMachineArn: string, expectedVersion: number, change: ScopeChange): Promise<CommitOutcome> {
    return this.call('commitScope', async () => {
      const outcome = await this.inner.commitScope(stateMachineArn, expectedVersion, change);
      if (outcome === 'conflict') this.conflicts += 1;
      else this.commits += 1;
      return outcome;
    });
  }

  quarantine(entries: readonly QuarantineEntry[]): Promise<void> {
    return this.call('quarantine', () => this.inner.quarantine(entries));
  }
}
