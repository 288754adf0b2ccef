import type { StoredIncidentStatus } from '../../core/incident/read-model.ts';
import type { Severity } from '../../core/incident/severity-enum.ts';

/** What every destination needs of an incident change: routing attributes plus the JSON body. */
export interface PublishableChange {
  readonly type: string;
  readonly incidentId: string;
  readonly stateMachineArn: string;
  readonly severity: Severity;
  readonly status: StoredIncidentStatus;
  readonly title: string;
  /** A short human note on what changed, for updates. */
  readonly detail?: string;
  readonly body: unknown;
}

/** Where incident changes go: SNS, an EventBridge bus, or the terminal in local mode. */
export interface ChangePublisher {
  publish(changes: readonly PublishableChange[]): Promise<void>;
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += size) result.push(items.slice(index, index + size));
  return result;
}
