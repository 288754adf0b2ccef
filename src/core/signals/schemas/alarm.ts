import { z } from 'zod';
import { alarmStateValueSchema } from '../shared-schemas.ts';
import { alarmOperationSchema } from '../types.ts';
import { optionalText, timestampSchema } from './common.ts';
import { eventBridgeEnvelopeSchema } from './eventbridge.ts';

export const alarmStateSchema = z.object({
  value: alarmStateValueSchema,
  reason: optionalText,
  // A JSON document inside a string; parsed defensively later, never a reason to reject.
  reasonData: optionalText,
  timestamp: timestampSchema,
  actionsSuppressedBy: optionalText,
  actionsSuppressedReason: optionalText,
  evaluationState: optionalText,
});

const dimensionsSchema = z.record(z.string(), z.string());

const metricSchema = z.object({
  id: z.string(),
  metricStat: z
    .object({
      metric: z.object({
        namespace: optionalText,
        name: optionalText,
        dimensions: dimensionsSchema.nullish(),
      }),
      period: z.number().nullish(),
      stat: optionalText,
    })
    .nullish(),
  expression: optionalText,
  label: optionalText,
  returnData: z.boolean().nullish(),
  period: z.number().nullish(),
});

export const alarmConfigurationSchema = z.object({
  description: optionalText,
  metrics: z.array(metricSchema).nullish(),
  threshold: z.number().nullish(),
  comparisonOperator: optionalText,
  evaluationPeriods: z.number().nullish(),
  treatMissingData: optionalText,
  alarmRule: optionalText,
  actionsSuppressor: optionalText,
  actionsSuppressorWaitPeriod: z.number().nullish(),
  actionsSuppressorExtensionPeriod: z.number().nullish(),
  actionsEnabled: z.boolean().nullish(),
  timestamp: timestampSchema.nullish(),
});

const alarmTagsSchema = z.record(z.string(), z.string()).nullish();

/** `detail` of "CloudWatch Alarm State Change". */
export const alarmStateDetailSchema = z.object({
  alarmName: z.string().min(1),
  state: alarmStateSchema,
  previousState: alarmStateSchema.nullish(),
  configuration: alarmConfigurationSchema.nullish(),
  alarmTags: alarmTagsSchema,
});

/** `detail` of "CloudWatch Alarm Configuration Change". */
export const alarmConfigDetailSchema = z.object({
  alarmName: z.string().min(1),
  operation: alarmOperationSchema,
  state: alarmStateSchema.nullish(),
  configuration: alarmConfigurationSchema,
  previousConfiguration: alarmConfigurationSchema.nullish(),
  alarmTags: alarmTagsSchema,
});

export const alarmStateEventSchema = eventBridgeEnvelopeSchema.extend({ detail: alarmStateDetailSchema });
export const alarmConfigEventSchema = eventBridgeEnvelopeSchema.extend({ detail: alarmConfigDetailSchema });

export type RawAlarmState = z.infer<typeof alarmStateSchema>;
export type RawAlarmConfiguration = z.infer<typeof alarmConfigurationSchema>;
export type AlarmStateEvent = z.infer<typeof alarmStateEventSchema>;
export type AlarmConfigEvent = z.infer<typeof alarmConfigEventSchema>;
