import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { STATE_FILE_NAME } from './constants.ts';

/**
 * `<dataDir>/local-stack.json`: how to reach a running local stack from another terminal. Written
 * once the stack is up, removed when it stops. It holds endpoints and names, never credentials
 * (local mode's are fixed and fake anyway).
 */

const localStackState = z.object({
  version: z.literal(1),
  /** The process that owns the stack (and runs kinesalite in-process). */
  pid: z.number().int().positive(),
  /** The DynamoDB Local Java process. */
  dynamoDbPid: z.number().int().positive(),
  startedAt: z.string(),
  dataDir: z.string(),
  region: z.string(),
  endpoints: z.object({ dynamodb: z.string(), kinesis: z.string() }),
  tableName: z.string(),
  tableStreamArn: z.string().optional(),
  streamName: z.string(),
  streamArn: z.string(),
});

export type LocalStackState = z.infer<typeof localStackState>;

export function stateFilePath(dataDir: string): string {
  return path.join(dataDir, STATE_FILE_NAME);
}

export function writeStateFile(state: LocalStackState): void {
  const file = stateFilePath(state.dataDir);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`, 'utf8');
  renameSync(temporary, file);
}

export type StateFileContent =
  | { readonly kind: 'absent' }
  | { readonly kind: 'unreadable'; readonly reason: string }
  | { readonly kind: 'present'; readonly state: LocalStackState };

export function readStateFile(dataDir: string): StateFileContent {
  let text: string;
  try {
    text = readFileSync(stateFilePath(dataDir), 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return { kind: 'absent' };
    return { kind: 'unreadable', reason: error instanceof Error ? error.message : String(error) };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'unreadable', reason: 'not JSON' };
  }
  const parsed = localStackState.safeParse(json);
  return parsed.success
    ? { kind: 'present', state: parsed.data }
    : { kind: 'unreadable', reason: z.prettifyError(parsed.error) };
}

/**
 * Removes the file; with `ownerPid`, only if it still describes that process's stack (a newer run
 * may own it by now).
 */
export function removeStateFile(dataDir: string, ownerPid?: number): void {
  if (ownerPid !== undefined) {
    const content = readStateFile(dataDir);
    if (content.kind === 'present' && content.state.pid !== ownerPid) return;
  }
  rmSync(stateFilePath(dataDir), { force: true });
}
