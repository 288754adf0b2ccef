import { sleep } from '../sleep.ts';

export interface PollOptions {
  readonly timeoutMs: number;
  readonly intervalMs: number;
  /** Named in the timeout error: "<description> within N ms". */
  readonly description: string;
}

/**
 * Calls `attempt` until it returns a value other than `undefined`, or throws once `timeoutMs` has
 * passed. Errors thrown by `attempt` count as "not yet"; the last one becomes the timeout's cause.
 */
export async function pollUntil<T>(attempt: () => Promise<T | undefined>, options: PollOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw new Error(`Timed out waiting for ${options.description} within ${options.timeoutMs} ms`, {
        cause: lastError,
      });
    }
    await sleep(options.intervalMs);
  }
}
