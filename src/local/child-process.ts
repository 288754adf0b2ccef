import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { sleep } from '../sleep.ts';

/** Whether a process with this pid exists (a zombie counts until its parent reaps it). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}

/** The command line of a live process (Linux /proc), or undefined where it cannot be read. */
export function processCommandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return undefined;
  }
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Resolves when the child has exited (and Node has reaped it, so its pid is gone). */
export function childExited(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** SIGTERM, then SIGKILL once the grace period has passed; resolves when the child is gone. */
export async function stopChildProcess(child: ChildProcess, graceMs: number): Promise<void> {
  if (hasExited(child)) return;
  const exited = childExited(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (!hasExited(child)) child.kill('SIGKILL');
  }, graceMs);
  await exited;
  clearTimeout(timer);
}

/**
 * Stops a process this one did not start (a child a crashed earlier run left behind): SIGTERM,
 * then SIGKILL after the grace period. Resolves true when the pid is gone.
 */
export async function stopForeignProcess(pid: number, graceMs: number): Promise<boolean> {
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isProcessAlive(pid) && Date.now() < deadline) await sleep(50);
  if (!isProcessAlive(pid)) return true;
  signal('SIGKILL');
  const killDeadline = Date.now() + 2_000;
  while (isProcessAlive(pid) && Date.now() < killDeadline) await sleep(50);
  return !isProcessAlive(pid);
}
