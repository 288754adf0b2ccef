import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isProcessAlive, stopForeignProcess } from '../../src/local/child-process.ts';
import { resolveJavaCommand, startDynamoDbLocal } from '../../src/local/dynamodb-local.ts';
import { JavaNotFoundError } from '../../src/local/errors.ts';
import { sleep } from '../../src/sleep.ts';
import { temporaryDirectory, testLogger } from './helpers.ts';

const logger = testLogger();
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const leftovers: number[] = [];
const scratch = temporaryDirectory('processes-int');

afterAll(async () => {
  // Only has work when an assertion failed: do not leave a JVM running for the next test run.
  await Promise.all(leftovers.filter(isProcessAlive).map((pid) => stopForeignProcess(pid, 2_000)));
  scratch.remove();
});

/** Runs a fixture script under tsx and waits for the Java pid it reports on its first line. */
async function spawnFixture(name: string, args: readonly string[] = []) {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture(name), ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const firstLine = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', resolve);
    void exited.then(({ code }) => reject(new Error(`${name} exited early with ${code}`)));
  });
  const parsed: unknown = JSON.parse(firstLine);
  const javaPid =
    typeof parsed === 'object' && parsed !== null && 'javaPid' in parsed ? parsed.javaPid : undefined;
  if (typeof javaPid !== 'number') throw new Error(`unexpected output of ${name}: ${firstLine}`);
  leftovers.push(javaPid);
  return { child, javaPid, exited };
}

async function waitUntilGone(pid: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (isProcessAlive(pid) && Date.now() < deadline) await sleep(50);
}

describe('DynamoDB Local as a child process', () => {
  it('says how to install Java when there is none', async () => {
    expect(() => resolveJavaCommand('/nonexistent/bin/java')).toThrow(JavaNotFoundError);
    expect(() => resolveJavaCommand('/nonexistent/bin/java')).toThrow(
      /apt-get install openjdk-17-jre-headless/,
    );
    await expect(
      startDynamoDbLocal({ host: '127.0.0.1', logger, javaCommand: '/nonexistent/bin/java' }),
    ).rejects.toThrow(JavaNotFoundError);
  });

  it('answers, and is gone after stop', async () => {
    const local = await startDynamoDbLocal({ host: '127.0.0.1', logger });
    expect(local.endpoint).toBe(`http://127.0.0.1:${local.port}`);
    expect(isProcessAlive(local.pid)).toBe(true);
    await local.stop();
    expect(isProcessAlive(local.pid)).toBe(false);
    expect(existsSync(`/proc/${local.pid}`)).toBe(false);
  });

  it('dies with its parent even when the parent is killed with SIGKILL', async () => {
    const { child, javaPid } = await spawnFixture('orphaned-dynamodb-local.ts');
    expect(isProcessAlive(javaPid)).toBe(true);

    child.kill('SIGKILL');
    await waitUntilGone(javaPid);
    expect(isProcessAlive(javaPid)).toBe(false);
  });

  it('is stopped, with the state file removed, when the stack process gets SIGTERM', async () => {
    const dataDir = path.join(scratch.path, 'signalled');
    const { child, javaPid, exited } = await spawnFixture('stack-until-signalled.ts', [dataDir]);
    expect(existsSync(path.join(dataDir, 'local-stack.json'))).toBe(true);

    child.kill('SIGTERM');
    // Re-raised after cleanup, so the process ends as SIGTERM would have ended it.
    await expect(exited).resolves.toEqual({ code: null, signal: 'SIGTERM' });
    expect(isProcessAlive(javaPid)).toBe(false);
    expect(existsSync(path.join(dataDir, 'local-stack.json'))).toBe(false);
  });
});
