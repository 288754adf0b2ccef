/**
 * Runs the project's `serverless` (osls) offline for the infra tests: no AWS credentials or
 * profile reach it, instance metadata lookups are off, and where the machine allows an unprivileged
 * network namespace (`unshare -rn`, Linux) the command runs with no network at all, which proves
 * that packaging needs none.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const serverlessBin = join(repoRoot, 'node_modules', 'osls', 'bin', 'serverless.js');

export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
  readonly timedOut: boolean;
  readonly withoutNetwork: boolean;
}

let namespaceProbe: boolean | undefined;

/** Whether commands can run in a network namespace of their own (no interfaces but a down loopback). */
export function canIsolateNetwork(): boolean {
  if (namespaceProbe === undefined) {
    namespaceProbe = spawnSync('unshare', ['-rn', 'true'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
  }
  return namespaceProbe;
}

/** The current environment without any AWS setting, plus what keeps the SDK from looking further. */
export function offlineEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('AWS_')) env[name] = value;
  }
  const nowhere = join(repoRoot, 'node_modules', '.no-aws-config');
  return {
    ...env,
    AWS_CONFIG_FILE: nowhere,
    AWS_SHARED_CREDENTIALS_FILE: nowhere,
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
}

export function runServerless(
  args: readonly string[],
  options: { readonly env: NodeJS.ProcessEnv; readonly timeoutMs: number },
): Promise<RunResult> {
  if (!existsSync(serverlessBin)) throw new Error(`osls is not installed (${serverlessBin}): run npm ci`);
  const withoutNetwork = canIsolateNetwork();
  const [command, commandArgs] = withoutNetwork
    ? ['unshare', ['-rn', process.execPath, serverlessBin, ...args]]
    : [process.execPath, [serverlessBin, ...args]];
  const started = performance.now();
  return new Promise((resolvePromise, reject) => {
    // A group of its own, so a timeout also ends esbuild's service process.
    const child = spawn(command, commandArgs, { cwd: repoRoot, env: options.env, detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({
        code,
        stdout,
        stderr,
        durationMs: performance.now() - started,
        timedOut,
        withoutNetwork,
      });
    });
  });
}
