import type { ContextClass } from '../context/context-class.ts';
import type { Incident } from '../incident/types.ts';
import type { InputPosition, Signal } from '../signals/types.ts';
import type { Link } from '../topology/links.ts';
import {
  EMPTY_TRAFFIC,
  type TrafficHour,
  type TrafficMinute,
  type TrafficState,
} from '../traffic/traffic.ts';
import type { ScopeSeal } from './seal.ts';

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

/**
 * What the engine needs to know of a stored incident: enough to find open ones, to tell which ones
 * a new derivation no longer gives (superseded), and whether a derived one changed (its digest).
 * Not the incident itself: reading every recent incident whole on every batch cost a Query each.
 */
export interface StoredIncidentSummary extends Pick<Incident, 'id' | 'status' | 'openedAt'> {
  /**
   * When it resolved; undefined if open, or unknown (entries written before it was kept: the engine
   * then re-derives the incident when traffic reaches it, which writes the entry anew).
   */
  readonly resolvedAt: string | null | undefined;
}

/**
 * One scope as last committed: its incidents, its healthy-traffic summary, and the version the
 * next commit must match. Bounded, whatever the traffic: what the engine reads of a scope per batch.
 */
export interface ScopeState {
  /** The scope's recent incidents (at least every one inside the context horizon). */
  readonly incidents: readonly StoredIncidentSummary[];
  /**
   * `incidentDigest` of each stored incident as the engine derived it (before any shrinking), by id.
   * Missing for items written before digests existed: those are rewritten once.
   */
  readonly digests: ReadonlyMap<string, string>;
  readonly traffic: TrafficState;
  /**
   * `membersDigest` of the subjects the scope's context partition was last completed for (see
   * readScope); undefined before the first derivation, or on items of older engines.
   */
  readonly membersDigest: string | undefined;
  /** Where the scope's incidents are final (seal.ts); undefined until one is sealed. */
  readonly seal: ScopeSeal | undefined;
  readonly version: number;
}

/**
 * One read of filed context: the signals of one class in a time range, kept either under any of
 * `subjects` (every signal is, under each of its own) or under the `scope` they were assigned to.
 */
export type ContextRange = (
  | { readonly subjects: readonly string[]; readonly scope?: never }
  | { readonly scope: string; readonly subjects?: never }
) & {
  readonly contextClass: ContextClass;
  /** Inclusive lower bound on event time. */
  readonly fromMs: number;
  /** Inclusive upper bound on event time; absent means "up to the newest". */
  readonly toMs?: number;
};

/** A scope nothing was committed for yet. */
export const EMPTY_SCOPE_STATE: ScopeState = {
  incidents: [],
  digests: new Map(),
  traffic: EMPTY_TRAFFIC,
  membersDigest: undefined,
  seal: undefined,
  version: 0,
};

export interface ContextRead {
  readonly signals: readonly Signal[];
  /**
   * False when a safety cap cut the read short. The engine then knows its view is partial and
   * leaves the scope's stored incidents exactly as they are (DESIGN §3: no silent caps).
   */
  readonly complete: boolean;
}

export interface ScopeChange {
  readonly incidents: readonly Incident[];
  readonly superseded: readonly { readonly id: string; readonly mergedInto: string | undefined }[];
  /** The scope's traffic summary after the batch (written with the incidents, in one commit). */
  readonly traffic: TrafficState;
  /** Closed hours the summary moved to the scope's traffic history: written in the same commit. */
  readonly archived?: readonly TrafficHour[];
  /** The members the scope's context partition is complete for now; absent keeps the stored one. */
  readonly membersDigest?: string | undefined;
  /** The scope's seal after this commit; absent keeps the stored one. */
  readonly seal?: ScopeSeal | undefined;
}

/** A kept signal assigned to a scope: filed under the scope too, so deriving it is one read. */
export interface ScopeFiling {
  readonly stateMachineArn: string;
  readonly signal: Signal;
}

export type CommitOutcome = 'committed' | 'conflict';

/**
 * What the pipeline needs from storage. The in-memory store serves tests and `incidents correlate`;
 * the DynamoDB store serves Lambda and local mode. Every write is idempotent: replaying a batch
 * writes the same items again.
 */
export interface IncidentStore {
  /**
   * The topology's version: raised after every write of links nobody had stored yet. Read before
   * a batch (or a sweep) reads links, and again after it filed its signals (docs/architecture.md,
   * "Topology once per batch"); a store that keeps link reads between batches checks them here.
   */
  topologyVersion(): Promise<number>;
  /** Links whose `from` is one of these resources. */
  linksFrom(resources: readonly string[]): Promise<Link[]>;
  /** Links whose `to` is one of these resources. */
  linksTo(resources: readonly string[]): Promise<Link[]>;
  saveLinks(links: readonly Link[]): Promise<void>;
  /**
   * Keeps each signal under each of its subjects that can join a scope later (`subjectPartitionsOf`:
   * not its execution, not its state machine), filed by `contextClassOf(signal)`. Healthy runs are
   * never passed here: they live in the scope's traffic summary.
   */
  saveSignals(signals: readonly Signal[]): Promise<void>;
  /** Keeps each signal under the scope it was assigned to as well, filed by class like `saveSignals`. */
  fileUnderScopes(filings: readonly ScopeFiling[]): Promise<void>;
  /** Every signal in the range (deduplicated by id, any order), or as many as a cap allows, saying so. */
  contextBetween(range: ContextRange): Promise<ContextRead>;
  loadScope(stateMachineArn: string): Promise<ScopeState>;
  /**
   * The minutes of the scope's traffic history (hours its summary moved there) from `fromMinute`'s
   * hour on, oldest first; bounded by the horizon, whatever the traffic (docs/architecture.md).
   */
  trafficHistory(stateMachineArn: string, fromMinute: number): Promise<readonly TrafficMinute[]>;
  /** `loadScope` for every scope a batch touches, in one bulk read. */
  loadScopes(stateMachineArns: readonly string[]): Promise<ReadonlyMap<string, ScopeState>>;
  /**
   * Writes the changed incidents of a scope if its version is still `expectedVersion`; never throws on
   * a conflict. `superseded` are stored incidents that late signals merged into another one.
   */
  commitScope(stateMachineArn: string, expectedVersion: number, change: ScopeChange): Promise<CommitOutcome>;
  quarantine(entries: readonly QuarantineEntry[]): Promise<void>;
}
