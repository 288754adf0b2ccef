import { gunzipSync } from 'node:zlib';
import { failure, type Outcome, success } from './outcome.ts';

// RFC 1952: every gzip member starts with ID1 ID2 and the deflate method byte.
const GZIP_MAGIC = [0x1f, 0x8b, 0x08] as const;

/** Gzip is detected by its magic bytes, never by a file name or a content-encoding claim. */
export function isGzip(bytes: Uint8Array): boolean {
  return GZIP_MAGIC.every((byte, index) => bytes[index] === byte);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Gunzips with a hard output cap, so a small bomb cannot expand into gigabytes. */
export function gunzipCapped(bytes: Uint8Array, maxOutputBytes: number): Outcome<Uint8Array> {
  try {
    return success(gunzipSync(bytes, { maxOutputLength: maxOutputBytes }));
  } catch (error) {
    if (error instanceof RangeError) {
      return failure(`gzip data expands beyond the ${maxOutputBytes}-byte cap`);
    }
    return failure(`invalid gzip data: ${describe(error)}`);
  }
}
