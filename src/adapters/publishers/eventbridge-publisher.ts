import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { TransientStoreError } from '../../errors.ts';
import { type ChangePublisher, chunks, type PublishableChange } from './change-publisher.ts';

export const CHANGE_EVENT_SOURCE = 'sfn-incident-correlator';

/** Publishes to an EventBridge bus as `Incident <type>` events; a refused entry fails the batch. */
export class EventBridgeChangePublisher implements ChangePublisher {
  constructor(
    private readonly events: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(changes: readonly PublishableChange[]): Promise<void> {
    for (const batch of chunks(changes, 10)) {
      const result = await this.events.send(
        new PutEventsCommand({
          Entries: batch.map((change) => ({
            EventBusName: this.busName,
            Source: CHANGE_EVENT_SOURCE,
            DetailType: `Incident ${change.type}`,
            Resources: [change.stateMachineArn],
            Detail: JSON.stringify(change.body),
          })),
        }),
      );
      if ((result.FailedEntryCount ?? 0) > 0) {
        const codes = (result.Entries ?? []).map((e) => e.ErrorCode).filter((c) => c !== undefined);
        throw new TransientStoreError(
          `EventBridge refused ${result.FailedEntryCount} incident change(s): ${codes.join(', ')}`,
        );
      }
    }
  }
}
