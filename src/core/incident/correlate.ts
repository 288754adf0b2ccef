import type { CorrelationConfig } from '../config.ts';
import type { Signal } from '../signals/types.ts';
import type { Topology } from '../topology/graph.ts';
import type { HealthyTraffic } from '../traffic/traffic.ts';
import { buildIncident } from './build-incident.ts';
import { episodesOf } from './episodes.ts';
import { collectScopeSignals } from './scope-signals.ts';
import type { Incident } from './types.ts';

/**
 * The incidents of one state machine, derived from the set of its decisive signals and API calls
 * and the summary of its healthy traffic. Both merge by set union (the summary for every signal
 * within the allowed lateness), so the result is the same whatever the order of arrival and
 * however many duplicates came.
 *
 * `asOfMs` is the watermark for quiet-period resolution: the sweeper passes the wall clock; stream
 * processing passes nothing and the latest event time is used. Triggers at or before
 * `sealedThroughMs` belong to sealed incidents and open nothing (src/core/pipeline/seal.ts).
 */
export function correlateScope(
  stateMachineArn: string,
  signals: Iterable<Signal>,
  topology: Topology,
  traffic: HealthyTraffic,
  config: CorrelationConfig,
  asOfMs?: number,
  sealedThroughMs = Number.NEGATIVE_INFINITY,
): Incident[] {
  const scope = collectScopeSignals(stateMachineArn, signals, topology);
  return episodesOf(scope, traffic, config, asOfMs, sealedThroughMs).map((episode) =>
    buildIncident(scope, episode, traffic, config),
  );
}
