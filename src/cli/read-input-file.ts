import { readFile, stat } from 'node:fs/promises';
import { UsageError } from '../errors.ts';

export type InputFile =
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | { readonly kind: 'too-large'; readonly bytes: number };

function describe(error: unknown): string {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    const messages: Readonly<Record<string, string>> = {
      ENOENT: 'no such file',
      EACCES: 'permission denied',
      EISDIR: 'is a directory',
    };
    return messages[error.code] ?? error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Reads an input file whole. A file over the cap is reported without being read: it is a valid
 * input to refuse, not an unreadable one. Anything the file system refuses is a UsageError.
 */
export async function readInputFile(path: string, maxBytes: number): Promise<InputFile> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new UsageError(`cannot read ${path}: is a directory`);
    if (info.size > maxBytes) return { kind: 'too-large', bytes: info.size };
    return { kind: 'bytes', bytes: await readFile(path) };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot read ${path}: ${describe(error)}`, { cause: error });
  }
}
