/** "Step Functions Execution Status Change" → ExecutionSignal. */

import { Buffer } from 'node:buffer';
import { stateMachineArnOf } from '../arn.ts';
import { FIELD_LIMITS, INPUT_LIMITS } from '../limits.ts';
import { definedOnly } from './defined.ts';
import {
  DEFAULT_NORMALIZE_OPTIONS,
  MAX_PAYLOAD_PREVIEW_CHARS,
  type NormalizeOptions,
} from './normalize-options.ts';
import { rejected, rejectedBySchema, signalResult } from './results.ts';
import { type ExecutionEvent, executionEventSchema } from './schemas/execution.ts';
import { signalBase } from './signal-base.ts';
import { rawDetail, serializeBody, sha256Hex } from './signal-id.ts';
import { optionalIso } from './time.ts';
import { Truncations } from './truncation.ts';
import {
  EXECUTION_STATUSES,
  type ExecutionSignal,
  type ExecutionStatus,
  type InputPosition,
  type KnownExecutionStatus,
  type NormalizeResult,
  type PayloadSummary,
} from './types.ts';

const KNOWN_STATUSES: ReadonlySet<string> = new Set(EXECUTION_STATUSES);

function isKnownStatus(status: string): status is KnownExecutionStatus {
  return KNOWN_STATUSES.has(status);
}

function toStatus(raw: string, cut: Truncations): ExecutionStatus {
  return isKnownStatus(raw) ? raw : `UNKNOWN:${cut.text(raw, FIELD_LIMITS.tokenChars, 'status')}`;
}

/**
 * Only the size and digest of a payload are kept; the payload itself may hold customer data.
 * A payload is absent when Step Functions left it out (`…Details.included: false`, too large for
 * the event) or there is none yet (a running execution's output).
 */
function summarizePayload(
  payload: string | null | undefined,
  included: boolean | null | undefined,
  options: NormalizeOptions,
  cut: Truncations,
  field: 'input' | 'output',
): PayloadSummary {
  if (included === false || payload === null || payload === undefined) return { included: false, bytes: 0 };
  const summary = { included: true, bytes: Buffer.byteLength(payload, 'utf8'), sha256: sha256Hex(payload) };
  const previewChars = Math.min(options.payloadPreviewChars, MAX_PAYLOAD_PREVIEW_CHARS);
  if (previewChars <= 0) return summary;
  return { ...summary, preview: cut.text(payload, previewChars, `${field}.preview`) };
}

/**
 * When the reported thing happened: a run starts at startDate (a redriven run at its redriveDate),
 * every other status is reached at stopDate. The envelope time is only a fallback: it is when
 * EventBridge saw the event, and the seed events show it can be shared by unrelated events.
 */
function eventTimeOf(detail: ExecutionEvent['detail'], envelopeTimeMs: number): number {
  if (detail.status === 'RUNNING') return detail.redriveDate ?? detail.startDate ?? envelopeTimeMs;
  return detail.stopDate ?? detail.redriveDate ?? detail.startDate ?? envelopeTimeMs;
}

export function normalizeExecutionEvent(
  value: unknown,
  position: InputPosition,
  options: NormalizeOptions = DEFAULT_NORMALIZE_OPTIONS,
): NormalizeResult {
  const parsed = executionEventSchema.safeParse(value);
  if (!parsed.success) return rejectedBySchema(position, parsed.error);
  const event = parsed.data;
  const { detail } = event;
  const body = serializeBody(rawDetail(value), INPUT_LIMITS.maxEventBytes);
  if (!body.ok) return rejected(position, body.reason);

  const cut = new Truncations();
  const {
    executionArn,
    stateMachineArn: derivedStateMachineArn,
    executionName: nameFromArn,
  } = detail.executionArn;
  const declared = detail.stateMachineArn ? stateMachineArnOf(detail.stateMachineArn) : undefined;
  const stateMachineArn = declared ?? derivedStateMachineArn;
  const executionName = cut.text(detail.name ?? nameFromArn, FIELD_LIMITS.nameChars, 'executionName');

  const optional = {
    error: cut.optionalText(detail.error, FIELD_LIMITS.errorChars, 'error'),
    cause: cut.optionalText(detail.cause, FIELD_LIMITS.causeChars, 'cause'),
    redriveStatus: cut.optionalText(detail.redriveStatus, FIELD_LIMITS.tokenChars, 'redriveStatus'),
    stateMachineVersionArn: cut.optionalText(
      detail.stateMachineVersionArn,
      FIELD_LIMITS.arnChars,
      'stateMachineVersionArn',
    ),
    stateMachineAliasArn: cut.optionalText(
      detail.stateMachineAliasArn,
      FIELD_LIMITS.arnChars,
      'stateMachineAliasArn',
    ),
    mapRunArn: cut.optionalText(detail.mapRunArn, FIELD_LIMITS.arnChars, 'mapRunArn'),
    startDate: optionalIso(detail.startDate),
    stopDate: optionalIso(detail.stopDate),
    redriveDate: optionalIso(detail.redriveDate),
  };
  const status = toStatus(detail.status, cut);
  const input = summarizePayload(detail.input, detail.inputDetails?.included, options, cut, 'input');
  const output = summarizePayload(detail.output, detail.outputDetails?.included, options, cut, 'output');

  const signal: ExecutionSignal = {
    kind: 'execution',
    ...signalBase(
      {
        sourceEventId: event.id,
        body: body.value,
        eventTimeMs: eventTimeOf(detail, event.time),
        account: event.account,
        region: event.region,
        subjects: [executionArn, stateMachineArn],
      },
      cut,
    ),
    executionArn,
    stateMachineArn,
    executionName,
    status,
    redriveCount: detail.redriveCount ?? 0,
    input,
    output,
    ...definedOnly(optional),
  };
  return signalResult(position, signal);
}
