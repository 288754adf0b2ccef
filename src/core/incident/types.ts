import * as z from 'zod/mini';
import type { DeepReadonly } from '../deep-readonly.ts';
import { actorSchema, alarmStateValueSchema, executionStatusSchema } from '../signals/shared-schemas.ts';
import { incidentStatusSchema } from './read-model.ts';
import { type Severity, severitySchema } from './severity-enum.ts';

/**
 * The incident the engine derives, as schemas: the types are inferred from them, the store's
 * read-back schemas (adapters/dynamodb/item-schemas.ts) and the page's API schema
 * (web/api-schema.ts) are built from the same parts, so the three cannot drift. `zod/mini` because
 * the incident page's client bundles this module, where the full zod would be most of its weight.
 */

export type { Severity };
export type IncidentStatus = z.infer<typeof incidentStatusSchema>;

const count = z.int().check(z.nonnegative());
const text = z.string();
/** ISO-8601 UTC times: never empty. */
const isoText = z.string().check(z.minLength(1));
const optionalText = z.optional(z.string());

export const incidentExecutionSchema = z.object({
  executionArn: text,
  name: text,
  status: executionStatusSchema,
  redriveCount: count,
  error: optionalText,
  cause: optionalText,
  startDate: optionalText,
  stopDate: optionalText,
  durationMs: z.optional(z.number()),
  /** Present only when the operator opted in to keeping payload previews. */
  inputPreview: optionalText,
  outputPreview: optionalText,
  signalId: text,
});
export type IncidentExecution = DeepReadonly<z.infer<typeof incidentExecutionSchema>>;

export const alarmTransitionSchema = z.object({
  at: text,
  from: z.optional(alarmStateValueSchema),
  to: alarmStateValueSchema,
  reason: optionalText,
  suppressedBy: optionalText,
  signalId: text,
});
export type AlarmTransition = DeepReadonly<z.infer<typeof alarmTransitionSchema>>;

export const incidentAlarmSchema = z.object({
  alarmArn: text,
  alarmName: text,
  /** The state of the latest transition seen, by the alarm's own timestamp. */
  state: alarmStateValueSchema,
  /** The resources that link the alarm to the state machine (empty: it watches the state machine itself). */
  via: z.array(text),
  suppressor: optionalText,
  deleted: z.boolean(),
  transitions: z.array(alarmTransitionSchema),
});
export type IncidentAlarm = DeepReadonly<z.infer<typeof incidentAlarmSchema>>;

export const incidentApiCallSchema = z.object({
  eventName: text,
  eventTime: text,
  actor: actorSchema,
  sourceIPAddress: optionalText,
  errorCode: optionalText,
  errorMessage: optionalText,
  target: optionalText,
  signalId: text,
});
export type IncidentApiCall = DeepReadonly<z.infer<typeof incidentApiCallSchema>>;

export const incidentActorSchema = z.object({
  arn: text,
  userName: optionalText,
  calls: count,
});
export type IncidentActor = DeepReadonly<z.infer<typeof incidentActorSchema>>;

export const hintKindSchema = z.enum([
  'definition-updated',
  'execution-stopped',
  'alarm-fired',
  'alarm-suppressed',
  'alarm-changed',
  'alarm-deleted',
  'access-denied',
  'common-error',
]);
export type HintKind = z.infer<typeof hintKindSchema>;

export const hintSchema = z.object({
  kind: hintKindSchema,
  message: text,
  /** The signal ids that back the hint, so a reader can check it. */
  evidence: z.array(text),
});
export type Hint = DeepReadonly<z.infer<typeof hintSchema>>;

export const timelineKindSchema = z.enum([
  'execution',
  'alarm',
  'alarm-config',
  'api-call',
  'incident-opened',
  'incident-resolved',
  'incident-reopened',
]);
export type TimelineKind = z.infer<typeof timelineKindSchema>;

export const timelineEntrySchema = z.object({
  at: text,
  kind: timelineKindSchema,
  summary: text,
  signalId: optionalText,
});
export type TimelineEntry = DeepReadonly<z.infer<typeof timelineEntrySchema>>;

/**
 * What the list caps (`config.limits`, and shrinking a stored item) left out of the lists, counted
 * so a reader knows a list is shortened. Caps never change status, opening, resolution, severity
 * or counts.
 */
export const incidentOmissionsSchema = z.object({
  executions: count,
  alarms: count,
  apiCalls: count,
  hints: count,
});
export type IncidentOmissions = DeepReadonly<z.infer<typeof incidentOmissionsSchema>>;

/**
 * The traffic around an incident, from the scope's per-minute summary (whole minutes: the minute it
 * opened and the minute it resolved are counted whole). Failed runs are counted exactly.
 */
export const incidentTrafficSchema = z.object({
  /** Runs that started while it was open. */
  started: count,
  succeeded: count,
  /** FAILED and TIMED_OUT runs while it was open. */
  failed: count,
  /** The 60 minutes before the minute it opened in: runs that finished, and those that failed. */
  hourBefore: z.object({ finished: count, failed: count }),
});
export type IncidentTraffic = DeepReadonly<z.infer<typeof incidentTrafficSchema>>;

/** The fields an incident's summary, header and page share, in the order the engine builds them. */
export const incidentFields = {
  id: z.string().check(z.minLength(1)),
  stateMachineArn: z.string().check(z.minLength(1)),
  title: text,
  status: incidentStatusSchema,
  severity: severitySchema,
  openedAt: isoText,
  lastSignalAt: isoText,
  resolvedAt: z.nullable(isoText),
  flapCount: count,
  counts: z.record(z.string(), count),
  executions: z.array(incidentExecutionSchema),
  alarms: z.array(incidentAlarmSchema),
  apiCalls: z.array(incidentApiCallSchema),
  actors: z.array(incidentActorSchema),
  hints: z.array(hintSchema),
  timeline: z.array(timelineEntrySchema),
  /** Timeline entries left out to keep the record bounded. */
  timelineOmitted: count,
  omitted: incidentOmissionsSchema,
  /** Every signal id that contributed, for idempotence checks and evidence. */
  signalCount: count,
  traffic: incidentTrafficSchema,
};

export const incidentSchema = z.object(incidentFields);
export type Incident = DeepReadonly<z.infer<typeof incidentSchema>>;
