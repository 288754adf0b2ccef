import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Logger, pino } from 'pino';

/** Silent unless LOG_LEVEL asks otherwise, so a failing run can be replayed with logs. */
export function testLogger(): Logger {
  return pino({ level: process.env.LOG_LEVEL ?? 'silent' });
}

export interface TemporaryDirectory {
  readonly path: string;
  remove(): void;
}

export function temporaryDirectory(prefix: string): TemporaryDirectory {
  const dir = mkdtempSync(path.join(tmpdir(), `${prefix}-`));
  return { path: dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const FIXTURES = new URL('../fixtures/seed-events/', import.meta.url);

export function seedEvent(name: string): Record<string, unknown> {
  const parsed: unknown = JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`fixture ${name} is not a JSON object`);
  }
  return { ...parsed };
}

export function decodeBase64Json(data: string): unknown {
  return JSON.parse(Buffer.from(data, 'base64').toString('utf8'));
}
