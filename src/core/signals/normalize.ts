/**
 * The one entry point from decoded JSON to signals. Routing is a lookup table keyed by EventBridge
 * `source` + `detail-type`; raw CloudTrail records are recognized by their own fields. Whatever the
 * input, the result is a signal, ignored or rejected: this module never throws.
 *
 * Ignored or rejected (DESIGN §4): whatever is recognizably well-formed input of a kind we do not
 * handle (another service's events, CloudTrail Insights, data and network activity events, digest
 * files) is ignored with a reason and counted. Rejected, and so quarantined, is only what cannot be
 * read (bytes, UTF-8, JSON, not an object, no recognizable kind) or an event of a kind we do handle
 * whose fields are broken.
 */

import { decodeInput, decodeRecordPayload, isCloudTrailLogFile } from '../input/decode.ts';
import type { DecodedItem } from '../input/outcome.ts';
import { INPUT_LIMITS, type InputLimits } from '../limits.ts';
import { normalizeAlarmConfigEvent } from './alarm-config.ts';
import { normalizeAlarmStateEvent } from './alarm-state.ts';
import { normalizeCloudTrailEvent, normalizeCloudTrailRecord } from './cloudtrail.ts';
import { normalizeExecutionEvent } from './execution.ts';
import { DEFAULT_NORMALIZE_OPTIONS, type NormalizeOptions } from './normalize-options.ts';
import { ignored, rejected, rejectedBySchema } from './results.ts';
import { cloudTrailDigestFileSchema } from './schemas/cloudtrail.ts';
import { eventBridgeRoutingSchema } from './schemas/eventbridge.ts';
import type { InputPosition, NormalizeResult } from './types.ts';

type EventNormalizer = (
  value: unknown,
  position: InputPosition,
  options: NormalizeOptions,
) => NormalizeResult;

function routeKey(source: string, detailType: string): string {
  return `${source}\u0000${detailType}`;
}

/** Every EventBridge event we understand. Anything else is ignored (and counted), never rejected. */
const EVENTBRIDGE_NORMALIZERS: ReadonlyMap<string, EventNormalizer> = new Map([
  [routeKey('aws.states', 'Step Functions Execution Status Change'), normalizeExecutionEvent],
  [routeKey('aws.cloudwatch', 'CloudWatch Alarm State Change'), normalizeAlarmStateEvent],
  [routeKey('aws.cloudwatch', 'CloudWatch Alarm Configuration Change'), normalizeAlarmConfigEvent],
  [routeKey('aws.states', 'AWS API Call via CloudTrail'), normalizeCloudTrailEvent],
]);

function normalizeEventBridgeEvent(
  value: unknown,
  position: InputPosition,
  options: NormalizeOptions,
): NormalizeResult {
  const routing = eventBridgeRoutingSchema.safeParse(value);
  if (!routing.success) return rejectedBySchema(position, routing.error);
  const { source, 'detail-type': detailType } = routing.data;
  const normalizer = EVENTBRIDGE_NORMALIZERS.get(routeKey(source, detailType));
  if (normalizer === undefined) {
    return ignored(
      position,
      `no handler for source "${source}" detail-type "${detailType}"`,
      source,
      detailType,
    );
  }
  return normalizer(value, position, options);
}

/** Fields only CloudTrail records have: one of them sends an object to the CloudTrail parser. */
const CLOUDTRAIL_RECORD_KEYS = ['eventSource', 'eventName', 'eventID', 'eventType', 'eventCategory'] as const;

function describeType(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

function normalizeUnguarded(
  value: unknown,
  position: InputPosition,
  options: NormalizeOptions,
): NormalizeResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return rejected(position, `expected a JSON object, got ${describeType(value)}`);
  }
  if ('detail-type' in value || 'source' in value || 'detail' in value) {
    return normalizeEventBridgeEvent(value, position, options);
  }
  if (isCloudTrailLogFile(value)) {
    return rejected(position, 'a CloudTrail log file holds many events: normalize its Records one by one');
  }
  if (cloudTrailDigestFileSchema.safeParse(value).success) {
    // Trails deliver digests beside their log files, so a synced bucket holds both: well-formed, not ours.
    return ignored(
      position,
      'CloudTrail digest file is not handled: it lists the hashes of log files, not events',
      undefined,
      undefined,
    );
  }
  // eventType and eventCategory too: an Insights record has no eventSource or eventName.
  if (CLOUDTRAIL_RECORD_KEYS.some((key) => key in value)) {
    return normalizeCloudTrailRecord(value, position);
  }
  // Ignoring needs the other kind recognized. An object that names none is most likely ours bent out
  // of shape (an input transformer on a rule, a producer bug): ignoring it would hide that silently.
  return rejected(position, 'neither an EventBridge event nor a CloudTrail record');
}

/** One event (EventBridge envelope or raw CloudTrail record) → one result. */
export function normalizeEvent(
  value: unknown,
  position: InputPosition,
  options: NormalizeOptions = DEFAULT_NORMALIZE_OPTIONS,
): NormalizeResult {
  try {
    return normalizeUnguarded(value, position, options);
  } catch (error) {
    // Values that did not come from our decoder can still be hostile (cycles, absurd depth).
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return rejected(position, `unexpected parser failure: ${message}`);
  }
}

/** Decoded items → results, in order: decode failures become rejections at their position. */
export function normalizeDecoded(
  items: readonly DecodedItem[],
  options: NormalizeOptions = DEFAULT_NORMALIZE_OPTIONS,
): NormalizeResult[] {
  return items.map((item) =>
    item.ok ? normalizeEvent(item.value, item.position, options) : rejected(item.position, item.reason),
  );
}

function normalizeLogFileOrEvent(value: unknown, position: InputPosition): NormalizeResult[] {
  if (!isCloudTrailLogFile(value)) return [normalizeEvent(value, position)];
  return value.Records.map((record, index) => normalizeEvent(record, [...position, 'Records', index]));
}

/** Any JSON value: an event, a CloudTrail log file, or an array of either (one level, as in files). */
export function normalizeValue(value: unknown, position: InputPosition): NormalizeResult[] {
  if (!Array.isArray(value)) return normalizeLogFileOrEvent(value, position);
  return value.flatMap((element: unknown, index) => normalizeLogFileOrEvent(element, [...position, index]));
}

/** One Kinesis record payload (base64 already decoded): possibly gzip, one event or a log file. */
export function normalizeRecordPayload(
  bytes: Uint8Array,
  position: InputPosition,
  limits: InputLimits = INPUT_LIMITS,
  options: NormalizeOptions = DEFAULT_NORMALIZE_OPTIONS,
): NormalizeResult[] {
  return normalizeDecoded(decodeRecordPayload(bytes, position, limits), options);
}

/** A whole input (file, S3 object): JSON, JSON array, NDJSON or CloudTrail log file, any gzipped. */
export function normalizeInput(
  bytes: Uint8Array,
  limits: InputLimits = INPUT_LIMITS,
  options: NormalizeOptions = DEFAULT_NORMALIZE_OPTIONS,
): NormalizeResult[] {
  return normalizeDecoded(decodeInput(bytes, limits), options);
}
