import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { recordsFromKinesisEvent } from '../adapters/kinesis-records.ts';
import type { CorrelationConfig } from '../core/config.ts';
import { normalizeBatchRecordWith } from '../core/pipeline/normalize-batch-record.ts';
import type { IncidentStore } from '../core/pipeline/ports.ts';
import { processBatch } from '../core/pipeline/process-batch.ts';
import { DEFAULT_NORMALIZE_OPTIONS, type NormalizeOptions } from '../core/signals/normalize-options.ts';
import type { Logger } from './logger.ts';

export interface KinesisConsumerDeps {
  readonly store: IncidentStore;
  readonly config: CorrelationConfig;
  readonly logger: Logger;
  readonly clock: () => number;
  readonly scopeConcurrency?: number;
  readonly maxCommitAttempts?: number;
  /** Opt-in payload previews; by default execution input/output are reduced to size and hash. */
  readonly normalizeOptions?: NormalizeOptions;
}

export type KinesisConsumer = (event: KinesisStreamEvent) => Promise<KinesisStreamBatchResponse>;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The consumer behind the Lambda handler and the local event source mapping. A poison record is
 * quarantined and acknowledged; a record whose scope could not be stored is reported in
 * `batchItemFailures` so Lambda retries it (from the lowest failed sequence number).
 */
export function createKinesisConsumer(deps: KinesisConsumerDeps): KinesisConsumer {
  const normalize = normalizeBatchRecordWith(deps.normalizeOptions ?? DEFAULT_NORMALIZE_OPTIONS);
  return async (event) => {
    const started = deps.clock();
    const records = recordsFromKinesisEvent(event);
    const report = await processBatch(records, {
      store: deps.store,
      config: deps.config,
      normalize,
      now: deps.clock,
      delay: sleep,
      scopeConcurrency: deps.scopeConcurrency ?? 8,
      maxCommitAttempts: deps.maxCommitAttempts ?? 6,
    });
    const failures = report.outcomes.filter((outcome) => outcome.status === 'failed');
    // Deterministic scope failures and partial views need a person: they are errors, not retries.
    const needsAttention = report.counts.scopesFailedDeterministically > 0 || report.counts.scopesPartial > 0;
    const log = needsAttention
      ? deps.logger.error.bind(deps.logger)
      : failures.length > 0
        ? deps.logger.warn.bind(deps.logger)
        : deps.logger.info.bind(deps.logger);
    log(
      {
        ...report.counts,
        durationMs: deps.clock() - started,
        shard: event.Records[0]?.eventID.split(':')[0],
        failureReasons: [...new Set(failures.map((f) => (f.status === 'failed' ? f.reason : '')))].slice(
          0,
          5,
        ),
        ...(needsAttention
          ? {
              scopeProblems: report.scopes
                .filter((scope) => !scope.outcome.ok || scope.outcome.partial)
                .slice(0, 5)
                .map((scope) => ({
                  stateMachineArn: scope.stateMachineArn,
                  problem: scope.outcome.ok
                    ? 'view partial: a capped context read; incidents left as stored'
                    : scope.outcome.reason,
                })),
            }
          : {}),
      },
      needsAttention ? 'kinesis batch processed with scopes needing attention' : 'kinesis batch processed',
    );
    return { batchItemFailures: failures.map((outcome) => ({ itemIdentifier: outcome.recordId })) };
  };
}
