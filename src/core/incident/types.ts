import type * as z from 'zod/mini';
import type { Actor, AlarmStateValue, ExecutionStatus } from '../signals/types.ts';
import type { incidentStatusSchema } from './read-model.ts';

import type { Severity } from './severity-enum.ts';

export type { Severity };
export type IncidentStatus = z.infer<typeof incidentStatusSchema>;

export interface IncidentExecution {
  readonly executionArn: string;
  readonly name: string;
  readonly status: ExecutionStatus;
  readonly redriveCount: number;
  readonly error?: string;
  readonly cause?: string;
  readonly startDate?: string;
  readonly stopDate?: string;
  readonly durationMs?: number;
  /** Present only when the operator opted in to keeping payload previews. */
  readonly inputPreview?: string;
  readonly outputPreview?: string;
  readonly signalId: string;
}

export interface AlarmTransition {
  readonly at: string;
  readonly from?: AlarmStateValue;
  readonly to: AlarmStateValue;
  readonly reason?: string;
  readonly suppressedBy?: string;
  readonly signalId: string;
}

export interface IncidentAlarm {
  readonly alarmArn: string;
  readonly alarmName: string;
  /** The state of the latest transition seen, by the alarm's own timestamp. */
  readonly state: AlarmStateValue;
  /** The resources that link the alarm to the state machine (empty: it watches the state machine itself). */
  readonly via: readonly string[];
  readonly suppressor?: string;
  readonly deleted: boolean;
  readonly transitions: readonly AlarmTransition[];
}

export interface IncidentApiCall {
  readonly eventName: string;
  readonly eventTime: string;
  readonly actor: Actor;
  readonly sourceIPAddress?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly target?: string;
  readonly signalId: string;
}

export interface IncidentActor {
  readonly arn: string;
  readonly userName?: string;
  readonly calls: number;
}

export type HintKind =
  | 'definition-updated'
  | 'execution-stopped'
  | 'alarm-fired'
  | 'alarm-suppressed'
  | 'alarm-changed'
  | 'alarm-deleted'
  | 'access-denied'
  | 'common-error';

export interface Hint {
  readonly kind: HintKind;
  readonly message: string;
  /** The signal ids that back the hint, so a reader can check it. */
  readonly evidence: readonly string[];
}

export type TimelineKind =
  | 'execution'
  | 'alarm'
  | 'alarm-config'
  | 'api-call'
  | 'incident-opened'
  | 'incident-resolved'
  | 'incident-reopened';

export interface TimelineEntry {
  readonly at: string;
  readonly kind: TimelineKind;
  readonly summary: string;
  readonly signalId?: string;
}

export interface IncidentOmissions {
  readonly executions: number;
  readonly alarms: number;
  readonly apiCalls: number;
  readonly hints: number;
}

/**
 * The traffic around an incident, from the scope's per-minute summary (whole minutes: the minute it
 * opened and the minute it resolved are counted whole). Failed runs are counted exactly.
 */
export interface IncidentTraffic {
  /** Runs that started while it was open. */
  readonly started: number;
  readonly succeeded: number;
  /** FAILED and TIMED_OUT runs while it was open. */
  readonly failed: number;
  /** The 60 minutes before the minute it opened in: runs that finished, and those that failed. */
  readonly hourBefore: { readonly finished: number; readonly failed: number };
}

export interface Incident {
  readonly id: string;
  readonly stateMachineArn: string;
  readonly title: string;
  readonly status: IncidentStatus;
  readonly severity: Severity;
  readonly openedAt: string;
  readonly lastSignalAt: string;
  readonly resolvedAt: string | null;
  readonly flapCount: number;
  readonly counts: Readonly<Record<string, number>>;
  readonly executions: readonly IncidentExecution[];
  readonly alarms: readonly IncidentAlarm[];
  readonly apiCalls: readonly IncidentApiCall[];
  readonly actors: readonly IncidentActor[];
  readonly hints: readonly Hint[];
  readonly timeline: readonly TimelineEntry[];
  /** Timeline entries left out to keep the record bounded. */
  readonly timelineOmitted: number;
  /**
   * What the list caps (`config.limits`) left out of the lists above, counted so a reader knows a
   * list is shortened. Caps never change status, opening, resolution, severity or counts.
   */
  readonly omitted: IncidentOmissions;
  /** Every signal id that contributed, for idempotence checks and evidence. */
  readonly signalCount: number;
  readonly traffic: IncidentTraffic;
}
