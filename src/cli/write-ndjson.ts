import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { UsageError } from '../errors.ts';
import type { CliIo } from './io.ts';

/** Lines are written this many bytes at a time: few writes, and never the whole output in memory. */
const CHUNK_CHARS = 1 << 20;

/** One JSON value per line, gathered into chunks of about a mebibyte. */
function* ndjsonChunks(values: Iterable<unknown>): Generator<string> {
  let pending = '';
  for (const value of values) {
    pending += `${JSON.stringify(value)}\n`;
    if (pending.length >= CHUNK_CHARS) {
      yield pending;
      pending = '';
    }
  }
  if (pending.length > 0) yield pending;
}

/**
 * Writes values as NDJSON to a file (gzipped when its name ends in `.gz`, which `send`, `correlate`
 * and `normalize` all read) or, without a file, to stdout. Values are pulled only as fast as the
 * file takes them, so a generated day of events is never held whole.
 */
export async function writeNdjson(
  values: Iterable<unknown>,
  file: string | undefined,
  io: CliIo,
): Promise<void> {
  if (file === undefined) {
    for (const chunk of ndjsonChunks(values)) io.stdout(chunk);
    return;
  }
  const target = createWriteStream(file);
  try {
    await once(target, 'open');
  } catch (error) {
    throw new UsageError(`cannot write ${file}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  const source = Readable.from(ndjsonChunks(values));
  await (file.endsWith('.gz') ? pipeline(source, createGzip(), target) : pipeline(source, target));
}
