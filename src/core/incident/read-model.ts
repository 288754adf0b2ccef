import * as z from 'zod/mini';

/**
 * The statuses a reader of the incidents table sees, in one place: the CLI, the incident page, the
 * stream decoder and the store's item schemas parse and offer exactly these. `zod/mini` because
 * the incident page's client bundles this module, where the full zod would be most of its weight.
 */

/** What the engine derives: an incident is open until it resolves. */
export const incidentStatusSchema = z.enum(['OPEN', 'RESOLVED']);

/**
 * What the table holds: an incident a later derivation merged into another keeps its header under
 * SUPERSEDED, so whoever followed it can tell what became of it.
 */
export const storedIncidentStatusSchema = z.enum([...incidentStatusSchema.options, 'SUPERSEDED']);
export type StoredIncidentStatus = z.infer<typeof storedIncidentStatusSchema>;

/** Every stored status, in the order lists and help texts offer them. */
export const STORED_INCIDENT_STATUSES: readonly StoredIncidentStatus[] = storedIncidentStatusSchema.options;
