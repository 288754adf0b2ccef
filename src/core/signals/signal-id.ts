import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import { failure, type Outcome, success } from '../input/outcome.ts';
import { FIELD_LIMITS } from '../limits.ts';

const UNSAFE_ID_CHARACTERS = /[^A-Za-z0-9._:-]/g;
const DIGEST_HEX_CHARS = 16;

/** Event ids end up in keys and log lines: keep them short and free of separators and controls. */
export function sanitizeEventId(sourceEventId: string): string {
  return sourceEventId.slice(0, FIELD_LIMITS.eventIdChars).replace(UNSAFE_ID_CHARACTERS, '_');
}

/**
 * `<event id>#<first 16 hex of sha256(body)>`. A redelivered event is byte-for-byte the same body
 * under the same id and collides; different events that share an id (as the five seed execution
 * events do) differ in their body and do not.
 */
export function signalIdFor(sourceEventId: string, body: string): string {
  const digest = createHash('sha256').update(body, 'utf8').digest('hex').slice(0, DIGEST_HEX_CHARS);
  return `${sanitizeEventId(sourceEventId)}#${digest}`;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * The body a digest is computed over, serialized from the parsed value (so whitespace and
 * wrapping do not matter). Serializing also measures it: an event this large is refused.
 */
export function serializeBody(body: unknown, maxBytes: number): Outcome<string> {
  const text = JSON.stringify(body);
  if (text === undefined) return failure('event body is not JSON-serializable');
  // A UTF-16 unit encodes to at most 3 UTF-8 bytes: short bodies need no exact count.
  if (text.length * 3 <= maxBytes) return success(text);
  const bytes = Buffer.byteLength(text, 'utf8');
  return bytes > maxBytes ? failure(`event is ${bytes} bytes, over the ${maxBytes}-byte cap`) : success(text);
}

/** The `detail` of an EventBridge event as JSON-parsed, not as a schema reshaped it. */
export function rawDetail(event: unknown): unknown {
  return typeof event === 'object' && event !== null && 'detail' in event ? event.detail : undefined;
}
