/**
 * The three workload profiles behind one name, for the CLI and the benchmark: `mix` (many state
 * machines, realistic noise), `busy` (one state machine, all day), `fleet` (hundreds side by side).
 * Every profile answers with the same GeneratedStream.
 */

import { type BusyOptions, busyStream } from './busy.ts';
import { type FleetOptions, fleetStream } from './fleet.ts';
import type { GeneratedStream } from './generated.ts';
import { generateEvents, type MixOptions } from './mix.ts';

export const WORKLOAD_PROFILES = ['mix', 'busy', 'fleet'] as const;
export type WorkloadProfile = (typeof WORKLOAD_PROFILES)[number];

export type WorkloadRequest =
  | { readonly profile: 'mix'; readonly options: MixOptions }
  | { readonly profile: 'busy'; readonly options: BusyOptions }
  | { readonly profile: 'fleet'; readonly options: FleetOptions };

export function isWorkloadProfile(name: string): name is WorkloadProfile {
  return (WORKLOAD_PROFILES as readonly string[]).includes(name);
}

export function workloadStream(request: WorkloadRequest): GeneratedStream {
  switch (request.profile) {
    case 'mix': {
      // The mix cuts exactly `events` from a sorted whole, so it is made at once; held, it streams too.
      const mix = generateEvents(request.options);
      return { stateMachineArns: mix.stateMachineArns, events: mix.events };
    }
    case 'busy':
      return busyStream(request.options);
    case 'fleet':
      return fleetStream(request.options);
  }
}
