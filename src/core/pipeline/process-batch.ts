import { catchError, from, groupBy, lastValueFrom, map, mergeMap, of, toArray } from 'rxjs';
import type { CorrelationConfig } from '../config.ts';
import type { NormalizeResult } from '../signals/types.ts';
import type { BatchRecord, BatchReport, RecordOutcome, ScopeResult } from './batch-types.ts';
import { evolveScope } from './evolve-scope.ts';
import { normalizeRecords } from './normalize-records.ts';
import { planBatch } from './plan-batch.ts';
import type { IncidentStore } from './ports.ts';
import { type PreparedBatch, prepareBatch, type ScopeAssignment } from './prepare-batch.ts';

export interface PipelineDeps {
  readonly store: IncidentStore;
  readonly config: CorrelationConfig;
  readonly normalize: (record: BatchRecord) => readonly NormalizeResult[];
  /** Processing time, for quarantine stamps only: correlation itself runs on event time. */
  readonly now: () => number;
  readonly delay: (ms: number) => Promise<void>;
  /** Scopes evolved at once; each costs a few store round trips. */
  readonly scopeConcurrency: number;
  readonly maxCommitAttempts: number;
  readonly asOfMs?: number;
}

/**
 * One batch end to end: decode → normalize → dedupe → bulk context and topology → group by scope
 * → evolve and commit each scope → an outcome for every record, so a handler can build
 * `batchItemFailures` from the failed ones.
 */
export function processBatch(records: readonly BatchRecord[], deps: PipelineDeps): Promise<BatchReport> {
  const batch$ = from(records).pipe(
    normalizeRecords(deps.normalize),
    toArray(),
    map((normalized) => planBatch(normalized, new Date(deps.now()).toISOString())),
    mergeMap((plan) =>
      from(prepareBatch(plan, deps.store, deps.config)).pipe(
        mergeMap((prepared) =>
          evolveAllScopes(prepared, deps).pipe(map((scopes) => report(records, prepared, scopes))),
        ),
        catchError((error: unknown) => of(contextFailure(records, plan, error))),
      ),
    ),
  );
  return lastValueFrom(batch$);
}

function evolveAllScopes(prepared: PreparedBatch, deps: PipelineDeps) {
  return from(prepared.assignments).pipe(
    groupBy((assignment) => assignment.stateMachineArn),
    mergeMap(
      (group$) =>
        group$.pipe(
          toArray(),
          mergeMap((assignments) => evolveGroup(group$.key, assignments, prepared, deps)),
        ),
      deps.scopeConcurrency,
    ),
    toArray(),
  );
}

async function evolveGroup(
  stateMachineArn: string,
  assignments: readonly ScopeAssignment[],
  prepared: PreparedBatch,
  deps: PipelineDeps,
): Promise<ScopeResult> {
  const recordIds = [...new Set(assignments.flatMap((a) => a.recordIds))];
  try {
    const result = await evolveScope(
      stateMachineArn,
      assignments.map((a) => a.signal),
      prepared.learnedLinks,
      {
        store: deps.store,
        config: deps.config,
        delay: deps.delay,
        maxAttempts: deps.maxCommitAttempts,
        asOfMs: deps.asOfMs,
      },
    );
    return {
      stateMachineArn,
      recordIds,
      outcome: { ok: true, changed: result.changed, attempts: result.attempts },
    };
  } catch (error) {
    return { stateMachineArn, recordIds, outcome: { ok: false, reason: describe(error) } };
  }
}

function report(
  records: readonly BatchRecord[],
  prepared: PreparedBatch,
  scopes: readonly ScopeResult[],
): BatchReport {
  const failedBy = new Map<string, string>();
  for (const scope of scopes) {
    if (!scope.outcome.ok) for (const id of scope.recordIds) failedBy.set(id, scope.outcome.reason);
  }
  const settled = new Map(prepared.plan.settled.map((outcome) => [outcome.recordId, outcome]));
  const outcomes = records.map((record): RecordOutcome => {
    const early = settled.get(record.recordId);
    if (early !== undefined) return early;
    const failure = failedBy.get(record.recordId);
    if (failure !== undefined) return { recordId: record.recordId, status: 'failed', reason: failure };
    const carried = prepared.plan.carrying.get(record.recordId) ?? { signals: 0, quarantined: 0 };
    return { recordId: record.recordId, status: 'processed', ...carried };
  });
  return summarize(
    outcomes,
    scopes,
    prepared.plan.signals.length,
    prepared.plan.duplicates,
    prepared.plan.ignored,
  );
}

/** The batch-wide store work failed: nothing is acknowledged except what needed no store at all. */
function contextFailure(
  records: readonly BatchRecord[],
  plan: ReturnType<typeof planBatch>,
  error: unknown,
): BatchReport {
  const reason = describe(error);
  const ignored = new Set(plan.settled.filter((o) => o.status === 'ignored').map((o) => o.recordId));
  const outcomes = records.map(
    (record): RecordOutcome =>
      ignored.has(record.recordId)
        ? { recordId: record.recordId, status: 'ignored', reason: 'not ours' }
        : { recordId: record.recordId, status: 'failed', reason },
  );
  return summarize(outcomes, [], plan.signals.length, plan.duplicates, plan.ignored);
}

function summarize(
  outcomes: readonly RecordOutcome[],
  scopes: readonly ScopeResult[],
  signals: number,
  duplicates: number,
  ignored: number,
): BatchReport {
  const count = (status: RecordOutcome['status']) => outcomes.filter((o) => o.status === status).length;
  return {
    outcomes,
    scopes,
    counts: {
      records: outcomes.length,
      signals,
      duplicates,
      ignored,
      quarantined:
        count('quarantined') +
        outcomes.reduce((n, o) => n + (o.status === 'processed' ? o.quarantined : 0), 0),
      failed: count('failed'),
      scopes: scopes.length,
      incidentsChanged: scopes.reduce((n, s) => n + (s.outcome.ok ? s.outcome.changed.length : 0), 0),
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
