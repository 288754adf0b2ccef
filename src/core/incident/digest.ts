import { createHash } from 'node:crypto';
import { canonicalJson } from '../canonical-json.ts';
import type { Incident } from './types.ts';

/**
 * What "the incident did not change" means: the digest of the incident exactly as the engine derived
 * it, before any store shrinks it to fit an item. Stores keep it beside the incident, so a shrunk
 * header still compares equal to the derivation that produced it (and is not rewritten forever).
 */
export function incidentDigest(incident: Incident): string {
  return createHash('sha256').update(canonicalJson(incident)).digest('base64url').slice(0, 32);
}
