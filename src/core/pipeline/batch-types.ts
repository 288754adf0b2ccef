import type { Incident } from '../incident/types.ts';
import type { InputPosition, NormalizeResult, Signal } from '../signals/types.ts';

/** One record of a batch as the adapter hands it over: its id (the Kinesis sequence number) and bytes. */
export interface BatchRecord {
  readonly recordId: string;
  readonly position: InputPosition;
  readonly data: Uint8Array;
  /** Set when the envelope itself could not be decoded (e.g. bad base64): `data` then holds the raw text. */
  readonly undecodable?: string;
}

export interface NormalizedRecord {
  readonly record: BatchRecord;
  readonly results: readonly NormalizeResult[];
}

/**
 * What became of each record. `failed` is transient (the store did not answer): Lambda must retry it.
 * A poison record, or one whose scope failed in a way no retry can fix, is `quarantined` and
 * acknowledged, so it never blocks its shard.
 */
export type RecordOutcome =
  | {
      readonly recordId: string;
      readonly status: 'processed';
      readonly signals: number;
      readonly quarantined: number;
    }
  | { readonly recordId: string; readonly status: 'ignored'; readonly reason: string }
  | { readonly recordId: string; readonly status: 'quarantined'; readonly reason: string }
  | { readonly recordId: string; readonly status: 'failed'; readonly reason: string };

/** A signal of the batch with every record that carried it (duplicates within a batch collapse here). */
export interface BatchSignal {
  readonly signal: Signal;
  readonly recordIds: readonly string[];
}

export interface ScopeResult {
  readonly stateMachineArn: string;
  readonly recordIds: readonly string[];
  readonly outcome:
    | {
        readonly ok: true;
        readonly changed: readonly Incident[];
        readonly attempts: number;
        /** A capped read left the view partial: the scope's incidents were left as stored. */
        readonly partial: boolean;
        /** Healthy runs that came after their minute had closed: counted, not folded. */
        readonly late: number;
      }
    /**
     * `transient`: retry the records (batch item failures). Otherwise the failure would repeat on
     * every retry, so the records are quarantined with the reason and acknowledged.
     */
    | { readonly ok: false; readonly transient: boolean; readonly reason: string };
}

export interface BatchReport {
  readonly outcomes: readonly RecordOutcome[];
  readonly scopes: readonly ScopeResult[];
  readonly counts: {
    readonly records: number;
    readonly signals: number;
    readonly duplicates: number;
    readonly ignored: number;
    readonly quarantined: number;
    readonly failed: number;
    readonly scopes: number;
    /** Scopes whose failure cannot pass with retries: their records went to quarantine. */
    readonly scopesFailedDeterministically: number;
    /** Scopes left as stored because a capped read made their view partial. */
    readonly scopesPartial: number;
    readonly incidentsChanged: number;
    /**
     * Healthy runs later than the allowed lateness (see CorrelationConfig.allowedLatenessMs), and
     * decisive signals at or before their scope's seal (docs/architecture.md, "Sealed incidents").
     */
    readonly lateSignals: number;
  };
}
