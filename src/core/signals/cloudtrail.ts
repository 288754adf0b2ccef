/** CloudTrail records, raw or wrapped in an EventBridge "AWS API Call via CloudTrail" event. */

import { FIELD_LIMITS, INPUT_LIMITS } from '../limits.ts';
import { toApiCallSignal } from './api-call.ts';
import { ignored, rejected, rejectedBySchema, signalResult } from './results.ts';
import {
  type CloudTrailRouting,
  cloudTrailEventSchema,
  cloudTrailRecordSchema,
  cloudTrailRoutingSchema,
} from './schemas/cloudtrail.ts';
import { rawDetail, serializeBody } from './signal-id.ts';
import type { InputPosition, NormalizeResult } from './types.ts';

/** The CloudTrail event sources whose calls concern the resources we correlate. */
export const HANDLED_EVENT_SOURCES: ReadonlySet<string> = new Set(['states.amazonaws.com']);

/**
 * Of CloudTrail's four kinds of event we correlate management events only. Data events are the
 * high-volume data-plane calls a trail logs only when asked to: correlated, they would crowd the
 * definition updates and stops the hints are about out of an incident's capped API-call list.
 * A network activity event records a call passing a VPC endpoint; a call that reached the service
 * is also its own management event, so correlating both would count it twice. Insights events are
 * statistics about calls, not calls. A record without a category (older ones have none) is judged
 * as a management event: nothing in it says otherwise, and its shape still has to pass.
 */
const HANDLED_EVENT_CATEGORY = 'Management';

/** Service events, console actions and sign-ins are not API calls, even when a service we handle logs them. */
const HANDLED_EVENT_TYPE = 'AwsApiCall';

const INSIGHT_EVENT_TYPE = 'AwsCloudTrailInsight';
const INSIGHT_EVENT_CATEGORY = 'Insight';

/** The EventBridge detail-type of each kind of CloudTrail event, where EventBridge documents one. */
const API_CALL_DETAIL_TYPE = 'AWS API Call via CloudTrail';
const INSIGHT_DETAIL_TYPE = 'AWS Insight via CloudTrail';
// A Map, not an object literal: a category read from input must not find `constructor` and the like.
const DETAIL_TYPE_BY_CATEGORY: ReadonlyMap<string, string> = new Map([
  ['Management', API_CALL_DETAIL_TYPE],
  ['Data', API_CALL_DETAIL_TYPE],
  ['NetworkActivity', 'AWS Network Activity Event via CloudTrail'],
  [INSIGHT_EVENT_CATEGORY, INSIGHT_DETAIL_TYPE],
]);

/** Text from the record, cut to a name's length: reasons are stored and logged. */
function bounded(text: string): string {
  if (text.length <= FIELD_LIMITS.nameChars) return text;
  const cut = text.slice(0, FIELD_LIMITS.nameChars);
  // Never leave half a surrogate pair behind: it would not survive a UTF-8 round trip.
  const last = cut.charCodeAt(cut.length - 1);
  return `${last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut}…`;
}

/** " StartExecution on states.amazonaws.com", or as much of it as the record says (maybe nothing). */
function describeCall(eventName: string | undefined, eventSource: string | undefined): string {
  return `${eventName === undefined ? '' : ` ${bounded(eventName)}`}${eventSource === undefined ? '' : ` on ${bounded(eventSource)}`}`;
}

function ignoredInsight(routing: CloudTrailRouting, position: InputPosition): NormalizeResult {
  const details = routing.insightDetails;
  const kind = [details?.insightType, details?.state].filter((part) => part !== undefined).map(bounded);
  const about = describeCall(details?.eventName, details?.eventSource);
  return ignored(
    position,
    `CloudTrail Insights event${kind.length > 0 ? ` (${kind.join(', ')})` : ''}${about === '' ? '' : ` about${about}`} is not handled: it reports an unusual rate of calls, not a call`,
    details?.eventSource,
    INSIGHT_DETAIL_TYPE,
  );
}

/**
 * A well-formed record of a kind we do not correlate is ignored, whatever else is wrong with it:
 * its fields are not ours to judge. Undefined means the record claims to be one of ours (or says
 * too little to tell), so its shape decides between a signal and a rejection.
 */
function ignoredUnlessHandled(record: unknown, position: InputPosition): NormalizeResult | undefined {
  const routing = cloudTrailRoutingSchema.safeParse(record);
  if (!routing.success) return undefined;
  const { eventSource, eventName, eventType, eventCategory } = routing.data;
  // Insights events name no eventSource of their own: recognized first, by what they say they are
  // (or, if they say neither, by the details block only they have).
  const insight =
    eventType === INSIGHT_EVENT_TYPE ||
    eventCategory === INSIGHT_EVENT_CATEGORY ||
    (eventSource === undefined && routing.data.insightDetails !== undefined);
  if (insight) {
    return ignoredInsight(routing.data, position);
  }
  if (eventSource !== undefined && !HANDLED_EVENT_SOURCES.has(eventSource)) {
    return ignored(
      position,
      `CloudTrail event source ${bounded(eventSource)} is not handled`,
      eventSource,
      API_CALL_DETAIL_TYPE,
    );
  }
  const call = describeCall(eventName, eventSource);
  if (eventCategory !== undefined && eventCategory !== HANDLED_EVENT_CATEGORY) {
    return ignored(
      position,
      `CloudTrail ${bounded(eventCategory)} event${call} is not handled: only management events are correlated`,
      eventSource,
      DETAIL_TYPE_BY_CATEGORY.get(eventCategory),
    );
  }
  if (eventType !== undefined && eventType !== HANDLED_EVENT_TYPE) {
    return ignored(
      position,
      `CloudTrail ${bounded(eventType)} record${call} is not handled: only API calls are correlated`,
      eventSource,
      undefined,
    );
  }
  return undefined;
}

/** A raw CloudTrail record, as found in a log file's `Records` or on its own. */
export function normalizeCloudTrailRecord(value: unknown, position: InputPosition): NormalizeResult {
  const notOurs = ignoredUnlessHandled(value, position);
  if (notOurs !== undefined) return notOurs;
  const parsed = cloudTrailRecordSchema.safeParse(value);
  if (!parsed.success) return rejectedBySchema(position, parsed.error);
  // The digest covers the record as parsed from JSON, so it is the same however the record arrived.
  const body = serializeBody(value, INPUT_LIMITS.maxEventBytes);
  if (!body.ok) return rejected(position, body.reason);
  return signalResult(position, toApiCallSignal(parsed.data, body.value, {}));
}

/** EventBridge "AWS API Call via CloudTrail": `detail` is the CloudTrail record. */
export function normalizeCloudTrailEvent(value: unknown, position: InputPosition): NormalizeResult {
  const record = rawDetail(value);
  // The same record is classified the same way raw, in a log file, or wrapped by EventBridge.
  const notOurs = ignoredUnlessHandled(record, position);
  if (notOurs !== undefined) return notOurs;
  const parsed = cloudTrailEventSchema.safeParse(value);
  if (!parsed.success) return rejectedBySchema(position, parsed.error);
  const body = serializeBody(record, INPUT_LIMITS.maxEventBytes);
  if (!body.ok) return rejected(position, body.reason);
  return signalResult(
    position,
    toApiCallSignal(parsed.data.detail, body.value, { envelopeAccount: parsed.data.account }),
  );
}
