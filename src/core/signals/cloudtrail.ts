/** CloudTrail records, raw or wrapped in an EventBridge "AWS API Call via CloudTrail" event. */

import { INPUT_LIMITS } from '../limits.ts';
import { toApiCallSignal } from './api-call.ts';
import { ignored, rejected, rejectedBySchema, signalResult } from './results.ts';
import {
  cloudTrailEventSchema,
  cloudTrailRecordSchema,
  cloudTrailRoutingSchema,
} from './schemas/cloudtrail.ts';
import { rawDetail, serializeBody } from './signal-id.ts';
import type { InputPosition, NormalizeResult } from './types.ts';

/** The CloudTrail event sources whose calls concern the resources we correlate. */
export const HANDLED_EVENT_SOURCES: ReadonlySet<string> = new Set(['states.amazonaws.com']);

const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

/** A record with a readable event source that is not ours: ignored, whatever else is wrong with it. */
function ignoredIfForeign(record: unknown, position: InputPosition): NormalizeResult | undefined {
  const routing = cloudTrailRoutingSchema.safeParse(record);
  if (!routing.success || HANDLED_EVENT_SOURCES.has(routing.data.eventSource)) return undefined;
  const { eventSource } = routing.data;
  return ignored(
    position,
    `CloudTrail event source ${eventSource} is not handled`,
    eventSource,
    CLOUDTRAIL_DETAIL_TYPE,
  );
}

/** A raw CloudTrail record, as found in a log file's `Records` or on its own. */
export function normalizeCloudTrailRecord(value: unknown, position: InputPosition): NormalizeResult {
  const foreign = ignoredIfForeign(value, position);
  if (foreign !== undefined) return foreign;
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
  const foreign = ignoredIfForeign(record, position);
  if (foreign !== undefined) return foreign;
  const parsed = cloudTrailEventSchema.safeParse(value);
  if (!parsed.success) return rejectedBySchema(position, parsed.error);
  const body = serializeBody(record, INPUT_LIMITS.maxEventBytes);
  if (!body.ok) return rejected(position, body.reason);
  return signalResult(
    position,
    toApiCallSignal(parsed.data.detail, body.value, { envelopeAccount: parsed.data.account }),
  );
}
