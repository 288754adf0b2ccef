import * as z from 'zod/mini';
import type { DeepReadonly } from '../deep-readonly.ts';

/**
 * The parts of a signal that incidents carry too: run statuses, alarm states, who made a call.
 * Apart from the signal union (types.ts, which re-exports these) so the incident page's client
 * bundles only what an incident needs.
 */

const optionalText = z.optional(z.string());

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
export const executionStatusSchema = z.union([
  z.enum(EXECUTION_STATUSES),
  z.templateLiteral(['UNKNOWN:', z.string()]),
]);
export type ExecutionStatus = z.infer<typeof executionStatusSchema>;

export const alarmStateValueSchema = z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']);
export type AlarmStateValue = z.infer<typeof alarmStateValueSchema>;

/** Who made an API call. Access keys are deliberately absent: they are never kept. */
export const actorSchema = z.object({
  type: z.string(),
  arn: optionalText,
  principalId: optionalText,
  accountId: optionalText,
  userName: optionalText,
  /** For assumed roles: the session issuer's ARN (the role), which is what operators recognise. */
  sessionIssuerArn: optionalText,
  invokedBy: optionalText,
});
export type Actor = DeepReadonly<z.infer<typeof actorSchema>>;
