/**
 * Test fixtures around the event builders (src/workloads/events.ts): the seed events captured from
 * AWS, a second CloudTrail identity, and the byte encodings inputs arrive in (JSON, NDJSON, gzip).
 */

import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { ACCOUNT, type JsonObject } from '../../src/workloads/events.ts';

export const SEED_EVENTS_DIR = new URL('../fixtures/seed-events/', import.meta.url);

export const ASSUMED_ROLE_IDENTITY: JsonObject = {
  type: 'AssumedRole',
  principalId: 'AROAEXAMPLEID:ci-session',
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/ci-deployer/ci-session`,
  accountId: ACCOUNT,
  accessKeyId: 'ASIAEXAMPLEKEY123456',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      principalId: 'AROAEXAMPLEID',
      arn: `arn:aws:iam::${ACCOUNT}:role/ci-deployer`,
      accountId: ACCOUNT,
      userName: 'ci-deployer',
    },
    attributes: { creationDate: '2024-05-01T11:00:00Z', mfaAuthenticated: 'false' },
  },
};

/** The seed fixture file names, sorted. */
export function seedFileNames(): string[] {
  return readdirSync(SEED_EVENTS_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort();
}

/** A seed fixture as parsed JSON, e.g. `seedEvent('stepfunctions-status--execution-failed')`. */
export function seedEvent(name: string): JsonObject {
  const fileName = name.endsWith('.json') ? name : `${name}.json`;
  const value: unknown = JSON.parse(readFileSync(new URL(fileName, SEED_EVENTS_DIR), 'utf8'));
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`seed ${fileName} is not a JSON object`);
  }
  return Object.fromEntries(Object.entries(value));
}

export function jsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

export function ndjsonBytes(values: readonly unknown[]): Uint8Array {
  return new TextEncoder().encode(`${values.map((value) => JSON.stringify(value)).join('\n')}\n`);
}

export function gzipBytes(bytes: Uint8Array): Uint8Array {
  return gzipSync(bytes);
}
