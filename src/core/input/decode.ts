import { INPUT_LIMITS, type InputLimits } from '../limits.ts';
import type { InputPosition } from '../signals/types.ts';
import { gunzipCapped, isGzip } from './gzip.ts';
import { parseJson } from './json.ts';
import type { DecodedItem, Outcome } from './outcome.ts';
import { decodeUtf8 } from './utf8.ts';

/** A CloudTrail log file (`{"Records": [...]}`), as delivered to S3 and read by the CLI. */
export function isCloudTrailLogFile(value: unknown): value is { readonly Records: readonly unknown[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  return (
    'Records' in value &&
    Array.isArray(value.Records) &&
    !('detail-type' in value) &&
    !('eventSource' in value)
  );
}

/** Collects items up to the cap; past it, one rejection says how many were dropped and where. */
class ItemSink {
  readonly items: DecodedItem[] = [];
  private accepted = 0;
  private overflowReported = false;

  constructor(private readonly maxItems: number) {}

  value(position: InputPosition, value: unknown): void {
    if (this.accepted >= this.maxItems) {
      if (!this.overflowReported) {
        this.overflowReported = true;
        this.items.push({ ok: false, position, reason: `more than ${this.maxItems} items in one input` });
      }
      return;
    }
    this.accepted += 1;
    this.items.push({ ok: true, position, value });
  }

  reject(position: InputPosition, reason: string): void {
    this.items.push({ ok: false, position, reason });
  }
}

/** Arrays hold events; a CloudTrail log file, wherever it appears, holds records. */
function expand(value: unknown, position: InputPosition, sink: ItemSink, allowArray: boolean): void {
  if (isCloudTrailLogFile(value)) {
    value.Records.forEach((record, index) => {
      sink.value([...position, 'Records', index], record);
    });
  } else if (allowArray && Array.isArray(value)) {
    value.forEach((element: unknown, index) => {
      expand(element, [...position, index], sink, false);
    });
  } else {
    sink.value(position, value);
  }
}

/** Bytes → text: size cap, gunzip when the magic bytes say so (with a cap), strict UTF-8. */
function bytesToText(bytes: Uint8Array, maxBytes: number, maxDecompressedBytes: number): Outcome<string> {
  if (bytes.byteLength > maxBytes) {
    return { ok: false, reason: `input is ${bytes.byteLength} bytes, over the ${maxBytes}-byte cap` };
  }
  let plain = bytes;
  if (isGzip(bytes)) {
    const gunzipped = gunzipCapped(bytes, maxDecompressedBytes);
    if (!gunzipped.ok) return gunzipped;
    plain = gunzipped.value;
  }
  const text = decodeUtf8(plain);
  if (!text.ok) return text;
  if (text.value.trim().length === 0) return { ok: false, reason: 'input is empty' };
  return text;
}

interface NonBlankLine {
  readonly lineNumber: number;
  readonly text: string;
}

function nonBlankLines(text: string): NonBlankLine[] {
  const lines: NonBlankLine[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim().length > 0) lines.push({ lineNumber: index + 1, text: line });
  });
  return lines;
}

/**
 * A document that is not one JSON value is NDJSON when one of its first two lines is a JSON value
 * on its own. A truncated pretty-printed event fails that test and is reported once, as a whole,
 * instead of as a rejection per line.
 */
function looksLikeNdjson(lines: readonly NonBlankLine[], maxDepth: number): boolean {
  if (lines.length < 2) return false;
  return lines.slice(0, 2).some((line) => parseJson(line.text, maxDepth).ok);
}

/**
 * Decodes a whole input (a CLI file, an S3 object): one JSON value, a JSON array of events, NDJSON,
 * or a CloudTrail log file, any of them gzipped. Each item carries its position: `[]` for a single
 * event, `[3]` in an array, `["Records", 3]` in a log file, `["line", 12]` in NDJSON.
 */
export function decodeInput(bytes: Uint8Array, limits: InputLimits = INPUT_LIMITS): DecodedItem[] {
  const sink = new ItemSink(limits.maxItemsPerInput);
  const text = bytesToText(bytes, limits.maxInputBytes, limits.maxDecompressedInputBytes);
  if (!text.ok) {
    sink.reject([], text.reason);
    return sink.items;
  }
  const whole = parseJson(text.value, limits.maxJsonDepth);
  if (whole.ok) {
    expand(whole.value, [], sink, true);
    return sink.items;
  }
  const lines = nonBlankLines(text.value);
  if (!looksLikeNdjson(lines, limits.maxJsonDepth)) {
    sink.reject([], whole.reason);
    return sink.items;
  }
  for (const line of lines) {
    const position = ['line', line.lineNumber];
    if (line.text.length > limits.maxEventBytes) {
      sink.reject(position, `line is ${line.text.length} characters, over the ${limits.maxEventBytes} cap`);
      continue;
    }
    const parsed = parseJson(line.text, limits.maxJsonDepth);
    if (parsed.ok) expand(parsed.value, position, sink, false);
    else sink.reject(position, parsed.reason);
  }
  return sink.items;
}

/**
 * Decodes one Kinesis record payload (base64 already removed by the adapter): possibly gzip, one
 * JSON event, or a CloudTrail log file. `position` is where the caller found it, for example
 * `['Records', 5, 'kinesis', 'data']`.
 */
export function decodeRecordPayload(
  bytes: Uint8Array,
  position: InputPosition,
  limits: InputLimits = INPUT_LIMITS,
): DecodedItem[] {
  const sink = new ItemSink(limits.maxItemsPerInput);
  const text = bytesToText(bytes, limits.maxRecordBytes, limits.maxDecompressedRecordBytes);
  if (!text.ok) {
    sink.reject(position, text.reason);
    return sink.items;
  }
  const parsed = parseJson(text.value, limits.maxJsonDepth);
  if (parsed.ok) expand(parsed.value, position, sink, false);
  else sink.reject(position, parsed.reason);
  return sink.items;
}
