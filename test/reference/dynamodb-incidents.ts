import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { engineIncident } from '../../src/adapters/dynamodb/incident-items.ts';
import { IncidentQueries } from '../../src/adapters/dynamodb/incident-queries.ts';
import type { Incident } from '../../src/core/incident/types.ts';
import { byOpening } from './reference-model.ts';

/**
 * Every live incident of these state machines as a reader of the table sees it: listed through the
 * by-state-machine index (so no "recent incidents" bound of the store hides any), then each read
 * whole with its timeline, as `incidents show` does.
 */
export async function incidentsInTable(
  client: DynamoDBDocumentClient,
  tableName: string,
  stateMachineArns: readonly string[],
): Promise<Incident[]> {
  const queries = new IncidentQueries({ client, tableName });
  const incidents: Incident[] = [];
  for (const stateMachineArn of stateMachineArns) {
    for (const header of await queries.listIncidents({ stateMachineArn, limit: 1000 })) {
      if (header.status === 'SUPERSEDED') continue;
      const detail = await queries.getIncident(header.id);
      const incident = detail === undefined ? undefined : engineIncident(detail, detail.timeline);
      if (incident !== undefined) incidents.push(incident);
    }
  }
  return incidents.sort(byOpening);
}
