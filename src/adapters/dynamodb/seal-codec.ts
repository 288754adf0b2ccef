import { gunzipSync, gzipSync } from 'node:zlib';
import { type ScopeSeal, scopeSealSchema } from '../../core/pipeline/seal.ts';
import { MalformedItemError } from './item-schemas.ts';

/**
 * A scope's seal on its STATE item (core/pipeline/seal.ts) as engines before carry packs wrote it:
 * gzipped JSON with its carry. Such a seal is read as it is and carried over until the seal moves;
 * a moved seal is `sealedThroughMs` and a carry pack (context-packs.ts, `carryPackItem`).
 */
export function encodeSeal(seal: ScopeSeal): Uint8Array {
  return gzipSync(JSON.stringify(seal), { level: 6 });
}

/** No seal (an older item, or nothing sealed yet) reads as undefined; a corrupt one is deterministic. */
export function decodeSeal(bytes: Uint8Array | undefined, stateMachineArn: string): ScopeSeal | undefined {
  if (bytes === undefined) return undefined;
  try {
    return scopeSealSchema.parse(JSON.parse(gunzipSync(bytes).toString('utf8')));
  } catch (error) {
    throw new MalformedItemError(`scope state of ${stateMachineArn}: seal does not decode`, { cause: error });
  }
}
