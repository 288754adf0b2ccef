import { z } from 'zod';
import { accountSchema, regionSchema, timestampSchema } from './common.ts';

/** Just enough to route an EventBridge event to its family, before its shape is judged. */
export const eventBridgeRoutingSchema = z.object({
  source: z.string(),
  'detail-type': z.string(),
});

/** The EventBridge envelope every family shares; families narrow `detail`. */
export const eventBridgeEnvelopeSchema = z.object({
  version: z.string().nullish(),
  id: z.string().min(1),
  'detail-type': z.string(),
  source: z.string(),
  account: accountSchema,
  time: timestampSchema,
  region: regionSchema,
  resources: z.array(z.string()).nullish(),
  detail: z.unknown(),
});

export type EventBridgeEnvelope = z.infer<typeof eventBridgeEnvelopeSchema>;
