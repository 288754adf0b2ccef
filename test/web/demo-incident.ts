import { readFileSync } from 'node:fs';
import type { IncidentDetail } from '../../src/adapters/dynamodb/incident-queries.ts';
import { DEFAULT_CONFIG } from '../../src/core/config.ts';
import type { Incident } from '../../src/core/incident/types.ts';
import { correlateOffline } from '../../src/runtime/correlate-offline.ts';

const DEMO = new URL('../../examples/scenarios/checkout-outage.ndjson', import.meta.url);

/** The demo's incident as the query library returns it, derived offline (no emulator needed). */
export async function demoIncidentDetail(): Promise<IncidentDetail> {
  const { incidents } = await correlateOffline(
    [{ name: 'demo', bytes: readFileSync(DEMO) }],
    DEFAULT_CONFIG,
    () => Date.parse('2026-11-21T12:00:00.000Z'),
  );
  const [incident] = incidents;
  if (incident === undefined) throw new Error('the demo produced no incident');
  return storedDetail(incident);
}

/** An engine incident as stored: the header's bookkeeping added. */
export function storedDetail(incident: Incident, updatedAt = '2026-11-21T12:00:00.000Z'): IncidentDetail {
  return {
    ...incident,
    executions: [...incident.executions],
    alarms: incident.alarms.map((alarm) => ({
      ...alarm,
      via: [...alarm.via],
      transitions: [...alarm.transitions],
    })),
    apiCalls: [...incident.apiCalls],
    actors: [...incident.actors],
    hints: incident.hints.map((hint) => ({ ...hint, evidence: [...hint.evidence] })),
    counts: { ...incident.counts },
    scopeVersion: 1,
    updatedAt,
    shrunk: false,
  };
}
