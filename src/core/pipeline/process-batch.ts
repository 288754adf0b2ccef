import { catchError, from, lastValueFrom, map, mergeMap, of, toArray } from 'rxjs';
import { isTransient } from '../../errors.ts';
import type { CorrelationConfig } from '../config.ts';
import { redactSecrets } from '../redact-secrets.ts';
import type { NormalizeResult } from '../signals/types.ts';
import type { BatchRecord, BatchReport, RecordOutcome, ScopeResult } from './batch-types.ts';
import { collectGroups } from './collect-groups.ts';
import { evolveScope } from './evolve-scope.ts';
import { evolveScopes } from './evolve-scopes.ts';
import { normalizeRecords } from './normalize-records.ts';
import { planBatch } from './plan-batch.ts';
import type { IncidentStore, QuarantineEntry, ScopeState } from './ports.ts';
import { type PreparedBatch, prepareBatch, type ScopeAssignment } from './prepare-batch.ts';
import { withScopeStates } from './with-scope-states.ts';

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
}

/**
 * One batch end to end: decode → normalize → dedupe → bulk context and topology → group by scope
 * → one bulk read of the scopes' states → evolve and commit each scope → an outcome for every
 * record, so a handler can build `batchItemFailures` from the failed ones.
 */
export function processBatch(records: readonly BatchRecord[], deps: PipelineDeps): Promise<BatchReport> {
  const batch$ = from(records).pipe(
    normalizeRecords(deps.normalize),
    toArray(),
    map((normalized) => planBatch(normalized, new Date(deps.now()).toISOString())),
    mergeMap((plan) =>
      from(prepareBatch(plan, deps.store, deps.config)).pipe(
        mergeMap((prepared) =>
          evolveAllScopes(prepared, deps).pipe(
            mergeMap((scopes) => from(quarantineFailedScopes(records, scopes, deps))),
            map(({ scopes, quarantined }) => report(records, prepared, scopes, quarantined)),
          ),
        ),
        catchError((error: unknown) =>
          isTransient(error)
            ? of(contextFailure(records, plan, error))
            : from(settleRecordByRecord(records, error, deps)),
        ),
      ),
    ),
  );
  return lastValueFrom(batch$);
}

