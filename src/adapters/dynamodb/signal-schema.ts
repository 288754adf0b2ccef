import { z } from 'zod';
import { EXECUTION_STATUSES } from '../../core/signals/types.ts';

/**
 * The normalized `Signal` union as a schema, for signals read back from context items. Fields are
 * listed in the order of the types in core/signals/types.ts.
 */

const isoText = z.string().min(1);
const count = z.number().int().nonnegative();

export const executionStatusSchema = z.union([
  z.enum(EXECUTION_STATUSES),
  z.templateLiteral(['UNKNOWN:', z.string()]),
]);
export const alarmStateValueSchema = z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']);

const payloadSummarySchema = z.object({
  included: z.boolean(),
  bytes: count,
  sha256: z.string().optional(),
  preview: z.string().optional(),
});

const alarmStateSchema = z.object({
  value: alarmStateValueSchema,
  reason: z.string().optional(),
  timestamp: isoText,
  actionsSuppressedBy: z.string().optional(),
  actionsSuppressedReason: z.string().optional(),
  evaluationState: z.string().optional(),
});

const alarmMetricSchema = z.object({
  id: z.string(),
  namespace: z.string().optional(),
  metricName: z.string().optional(),
  dimensions: z.record(z.string(), z.string()),
  stat: z.string().optional(),
  period: z.number().optional(),
  expression: z.string().optional(),
  label: z.string().optional(),
  returnData: z.boolean().optional(),
});

const alarmConfigurationSchema = z.object({
  alarmType: z.enum(['metric', 'composite']),
  description: z.string().optional(),
  metrics: z.array(alarmMetricSchema),
  threshold: z.number().optional(),
  comparisonOperator: z.string().optional(),
  evaluationPeriods: z.number().optional(),
  treatMissingData: z.string().optional(),
  alarmRule: z.string().optional(),
  childAlarms: z.array(z.string()),
  actionsSuppressor: z.string().optional(),
  actionsSuppressorWaitPeriod: z.number().optional(),
  actionsSuppressorExtensionPeriod: z.number().optional(),
  actionsEnabled: z.boolean().optional(),
});

export const actorSchema = z.object({
  type: z.string(),
  arn: z.string().optional(),
  principalId: z.string().optional(),
  accountId: z.string().optional(),
  userName: z.string().optional(),
  sessionIssuerArn: z.string().optional(),
  invokedBy: z.string().optional(),
});

const signalBaseFields = {
  signalId: z.string().min(1),
  sourceEventId: z.string(),
  eventTime: isoText,
  eventTimeMs: z.number().finite(),
  account: z.string(),
  region: z.string(),
  subjects: z.array(z.string()),
  truncated: z.array(z.string()),
};

const executionSignalSchema = z.object({
  kind: z.literal('execution'),
  ...signalBaseFields,
  executionArn: z.string(),
  stateMachineArn: z.string(),
  executionName: z.string(),
  status: executionStatusSchema,
  startDate: z.string().optional(),
  stopDate: z.string().optional(),
  error: z.string().optional(),
  cause: z.string().optional(),
  redriveCount: count,
  redriveDate: z.string().optional(),
  redriveStatus: z.string().optional(),
  stateMachineVersionArn: z.string().optional(),
  stateMachineAliasArn: z.string().optional(),
  mapRunArn: z.string().optional(),
  input: payloadSummarySchema,
  output: payloadSummarySchema,
});

const alarmStateSignalSchema = z.object({
  kind: z.literal('alarm-state'),
  ...signalBaseFields,
  alarmArn: z.string(),
  alarmName: z.string(),
  state: alarmStateSchema,
  previousState: alarmStateSchema.optional(),
  triggeringAlarms: z.array(z.string()),
  configuration: alarmConfigurationSchema,
  tags: z.record(z.string(), z.string()),
});

const alarmConfigSignalSchema = z.object({
  kind: z.literal('alarm-config'),
  ...signalBaseFields,
  alarmArn: z.string(),
  alarmName: z.string(),
  operation: z.enum(['create', 'update', 'delete']),
  state: alarmStateSchema.optional(),
  configuration: alarmConfigurationSchema,
  previousConfiguration: alarmConfigurationSchema.optional(),
  tags: z.record(z.string(), z.string()),
});

const apiCallSignalSchema = z.object({
  kind: z.literal('api-call'),
  ...signalBaseFields,
  eventName: z.string(),
  eventSource: z.string(),
  actor: actorSchema,
  sourceIPAddress: z.string().optional(),
  userAgent: z.string().optional(),
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
  readOnly: z.boolean().optional(),
  stateMachineArn: z.string().optional(),
  executionArn: z.string().optional(),
  activityArn: z.string().optional(),
  definition: z.object({ bytes: count, sha256: z.string(), resources: z.array(z.string()) }).optional(),
});

export const signalSchema = z.discriminatedUnion('kind', [
  executionSignalSchema,
  alarmStateSignalSchema,
  alarmConfigSignalSchema,
  apiCallSignalSchema,
]);
