import type { DynamoDBRecord } from 'aws-lambda';
import { canonicalJson } from '../../core/canonical-json.ts';
import type { StoredIncidentStatus } from '../../core/incident/read-model.ts';
import { SEVERITY_RANK } from '../../core/incident/severity.ts';
import type { Severity } from '../../core/incident/types.ts';
import { parseIncidentHeader, type StoredIncident } from './item-schemas.ts';
import { HEAD_SK, INCIDENT_PREFIX } from './keys.ts';
import { imageToItem } from './stream-image.ts';

/**
 * Typed change events from the table's stream: what subscribers (pager, chat, dashboards) act on.
 * Each carries the incident as it is now (the header, without its timeline) and, where it matters,
 * what it was before.
 */
export type IncidentChange =
  | { readonly kind: 'opened'; readonly incident: StoredIncident }
  | {
      /** Newly stored and already resolved (e.g. a whole outage replayed at once): `previousStatus` is absent. */
      readonly kind: 'resolved';
      readonly incident: StoredIncident;
      readonly previousStatus?: StoredIncidentStatus;
    }
  | {
      readonly kind: 'reopened';
      readonly incident: StoredIncident;
      readonly previousStatus: StoredIncidentStatus;
      readonly previousFlapCount: number;
    }
  | { readonly kind: 'escalated'; readonly incident: StoredIncident; readonly previousSeverity: Severity }
  | {
      readonly kind: 'superseded';
      readonly incident: StoredIncident;
      /** The incident that now covers this one, when there is one. */
      readonly mergedInto: string | undefined;
      readonly previousStatus?: StoredIncidentStatus;
    }
  | { readonly kind: 'updated'; readonly incident: StoredIncident; readonly previous: StoredIncident };

export type IncidentChangeKind = IncidentChange['kind'];

/** A stream record with nothing to tell subscribers, and why (useful in counters and debug logs). */
export interface IgnoredStreamRecord {
  readonly kind: 'ignored';
  readonly reason: string;
}

/**
 * Classifies one stream record. Pure; throws `MalformedItemError` when an incident header image
 * does not parse, since that is a bug to see, not a change to drop. When several things changed at
 * once the most consequential wins: superseded, resolved, reopened, escalated, updated.
 */
export function incidentChangeOf(record: DynamoDBRecord): IncidentChange | IgnoredStreamRecord {
  const stream = record.dynamodb;
  const pk = stream?.Keys?.pk?.S;
  const sk = stream?.Keys?.sk?.S;
  if (pk === undefined || sk !== HEAD_SK || !pk.startsWith(INCIDENT_PREFIX)) {
    return { kind: 'ignored', reason: 'not an incident header' };
  }
  if (stream?.NewImage === undefined) {
    return { kind: 'ignored', reason: record.eventName === 'REMOVE' ? 'header removed' : 'no new image' };
  }
  const incident = parseIncidentHeader(imageToItem(stream.NewImage));
  const previous =
    stream.OldImage === undefined ? undefined : parseIncidentHeader(imageToItem(stream.OldImage));
  return classify(incident, previous);
}

export function classify(
  incident: StoredIncident,
  previous: StoredIncident | undefined,
): IncidentChange | IgnoredStreamRecord {
  if (previous === undefined) {
    switch (incident.status) {
      case 'OPEN':
        return { kind: 'opened', incident };
      case 'RESOLVED':
        return { kind: 'resolved', incident };
      case 'SUPERSEDED':
        return { kind: 'superseded', incident, mergedInto: incident.mergedInto };
    }
  }
  const previousStatus = previous.status;
  if (incident.status === 'SUPERSEDED') {
    return previousStatus === 'SUPERSEDED' && sameContent(incident, previous)
      ? { kind: 'ignored', reason: 'no visible change' }
      : { kind: 'superseded', incident, mergedInto: incident.mergedInto, previousStatus };
  }
  if (incident.status === 'RESOLVED' && previousStatus === 'OPEN') {
    return { kind: 'resolved', incident, previousStatus };
  }
  if (incident.status === 'OPEN' && previousStatus !== 'OPEN') {
    return { kind: 'reopened', incident, previousStatus, previousFlapCount: previous.flapCount };
  }
  if (SEVERITY_RANK[incident.severity] < SEVERITY_RANK[previous.severity]) {
    return { kind: 'escalated', incident, previousSeverity: previous.severity };
  }
  if (sameContent(incident, previous)) return { kind: 'ignored', reason: 'no visible change' };
  return { kind: 'updated', incident, previous };
}

/** Equal but for bookkeeping (which commit wrote it, when): a rewrite subscribers need not hear of. */
function sameContent(a: StoredIncident, b: StoredIncident): boolean {
  const { updatedAt: _a, scopeVersion: _av, ...restA } = a;
  const { updatedAt: _b, scopeVersion: _bv, ...restB } = b;
  return canonicalJson(restA) === canonicalJson(restB);
}

/** JSON with object keys sorted: DynamoDB returns map attributes in no particular order. */