function evolveAllScopes(prepared: PreparedBatch, deps: PipelineDeps) {
  return from(prepared.assignments).pipe(
    collectGroups((assignment) => assignment.stateMachineArn),
    withScopeStates<ScopeAssignment>((keys) => deps.store.loadScopes(keys)),
    evolveScopes(
      ({ group, state }) => evolveGroup(group.key, group.items, prepared, deps, state),
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
  state: ScopeState | undefined,
): Promise<ScopeResult> {
  const recordIds = [...new Set(assignments.flatMap((a) => a.recordIds))];
  try {
    const result = await evolveScope(
      stateMachineArn,
      { mode: 'batch', signals: assignments.map((a) => a.signal) },
      {
        store: deps.store,
        config: deps.config,
        retry: { delay: deps.delay, maxAttempts: deps.maxCommitAttempts },
        learnedLinks: prepared.learnedLinks,
      },
      state,
    );
    return {
      stateMachineArn,
      recordIds,
      outcome: {
        ok: true,
        changed: result.changed,
        attempts: result.attempts,
        partial: result.partial,
        late: result.late,
      },
    };
  } catch (error) {
    return {
      stateMachineArn,
      recordIds,
      outcome: { ok: false, transient: isTransient(error), reason: describe(error) },
    };
  }
}

/**
 * The records of scopes that failed for good go to quarantine, with the reason and their bytes, and
 * are acknowledged: a retry would fail the same way and hold the shard. A record that some other
 * scope needs retried stays a batch item failure (the retry is idempotent). If the quarantine write
 * itself fails, the records are retried instead: nothing is acknowledged that was not kept.
 */
async function quarantineFailedScopes(
  records: readonly BatchRecord[],
  scopes: readonly ScopeResult[],
  deps: PipelineDeps,
): Promise<{ scopes: readonly ScopeResult[]; quarantined: ReadonlyMap<string, string> }> {
  const retried = new Set<string>();
  const reasons = new Map<string, string>();
  for (const scope of scopes) {
    if (scope.outcome.ok) continue;
    for (const id of scope.recordIds) {
      if (scope.outcome.transient) retried.add(id);
      else if (!reasons.has(id))
        reasons.set(id, `scope ${scope.stateMachineArn} failed for good: ${scope.outcome.reason}`);
    }
  }
  for (const id of retried) reasons.delete(id);
  if (reasons.size === 0) return { scopes, quarantined: reasons };
  const quarantinedAt = new Date(deps.now()).toISOString();
  const entries = records
    .filter((record) => reasons.has(record.recordId))
    .map((record): QuarantineEntry => {
      const { bytes, redactions } = redactSecrets(record.data);
      return {
        recordId: record.recordId,
        position: record.position,
        reason: reasons.get(record.recordId) ?? 'scope failed for good',
        raw: bytes,
        rawRedactions: redactions,
        quarantinedAt,
      };
    });
  try {
    await deps.store.quarantine(entries);
    return { scopes, quarantined: reasons };
  } catch (error) {
    const reason = `could not quarantine after a deterministic failure: ${describe(error)}`;
    const failedToo = scopes.map(
      (scope): ScopeResult =>
        scope.outcome.ok || scope.outcome.transient
          ? scope
          : { ...scope, outcome: { ok: false, transient: true, reason } },
    );
    return { scopes: failedToo, quarantined: new Map() };
  }
}

function report(
  records: readonly BatchRecord[],
  prepared: PreparedBatch,
  scopes: readonly ScopeResult[],
  quarantined: ReadonlyMap<string, string>,
): BatchReport {
  const failedBy = new Map<string, string>();
  for (const scope of scopes) {
    if (scope.outcome.ok || !scope.outcome.transient) continue;
    for (const id of scope.recordIds) failedBy.set(id, scope.outcome.reason);
  }
  const settled = new Map(prepared.plan.settled.map((outcome) => [outcome.recordId, outcome]));
  const outcomes = records.map((record): RecordOutcome => {
    const early = settled.get(record.recordId);
    if (early !== undefined) return early;
    const failure = failedBy.get(record.recordId);
    if (failure !== undefined) return { recordId: record.recordId, status: 'failed', reason: failure };
    const lost = quarantined.get(record.recordId);
    if (lost !== undefined) return { recordId: record.recordId, status: 'quarantined', reason: lost };
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

/**
 * The batch-wide store work failed in a way a retry would repeat (an item the table refuses, a bug):
 * find the records responsible instead of holding the shard. Alone, a record is quarantined with the
 * reason; in a batch, each record is processed on its own, so the good ones still land.
 */
async function settleRecordByRecord(
  records: readonly BatchRecord[],
  error: unknown,
  deps: PipelineDeps,
): Promise<BatchReport> {
  const [only] = records;
  if (only !== undefined && records.length === 1) {
    const reason = `failed for good: ${describe(error)}`;
    const { bytes, redactions } = redactSecrets(only.data);
    try {
      await deps.store.quarantine([
        {
          recordId: only.recordId,
          position: only.position,
          reason,
          raw: bytes,
          rawRedactions: redactions,
          quarantinedAt: new Date(deps.now()).toISOString(),
        },
      ]);
      return summarize([{ recordId: only.recordId, status: 'quarantined', reason }], [], 0, 0, 0);
    } catch (quarantineError) {
      const failed = `could not quarantine after a deterministic failure: ${describe(quarantineError)}`;
      return summarize([{ recordId: only.recordId, status: 'failed', reason: failed }], [], 0, 0, 0);
    }
  }
  const reports: BatchReport[] = [];
  for (const record of records) reports.push(await processBatch([record], deps));
  return mergeReports(reports);
}

function mergeReports(reports: readonly BatchReport[]): BatchReport {
  const merged = summarize(
    reports.flatMap((r) => r.outcomes),
    reports.flatMap((r) => r.scopes),
    0,
    0,
    0,
  );
  const sum = (field: 'signals' | 'duplicates' | 'ignored') =>
    reports.reduce((n, r) => n + r.counts[field], 0);
  return {
    ...merged,
    counts: {
      ...merged.counts,
      signals: sum('signals'),
      duplicates: sum('duplicates'),
      ignored: sum('ignored'),
    },
  };
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
      scopesFailedDeterministically: scopes.filter((s) => !s.outcome.ok && !s.outcome.transient).length,
      scopesPartial: scopes.filter((s) => s.outcome.ok && s.outcome.partial).length,
      incidentsChanged: scopes.reduce((n, s) => n + (s.outcome.ok ? s.outcome.changed.length : 0), 0),
      lateSignals: scopes.reduce((n, s) => n + (s.outcome.ok ? s.outcome.late : 0), 0),
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
