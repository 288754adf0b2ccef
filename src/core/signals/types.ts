import * as z from 'zod/mini';
import type { DeepReadonly } from '../deep-readonly.ts';
import { actorSchema, alarmStateValueSchema, executionStatusSchema } from './shared-schemas.ts';

export {
  type Actor,
  type AlarmStateValue,
  actorSchema,
  alarmStateValueSchema,
  EXECUTION_STATUSES,
  type ExecutionStatus,
  executionStatusSchema,
  type KnownExecutionStatus,
} from './shared-schemas.ts';

/**
 * The normalized event model (docs/architecture.md). Every input family is parsed once at the edge
 * into one of these variants; everything downstream trusts the types and never looks at raw JSON
 * again. The schemas are the one source of the shapes: the types are inferred from them, and the
 * store parses signals it reads back from context items with the same schemas, so the two cannot
 * drift. `zod/mini` because the incident page's client bundles the parts incidents share.
 */

const isoText = z.string().check(z.minLength(1));
const count = z.int().check(z.nonnegative());
const text = z.string();
const optionalText = z.optional(z.string());
const textList = z.array(z.string());
const textMap = z.record(z.string(), z.string());

export const signalKindSchema = z.enum(['execution', 'alarm-state', 'alarm-config', 'api-call']);
export type SignalKind = z.infer<typeof signalKindSchema>;

/** Fields every signal carries, whatever its family. */
const signalBaseFields = {
  /** Stable across redelivery: source event id plus a digest of the body (see signal-id.ts). */
  signalId: z.string().check(z.minLength(1)),
  /** The event id as the source gave it (EventBridge `id` or CloudTrail `eventID`). */
  sourceEventId: text,
  /** ISO-8601 UTC with milliseconds: when the thing happened, never when we processed it. */
  eventTime: isoText,
  eventTimeMs: z.number(),
  account: text,
  region: text,
  /** Canonical resource ARNs this signal concerns, sorted and unique. */
  subjects: textList,
  /** Dotted paths of fields that were cut to their size cap. Empty when nothing was cut. */
  truncated: textList,
};
const signalBaseSchema = z.object({ kind: signalKindSchema, ...signalBaseFields });
export type SignalBase = DeepReadonly<z.infer<typeof signalBaseSchema>>;

/** Execution input/output are not stored: only their size and a hash (docs/architecture.md). */
const payloadSummarySchema = z.object({
  included: z.boolean(),
  bytes: count,
  sha256: optionalText,
  /** Only when the operator opted in (NormalizeOptions.payloadPreviewChars): the first characters, cut. */
  preview: optionalText,
});
export type PayloadSummary = DeepReadonly<z.infer<typeof payloadSummarySchema>>;

const executionSignalSchema = z.object({
  kind: z.literal('execution'),
  ...signalBaseFields,
  executionArn: text,
  stateMachineArn: text,
  executionName: text,
  status: executionStatusSchema,
  startDate: optionalText,
  stopDate: optionalText,
  error: optionalText,
  cause: optionalText,
  /** 0 for the first run; a redriven execution keeps its ARN and counts up. */
  redriveCount: count,
  redriveDate: optionalText,
  redriveStatus: optionalText,
  stateMachineVersionArn: optionalText,
  stateMachineAliasArn: optionalText,
  mapRunArn: optionalText,
  input: payloadSummarySchema,
  output: payloadSummarySchema,
});
export type ExecutionSignal = DeepReadonly<z.infer<typeof executionSignalSchema>>;

const alarmStateSchema = z.object({
  value: alarmStateValueSchema,
  reason: optionalText,
  /** ISO-8601 UTC. */
  timestamp: isoText,
  actionsSuppressedBy: optionalText,
  actionsSuppressedReason: optionalText,
  evaluationState: optionalText,
});
export type AlarmState = DeepReadonly<z.infer<typeof alarmStateSchema>>;

