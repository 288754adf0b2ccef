/**
 * The normalized event model (DESIGN §3). Every input family is parsed once at the edge into one
 * of these variants; everything downstream trusts the types and never looks at raw JSON again.
 */

export type SignalKind = 'execution' | 'alarm-state' | 'alarm-config' | 'api-call';

/** Fields every signal carries, whatever its family. */
export interface SignalBase {
  readonly kind: SignalKind;
  /** Stable across redelivery: source event id plus a digest of the body (see signal-id.ts). */
  readonly signalId: string;
  /** The event id as the source gave it (EventBridge `id` or CloudTrail `eventID`). */
  readonly sourceEventId: string;
  /** ISO-8601 UTC with milliseconds: when the thing happened, never when we processed it. */
  readonly eventTime: string;
  readonly eventTimeMs: number;
  readonly account: string;
  readonly region: string;
  /** Canonical resource ARNs this signal concerns, sorted and unique. */
  readonly subjects: readonly string[];
  /** Dotted paths of fields that were cut to their size cap. Empty when nothing was cut. */
  readonly truncated: readonly string[];
}

export const EXECUTION_STATUSES = [
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
  'PENDING_REDRIVE',
] as const;
export type KnownExecutionStatus = (typeof EXECUTION_STATUSES)[number];
/** Future statuses are kept verbatim instead of crashing the parser. */
export type ExecutionStatus = KnownExecutionStatus | `UNKNOWN:${string}`;

/** Execution input/output are not stored: only their size and a hash (DESIGN §5). */
export interface PayloadSummary {
  readonly included: boolean;
  readonly bytes: number;
  readonly sha256?: string;
  /** Only when the operator opted in (NormalizeOptions.payloadPreviewChars): the first characters, cut. */
  readonly preview?: string;
}

export interface ExecutionSignal extends SignalBase {
  readonly kind: 'execution';
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly executionName: string;
  readonly status: ExecutionStatus;
  readonly startDate?: string;
  readonly stopDate?: string;
  readonly error?: string;
  readonly cause?: string;
  /** 0 for the first run; a redriven execution keeps its ARN and counts up. */
  readonly redriveCount: number;
  readonly redriveDate?: string;
  readonly redriveStatus?: string;
  readonly stateMachineVersionArn?: string;
  readonly stateMachineAliasArn?: string;
  readonly mapRunArn?: string;
  readonly input: PayloadSummary;
  readonly output: PayloadSummary;
}

export type AlarmStateValue = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface AlarmState {
  readonly value: AlarmStateValue;
  readonly reason?: string;
  /** ISO-8601 UTC. */
  readonly timestamp: string;
  readonly actionsSuppressedBy?: string;
  readonly actionsSuppressedReason?: string;
  readonly evaluationState?: string;
}

export interface AlarmMetric {
  readonly id: string;
  readonly namespace?: string;
  readonly metricName?: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly stat?: string;
  readonly period?: number;
  readonly expression?: string;
  readonly label?: string;
  readonly returnData?: boolean;
}

export interface AlarmConfiguration {
  /** A composite alarm has an alarm rule instead of metrics. */
  readonly alarmType: 'metric' | 'composite';
  readonly description?: string;
  readonly metrics: readonly AlarmMetric[];
  readonly threshold?: number;
  readonly comparisonOperator?: string;
  readonly evaluationPeriods?: number;
  readonly treatMissingData?: string;
  readonly alarmRule?: string;
  /** Names of the alarms a composite rule refers to (ALARM(x), OK(x), INSUFFICIENT_DATA(x)). */
  readonly childAlarms: readonly string[];
  readonly actionsSuppressor?: string;
  readonly actionsSuppressorWaitPeriod?: number;
  readonly actionsSuppressorExtensionPeriod?: number;
  readonly actionsEnabled?: boolean;
}

export interface AlarmStateSignal extends SignalBase {
  readonly kind: 'alarm-state';
  readonly alarmArn: string;
  readonly alarmName: string;
  readonly state: AlarmState;
  readonly previousState?: AlarmState;
  /** For composite alarms: the child alarm ARNs named in reasonData.triggeringAlarms. */
  readonly triggeringAlarms: readonly string[];
  readonly configuration: AlarmConfiguration;
  readonly tags: Readonly<Record<string, string>>;
}

export type AlarmOperation = 'create' | 'update' | 'delete';

export interface AlarmConfigSignal extends SignalBase {
  readonly kind: 'alarm-config';
  readonly alarmArn: string;
  readonly alarmName: string;
  readonly operation: AlarmOperation;
  readonly state?: AlarmState;
  readonly configuration: AlarmConfiguration;
  readonly previousConfiguration?: AlarmConfiguration;
  readonly tags: Readonly<Record<string, string>>;
}

/** Who made an API call. Access keys are deliberately absent: they are never kept. */
export interface Actor {
  readonly type: string;
  readonly arn?: string;
  readonly principalId?: string;
  readonly accountId?: string;
  readonly userName?: string;
  /** For assumed roles: the session issuer's ARN (the role), which is what operators recognise. */
  readonly sessionIssuerArn?: string;
  readonly invokedBy?: string;
}

/** What a state machine definition refers to, extracted at the edge so the definition itself is not kept. */
export interface DefinitionSummary {
  readonly bytes: number;
  readonly sha256: string;
  /** Canonical ARNs of Lambda functions, activities and nested state machines the definition uses. */
  readonly resources: readonly string[];
}

export interface ApiCallSignal extends SignalBase {
  readonly kind: 'api-call';
  readonly eventName: string;
  readonly eventSource: string;
  readonly actor: Actor;
  readonly sourceIPAddress?: string;
  readonly userAgent?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly readOnly?: boolean;
  /** Canonical ARNs named by the call (request, response, or an AccessDenied errorMessage). */
  readonly stateMachineArn?: string;
  readonly executionArn?: string;
  readonly activityArn?: string;
  readonly definition?: DefinitionSummary;
}

export type Signal = ExecutionSignal | AlarmStateSignal | AlarmConfigSignal | ApiCallSignal;

/** Where an item came from, so a rejection can point at it: e.g. ["Records", 3, "kinesis", "data"]. */
export type InputPosition = readonly (string | number)[];

export type NormalizeResult =
  | { readonly result: 'signal'; readonly position: InputPosition; readonly signal: Signal }
  | {
      readonly result: 'ignored';
      readonly position: InputPosition;
      readonly reason: string;
      readonly source?: string;
      readonly detailType?: string;
    }
  | { readonly result: 'rejected'; readonly position: InputPosition; readonly reason: string };
