import * as z from 'zod/mini';
import { storedIncidentStatusSchema } from '../core/incident/read-model.ts';
import { severitySchema } from '../core/incident/severity-enum.ts';
import {
  type alarmTransitionSchema,
  type hintSchema,
  type incidentAlarmSchema,
  type incidentApiCallSchema,
  type incidentExecutionSchema,
  incidentFields,
  type timelineEntrySchema,
} from '../core/incident/types.ts';

/**
 * The contract between the incident page's server and its browser client, in one place: the
 * server builds these shapes (TypeScript checks it), the client parses every response with the
 * same schemas before rendering. An incident's parts are the engine's own schemas
 * (core/incident/types.ts), so the page cannot drift from what the engine derives. `zod/mini`
 * because this module is also bundled into the page, where the full zod would be most of its weight.
 */

const severity = severitySchema;
const status = storedIncidentStatusSchema;
const count = z.int().check(z.nonnegative());

export const incidentSummarySchema = z.object({
  id: incidentFields.id,
  title: incidentFields.title,
  stateMachineArn: incidentFields.stateMachineArn,
  status,
  severity,
  openedAt: incidentFields.openedAt,
  lastSignalAt: incidentFields.lastSignalAt,
  resolvedAt: incidentFields.resolvedAt,
  flapCount: incidentFields.flapCount,
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

export type ExecutionView = z.infer<typeof incidentExecutionSchema>;
export type AlarmTransitionView = z.infer<typeof alarmTransitionSchema>;
export type AlarmView = z.infer<typeof incidentAlarmSchema>;
export type ApiCallView = z.infer<typeof incidentApiCallSchema>;
export type HintView = z.infer<typeof hintSchema>;
export type TimelineEntryView = z.infer<typeof timelineEntrySchema>;

/** The engine's incident fields but the actor rollups, with the stored status and bookkeeping. */
const { actors: _actors, status: _engineStatus, ...detailFields } = incidentFields;

export const incidentDetailSchema = z.object({
  ...detailFields,
  status,
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
