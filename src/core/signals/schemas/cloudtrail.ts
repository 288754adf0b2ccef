import { z } from 'zod';
import { optionalText, regionSchema, timestampSchema } from './common.ts';
import { eventBridgeEnvelopeSchema } from './eventbridge.ts';

/** A field read for routing only: anything but a string reads as absent, never as a failure. */
const routingText = z.string().optional().catch(undefined);

/**
 * Just enough to tell what kind of CloudTrail record this is, before its shape is judged. Each
 * field is read on its own, so one of the wrong type cannot hide what the others say: a record
 * naming another service is that service's, whatever else is wrong with it.
 */
export const cloudTrailRoutingSchema = z.object({
  eventSource: routingText,
  eventName: routingText,
  /** `AwsApiCall`, `AwsServiceEvent`, `AwsConsoleAction`, `AwsConsoleSignIn`, `AwsVpceEvent`, `AwsCloudTrailInsight`. */
  eventType: routingText,
  /** `Management`, `Data`, `NetworkActivity` or `Insight`; older records have none. */
  eventCategory: routingText,
  /** Only Insights events have it: what the unusual activity was about (for the ignore reason). */
  insightDetails: z
    .object({
      state: routingText,
      eventSource: routingText,
      eventName: routingText,
      insightType: routingText,
    })
    .optional()
    .catch(undefined),
});

export type CloudTrailRouting = z.infer<typeof cloudTrailRoutingSchema>;

/**
 * A CloudTrail digest file (log file integrity validation), which trails deliver next to their log
 * files: recognized by the fields every digest has, so that it is ignored instead of rejected.
 */
export const cloudTrailDigestFileSchema = z.object({
  digestStartTime: z.string(),
  digestEndTime: z.string(),
  logFiles: z.array(z.unknown()),
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
  // Routing reads these leniently; on a record of ours, a value of the wrong type is a broken field.
  eventType: optionalText,
  eventCategory: optionalText,
  recipientAccountId: optionalText,
});

export const cloudTrailEventSchema = eventBridgeEnvelopeSchema.extend({ detail: cloudTrailRecordSchema });

export type CloudTrailRecord = z.infer<typeof cloudTrailRecordSchema>;
