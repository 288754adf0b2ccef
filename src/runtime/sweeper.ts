import type { CorrelationConfig } from '../core/config.ts';
import { evolveScope } from '../core/pipeline/evolve-scope.ts';
import type { IncidentStore } from '../core/pipeline/ports.ts';
import type { Logger } from './logger.ts';

export interface SweeperDeps {
  readonly store: IncidentStore;
  readonly config: CorrelationConfig;
  readonly logger: Logger;
  readonly clock: () => number;
  /** State machines that have an open incident. */
  readonly openScopes: () => Promise<readonly string[]>;
}

export interface SweepReport {
  readonly scopes: number;
  readonly resolved: number;
  readonly failed: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Resolves incidents whose quiet period has passed with no new signal: stream processing only
 * moves on event time, so without this an incident whose workflow simply stopped failing (and
 * never ran again) would stay open. The wall clock is the watermark here, and only here.
 */
export async function sweep(deps: SweeperDeps): Promise<SweepReport> {
  const scopes = await deps.openScopes();
  // Validates the store's link reads before the sweep walks the topology.
  if (scopes.length > 0) await deps.store.topologyVersion();
  let resolved = 0;
  let failed = 0;
  for (const stateMachineArn of scopes) {
    try {
      const result = await evolveScope(
        stateMachineArn,
        { mode: 'sweep', asOfMs: deps.clock() },
        { store: deps.store, config: deps.config, retry: { delay: sleep, maxAttempts: 5 }, learnedLinks: [] },
      );
      if (result.partial)
        deps.logger.error(
          { stateMachineArn },
          'scope view partial (a capped context read): its incidents were left as stored',
        );
      resolved += result.changed.filter((incident) => incident.status === 'RESOLVED').length;
    } catch (error) {
      failed++;
      deps.logger.warn({ stateMachineArn, err: error }, 'sweep of scope failed; it will be retried next run');
    }
  }
  const report = { scopes: scopes.length, resolved, failed };
  deps.logger.info(report, 'sweep done');
  return report;
}
