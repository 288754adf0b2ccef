import { queryAll, type TableContext } from './batch-operations.ts';
import { type IncidentRead, readIncidentPartition } from './incident-items.ts';
import { incidentPk } from './keys.ts';

/**
 * Generous: a partition holds the header, the index, the bounded timeline and at most a few entries
 * that fell out of it and are waiting to be deleted.
 */
const MAX_PARTITION_ITEMS = 20_000;

/**
 * One incident with its timeline: one consistent Query on its partition. Descending order reads
 * the index before the entries, and entries are written before the index naming them, so a read
 * racing a commit sees every entry its index names; a newer commit may still delete some before
 * the read reaches them, so the read is retried once when that happened.
 */
export async function readIncident(
  context: TableContext,
  incidentId: string,
): Promise<IncidentRead | undefined> {
  const first = await readOnce(context, incidentId);
  if (first === undefined || first.missingTimelineEntries === 0) return first;
  return readOnce(context, incidentId);
}

async function readOnce(context: TableContext, incidentId: string): Promise<IncidentRead | undefined> {
  const { items } = await queryAll(
    context,
    {
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': incidentPk(incidentId) },
      ScanIndexForward: false,
      ConsistentRead: true,
    },
    MAX_PARTITION_ITEMS,
  );
  return readIncidentPartition(items);
}
