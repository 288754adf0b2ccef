import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { createAwsClients } from '../adapters/aws-clients.ts';
import { isProcessAlive } from './child-process.ts';
import { LOCAL_CREDENTIALS } from './constants.ts';
import { type LocalStackState, readStateFile } from './state-file.ts';

/**
 * Finds a local stack another process started from the same data directory: reads its state file
 * and checks that its owner is alive and both emulators answer.
 */

export type DiscoveredLocalStack =
  | { readonly status: 'running'; readonly state: LocalStackState }
  | { readonly status: 'absent' }
  /** A state file is there, but nothing (or not everything) it describes is running. */
  | { readonly status: 'stale'; readonly reason: string; readonly state?: LocalStackState };

const PROBE_TIMEOUT_MS = 2_000;

/** Whether both emulators of this state answer a cheap call. Never throws. */
export async function localStackAnswers(
  state: LocalStackState,
  timeoutMs = PROBE_TIMEOUT_MS,
): Promise<boolean> {
  const clients = createAwsClients({
    region: state.region,
    credentials: LOCAL_CREDENTIALS,
    endpoints: state.endpoints,
    maxAttempts: 1,
    connectionTimeoutMs: timeoutMs,
    requestTimeoutMs: timeoutMs,
  });
  try {
    await Promise.all([
      clients.dynamodb.send(new ListTablesCommand({ Limit: 1 })),
      clients.kinesis.send(new ListStreamsCommand({ Limit: 1 })),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clients.destroy();
  }
}

export async function discoverLocalStack(dataDir: string): Promise<DiscoveredLocalStack> {
  const content = readStateFile(dataDir);
  if (content.kind === 'absent') return { status: 'absent' };
  if (content.kind === 'unreadable')
    return { status: 'stale', reason: `unreadable state file: ${content.reason}` };
  const { state } = content;
  if (!isProcessAlive(state.pid)) {
    return { status: 'stale', reason: `the process that started it (pid ${state.pid}) is gone`, state };
  }
  if (!(await localStackAnswers(state))) {
    return { status: 'stale', reason: 'its emulators do not answer', state };
  }
  return { status: 'running', state };
}
