import { PublishBatchCommand, type SNSClient } from '@aws-sdk/client-sns';
import { TransientStoreError } from '../../errors.ts';
import { type ChangePublisher, chunks, type PublishableChange } from './change-publisher.ts';

/**
 * Publishes to an SNS topic, ten messages per call. Message attributes carry the change type and
 * severity so subscribers can filter (e.g. only `opened` and `escalated` of SEV1/SEV2) without code.
 * A partially failed batch throws, so the stream batch is retried; subscribers dedupe on the id.
 */
export class SnsChangePublisher implements ChangePublisher {
  constructor(
    private readonly sns: SNSClient,
    private readonly topicArn: string,
  ) {}

  async publish(changes: readonly PublishableChange[]): Promise<void> {
    for (const batch of chunks(changes, 10)) {
      const result = await this.sns.send(
        new PublishBatchCommand({
          TopicArn: this.topicArn,
          PublishBatchRequestEntries: batch.map((change, index) => ({
            Id: String(index),
            Subject: `Incident ${change.type}: ${change.incidentId} (${change.severity})`.slice(0, 99),
            Message: JSON.stringify(change.body),
            MessageAttributes: {
              type: { DataType: 'String', StringValue: change.type },
              severity: { DataType: 'String', StringValue: change.severity },
              status: { DataType: 'String', StringValue: change.status },
              stateMachineArn: { DataType: 'String', StringValue: change.stateMachineArn },
            },
          })),
        }),
      );
      const failed = result.Failed ?? [];
      if (failed.length > 0) {
        throw new TransientStoreError(
          `SNS refused ${failed.length} of ${batch.length} incident change(s): ${failed.map((f) => f.Code).join(', ')}`,
        );
      }
    }
  }
}