const alarmMetricSchema = z.object({
  id: text,
  namespace: optionalText,
  metricName: optionalText,
  dimensions: textMap,
  stat: optionalText,
  period: z.optional(z.number()),
  expression: optionalText,
  label: optionalText,
  returnData: z.optional(z.boolean()),
});
export type AlarmMetric = DeepReadonly<z.infer<typeof alarmMetricSchema>>;

const alarmConfigurationSchema = z.object({
  /** A composite alarm has an alarm rule instead of metrics. */
  alarmType: z.enum(['metric', 'composite']),
  description: optionalText,
  metrics: z.array(alarmMetricSchema),
  threshold: z.optional(z.number()),
  comparisonOperator: optionalText,
  evaluationPeriods: z.optional(z.number()),
  treatMissingData: optionalText,
  alarmRule: optionalText,
  /** Names of the alarms a composite rule refers to (ALARM(x), OK(x), INSUFFICIENT_DATA(x)). */
  childAlarms: textList,
  actionsSuppressor: optionalText,
  actionsSuppressorWaitPeriod: z.optional(z.number()),
  actionsSuppressorExtensionPeriod: z.optional(z.number()),
  actionsEnabled: z.optional(z.boolean()),
});
export type AlarmConfiguration = DeepReadonly<z.infer<typeof alarmConfigurationSchema>>;

const alarmStateSignalSchema = z.object({
  kind: z.literal('alarm-state'),
  ...signalBaseFields,
  alarmArn: text,
  alarmName: text,
  state: alarmStateSchema,
  previousState: z.optional(alarmStateSchema),
  /** For composite alarms: the child alarm ARNs named in reasonData.triggeringAlarms. */
  triggeringAlarms: textList,
  configuration: alarmConfigurationSchema,
  tags: textMap,
});
export type AlarmStateSignal = DeepReadonly<z.infer<typeof alarmStateSignalSchema>>;

export const alarmOperationSchema = z.enum(['create', 'update', 'delete']);
export type AlarmOperation = z.infer<typeof alarmOperationSchema>;

const alarmConfigSignalSchema = z.object({
  kind: z.literal('alarm-config'),
  ...signalBaseFields,
  alarmArn: text,
  alarmName: text,
  operation: alarmOperationSchema,
  state: z.optional(alarmStateSchema),
  configuration: alarmConfigurationSchema,
  previousConfiguration: z.optional(alarmConfigurationSchema),
  tags: textMap,
});
export type AlarmConfigSignal = DeepReadonly<z.infer<typeof alarmConfigSignalSchema>>;

/** What a state machine definition refers to, extracted at the edge so the definition itself is not kept. */
const definitionSummarySchema = z.object({
  bytes: count,
  sha256: text,
  /** Canonical ARNs of Lambda functions, activities and nested state machines the definition uses. */
  resources: textList,
});
export type DefinitionSummary = DeepReadonly<z.infer<typeof definitionSummarySchema>>;

const apiCallSignalSchema = z.object({
  kind: z.literal('api-call'),
  ...signalBaseFields,
  eventName: text,
  eventSource: text,
  actor: actorSchema,
  sourceIPAddress: optionalText,
  userAgent: optionalText,
  errorCode: optionalText,
  errorMessage: optionalText,
  readOnly: z.optional(z.boolean()),
  /** Canonical ARNs named by the call (request, response, or an AccessDenied errorMessage). */
  stateMachineArn: optionalText,
  executionArn: optionalText,
  activityArn: optionalText,
  definition: z.optional(definitionSummarySchema),
});
export type ApiCallSignal = DeepReadonly<z.infer<typeof apiCallSignalSchema>>;

export const signalSchema = z.discriminatedUnion('kind', [
  executionSignalSchema,
  alarmStateSignalSchema,
  alarmConfigSignalSchema,
  apiCallSignalSchema,
]);
export type Signal = DeepReadonly<z.infer<typeof signalSchema>>;

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
