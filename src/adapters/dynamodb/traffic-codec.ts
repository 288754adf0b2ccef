import { gunzipSync, gzipSync } from 'node:zlib';
import { z } from 'zod';
import {
  EMPTY_TRAFFIC,
  type TrafficMinute,
  type TrafficState,
  trafficMinuteSchema,
  trafficStateSchema,
} from '../../core/traffic/traffic.ts';
import { MalformedItemError } from './item-schemas.ts';

/**
 * A scope's traffic summary on its STATE item: gzipped JSON. The state is written once per batch
 * and DynamoDB charges writes by the kilobyte; the summary's digits and ids compress about 3:1.
 */
export function encodeTraffic(state: TrafficState): Uint8Array {
  return gzipSync(JSON.stringify(state), { level: 6 });
}

/** An absent summary (an item of the first engine) reads as empty; a corrupt one is deterministic. */
export function decodeTraffic(bytes: Uint8Array | undefined, stateMachineArn: string): TrafficState {
  if (bytes === undefined) return EMPTY_TRAFFIC;
  try {
    return trafficStateSchema.parse(JSON.parse(gunzipSync(bytes).toString('utf8')));
  } catch (error) {
    throw new MalformedItemError(`scope state of ${stateMachineArn}: traffic summary does not decode`, {
      cause: error,
    });
  }
}

/** An hour of the scope's traffic history: its minutes as gzipped JSON, like the summary. */
export function encodeTrafficMinutes(minutes: readonly TrafficMinute[]): Uint8Array {
  return gzipSync(JSON.stringify(minutes), { level: 6 });
}

const trafficMinutesSchema = z.array(trafficMinuteSchema);

export function decodeTrafficMinutes(bytes: Uint8Array, what: string): TrafficMinute[] {
  try {
    return trafficMinutesSchema.parse(JSON.parse(gunzipSync(bytes).toString('utf8')));
  } catch (error) {
    throw new MalformedItemError(`${what}: traffic minutes do not decode`, { cause: error });
  }
}
