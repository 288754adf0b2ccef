import { z } from 'zod';
import { optionalText, regionSchema, timestampSchema } from './common.ts';
import { eventBridgeEnvelopeSchema } from './eventbridge.ts';

/** Just enough to tell whether a CloudTrail record is one of ours, before its shape is judged. */
export const cloudTrailRoutingSchema = z.object({
  eventSource: z.string(),
  eventName: z.string().nullish(),
  eventType: z.string().nullish(),
});

// accessKeyId is deliberately not listed: zod strips it, so it cannot leak into a signal.
const userIdentitySchema = z.object({
  type: optionalText,
  principalId: optionalText,
  arn: optionalText,
  accountId: optionalText,
  userName: optionalText,
  invokedBy: optionalText,
  sessionContext: z.object({ sessionIssuer: z.object({ arn: optionalText }).nullish() }).nullish(),
});

/** Only the request and response fields that name resources; everything else is dropped. */
const resourceFieldsSchema = z.object({
  /** TagResource / UntagResource / ListTagsForResource name their state machine or activity here. */
  resourceArn: optionalText,
  stateMachineArn: optionalText,
  executionArn: optionalText,
  activityArn: optionalText,
  definition: optionalText,
});

export const cloudTrailRecordSchema = z.object({
  eventVersion: optionalText,
  userIdentity: userIdentitySchema.nullish(),
  eventTime: timestampSchema,
  eventSource: z.string().min(1),
  eventName: z.string().min(1),
  awsRegion: regionSchema,
  sourceIPAddress: optionalText,
  userAgent: optionalText,
  errorCode: optionalText,
  errorMessage: optionalText,
  requestParameters: resourceFieldsSchema.nullish(),
  responseElements: resourceFieldsSchema.nullish(),
  readOnly: z.boolean().nullish(),
  eventID: z.string().min(1),
  recipientAccountId: optionalText,
});

export const cloudTrailEventSchema = eventBridgeEnvelopeSchema.extend({ detail: cloudTrailRecordSchema });

export type CloudTrailRecord = z.infer<typeof cloudTrailRecordSchema>;
