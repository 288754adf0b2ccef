import type { Incident } from '../incident/types.ts';
import type { InputPosition, Signal } from '../signals/types.ts';
import type { Link } from '../topology/links.ts';

/** A bad record kept with its reason and raw bytes, so nothing is silently dropped. */
export interface QuarantineEntry {
  readonly recordId: string;
  readonly position: InputPosition;
  readonly reason: string;
  /** The bytes that arrived, with access keys and secret-named values masked (see redact-secrets.ts). */
  readonly raw: Uint8Array;
  readonly rawRedactions: number;
  /** ISO time the record was quarantined (processing time, passed in). */
  readonly quarantinedAt: string;
}

/** The incidents of one scope as last committed, with the version the next commit must match. */
export interface ScopeState {
  readonly incidents: readonly Incident[];
  readonly version: number;
}

export interface ScopeChange {
  readonly incidents: readonly Incident[];
  readonly superseded: readonly { readonly id: string; readonly mergedInto: string | undefined }[];
}

export type CommitOutcome = 'committed' | 'conflict';

/**
 * What the pipeline needs from storage. The in-memory store serves tests and `incidents correlate`;
 * the DynamoDB store serves Lambda and local mode. Every write is idempotent: replaying a batch
 * writes the same items again.
 */
export interface IncidentStore {
  /** Links whose `from` is one of these resources. */
  linksFrom(resources: readonly string[]): Promise<Link[]>;
  /** Links whose `to` is one of these resources. */
  linksTo(resources: readonly string[]): Promise<Link[]>;
  saveLinks(links: readonly Link[]): Promise<void>;
  /** Keeps each signal under each of its subjects. */
  saveSignals(signals: readonly Signal[]): Promise<void>;
  /** Signals kept under any of these subjects with an event time at or after `sinceMs`. */
  signalsOf(subjects: readonly string[], sinceMs: number): Promise<Signal[]>;
  loadScope(stateMachineArn: string): Promise<ScopeState>;
  /**
   * Writes the changed incidents of a scope if its version is still `expectedVersion`; never throws on
   * a conflict. `superseded` are stored incidents that late signals merged into another one.
   */
  commitScope(stateMachineArn: string, expectedVersion: number, change: ScopeChange): Promise<CommitOutcome>;
  quarantine(entries: readonly QuarantineEntry[]): Promise<void>;
}
