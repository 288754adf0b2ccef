import * as z from 'zod/mini';

/**
 * The severities, worst first, in one place: the engine derives them (severity.ts), the store and
 * the page's API parse them with this schema. `zod/mini` because the incident page's client bundles
 * this module, where the full zod would be most of its weight.
 */
export const severitySchema = z.enum(['SEV1', 'SEV2', 'SEV3', 'SEV4']);
/** SEV1 is the worst. Derived from counts and alarms, so it is the same whatever the order of signals. */
export type Severity = z.infer<typeof severitySchema>;
