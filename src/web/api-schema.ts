import * as z from 'zod/mini';
import { storedIncidentStatusSchema } from '../core/incident/read-model.ts';
import { severitySchema } from '../core/incident/severity-enum.ts';

/**
 * The contract between the incident page's server and its browser client, in one place: the
 * server builds these shapes (TypeScript checks it), the client parses every response with the
 * same schemas before rendering. `zod/mini` because this module is also bundled into the page,
 * where the full zod would be most of its weight.
 */

const severity = severitySchema;
const status = storedIncidentStatusSchema;
const alarmState = z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']);
const count = z.int().check(z.nonnegative());

export const incidentSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  stateMachineArn: z.string(),
  status,
  severity,
  openedAt: z.string(),
  lastSignalAt: z.string(),
  resolvedAt: z.nullable(z.string()),
  flapCount: count,
  /** FAILED and TIMED_OUT runs, as the CLI's `failed` column counts them. */
  failedExecutions: count,
  linkedAlarms: count,
  /** Linked alarms whose latest state is ALARM. */
  alarmsFiring: count,
  topHint: z.nullable(z.string()),
  updatedAt: z.string(),
  /**
   * Grows with every stored change of the incident's state machine (its scope version), so a
   * page can tell which of two copies of a row is newer whatever order they arrived in.
   */
  version: count,
});
export type IncidentSummary = z.infer<typeof incidentSummarySchema>;

export const incidentListResponseSchema = z.object({
  incidents: z.array(incidentSummarySchema),
  /** The filter as the server applied it (`since` resolved to an ISO time). */
  filter: z.object({
    status: z.optional(status),
    stateMachineArn: z.optional(z.string()),
    since: z.optional(z.string()),
    limit: count,
  }),
  /** Whether `/api/events` streams changes; without it the page polls. */
  live: z.boolean(),
  generatedAt: z.string(),
});
export type IncidentListResponse = z.infer<typeof incidentListResponseSchema>;

const executionSchema = z.object({
  executionArn: z.string(),
  name: z.string(),
  /** A Step Functions status, or `UNKNOWN:<value>` for one this version does not know. */
  status: z.string(),
  redriveCount: count,
  error: z.optional(z.string()),
  cause: z.optional(z.string()),
  startDate: z.optional(z.string()),
  stopDate: z.optional(z.string()),
  durationMs: z.optional(z.number()),
  inputPreview: z.optional(z.string()),
  outputPreview: z.optional(z.string()),
  signalId: z.string(),
});
export type ExecutionView = z.infer<typeof executionSchema>;

const transitionSchema = z.object({
  at: z.string(),
  from: z.optional(alarmState),
  to: alarmState,
  reason: z.optional(z.string()),
  suppressedBy: z.optional(z.string()),
  signalId: z.string(),
});
export type AlarmTransitionView = z.infer<typeof transitionSchema>;

const alarmSchema = z.object({
  alarmArn: z.string(),
  alarmName: z.string(),
  state: alarmState,
  via: z.array(z.string()),
  suppressor: z.optional(z.string()),
  deleted: z.boolean(),
  transitions: z.array(transitionSchema),
});
export type AlarmView = z.infer<typeof alarmSchema>;

const actorSchema = z.object({
  type: z.string(),
  arn: z.optional(z.string()),
  principalId: z.optional(z.string()),
  accountId: z.optional(z.string()),
  userName: z.optional(z.string()),
  sessionIssuerArn: z.optional(z.string()),
  invokedBy: z.optional(z.string()),
});

const apiCallSchema = z.object({
  eventName: z.string(),
  eventTime: z.string(),
  actor: actorSchema,
  sourceIPAddress: z.optional(z.string()),
  errorCode: z.optional(z.string()),
  errorMessage: z.optional(z.string()),
  target: z.optional(z.string()),
  signalId: z.string(),
});
export type ApiCallView = z.infer<typeof apiCallSchema>;

const hintSchema = z.object({ kind: z.string(), message: z.string(), evidence: z.array(z.string()) });
export type HintView = z.infer<typeof hintSchema>;

const timelineKind = z.enum([
  'execution',
  'alarm',
  'alarm-config',
  'api-call',
  'incident-opened',
  'incident-resolved',
  'incident-reopened',
]);

const timelineEntrySchema = z.object({
  at: z.string(),
  kind: timelineKind,
  summary: z.string(),
  signalId: z.optional(z.string()),
});
export type TimelineEntryView = z.infer<typeof timelineEntrySchema>;

export const incidentDetailSchema = z.object({
  id: z.string(),
  stateMachineArn: z.string(),
  title: z.string(),
  status,
  severity,
  openedAt: z.string(),
  lastSignalAt: z.string(),
  resolvedAt: z.nullable(z.string()),
  flapCount: count,
  counts: z.record(z.string(), count),
  executions: z.array(executionSchema),
  alarms: z.array(alarmSchema),
  apiCalls: z.array(apiCallSchema),
  hints: z.array(hintSchema),
  timeline: z.array(timelineEntrySchema),
  timelineOmitted: count,
  /** What the list caps (or shrinking the stored item) left out of the lists above, by list. */
  omitted: z.object({ executions: count, alarms: count, apiCalls: count, hints: count }),
  signalCount: count,
  mergedInto: z.optional(z.string()),
  /** Lists or texts were cut to keep the stored item small. */
  shrunk: z.boolean(),
  updatedAt: z.string(),
});
export type IncidentDetailView = z.infer<typeof incidentDetailSchema>;

export const incidentDetailResponseSchema = z.object({ incident: incidentDetailSchema, live: z.boolean() });
export type IncidentDetailResponse = z.infer<typeof incidentDetailResponseSchema>;

/** One server-sent `change` event: what happened, and the incident's row as it is now. */
export const changeMessageSchema = z.object({
  kind: z.enum(['opened', 'updated', 'escalated', 'resolved', 'reopened', 'superseded']),
  incident: incidentSummarySchema,
});
export type ChangeMessage = z.infer<typeof changeMessageSchema>;

export const errorResponseSchema = z.object({ error: z.string() });
