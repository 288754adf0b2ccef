import { z } from 'zod';
import { parseExecutionArn } from '../../arn.ts';
import { epochMillisSchema, optionalText } from './common.ts';
import { eventBridgeEnvelopeSchema } from './eventbridge.ts';

const payloadDetailsSchema = z.object({ included: z.boolean().nullish() }).nullish();

/** `detail` of "Step Functions Execution Status Change". */
export const executionDetailSchema = z.object({
  executionArn: z.string().transform((text, context) => {
    const parsed = parseExecutionArn(text);
    if (parsed === undefined) {
      context.issues.push({ code: 'custom', message: 'not a Step Functions execution ARN', input: text });
      return z.NEVER;
    }
    return parsed;
  }),
  stateMachineArn: optionalText,
  name: optionalText,
  // Kept as a string: statuses added after this code was written must not reject the event.
  status: z.string().min(1),
  startDate: epochMillisSchema.nullish(),
  stopDate: epochMillisSchema.nullish(),
  input: optionalText,
  output: optionalText,
  inputDetails: payloadDetailsSchema,
  outputDetails: payloadDetailsSchema,
  error: optionalText,
  cause: optionalText,
  redriveCount: z.number().int().min(0).nullish(),
  redriveDate: epochMillisSchema.nullish(),
  redriveStatus: optionalText,
  redriveStatusReason: optionalText,
  stateMachineVersionArn: optionalText,
  stateMachineAliasArn: optionalText,
  mapRunArn: optionalText,
});

export const executionEventSchema = eventBridgeEnvelopeSchema.extend({ detail: executionDetailSchema });

export type ExecutionEvent = z.infer<typeof executionEventSchema>;
