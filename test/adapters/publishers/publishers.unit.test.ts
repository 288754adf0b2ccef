import type { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { PublishBatchCommand, SNSClient } from '@aws-sdk/client-sns';
import { describe, expect, it } from 'vitest';
import type { PublishableChange } from '../../../src/adapters/publishers/change-publisher.ts';
import { EventBridgeChangePublisher } from '../../../src/adapters/publishers/eventbridge-publisher.ts';
import { SnsChangePublisher } from '../../../src/adapters/publishers/sns-publisher.ts';

const change = (n: number): PublishableChange => ({
  type: 'opened',
  incidentId: `inc-${n}`,
  stateMachineArn: 'arn:aws:states:us-east-1:111122223333:stateMachine:orders',
  severity: 'SEV2',
  status: 'OPEN',
  title: 'orders: 1 execution(s) failed',
  body: { type: 'opened', incidentId: `inc-${n}` },
});

describe('SnsChangePublisher', () => {
  it('publishes in batches of ten with filterable attributes', async () => {
    const sent: PublishBatchCommand[] = [];
    const sns = {
      send: async (command: PublishBatchCommand) => {
        sent.push(command);
        return { Failed: [] };
      },
    };
    await new SnsChangePublisher(sns as unknown as SNSClient, 'arn:topic').publish(
      Array.from({ length: 12 }, (_, i) => change(i)),
    );
    expect(sent.map((c) => c.input.PublishBatchRequestEntries?.length)).toEqual([10, 2]);
    const first = sent[0]?.input.PublishBatchRequestEntries?.[0];
    expect(first?.MessageAttributes?.severity?.StringValue).toBe('SEV2');
    expect(JSON.parse(first?.Message ?? '{}')).toEqual({ type: 'opened', incidentId: 'inc-0' });
  });

  it('throws when SNS refuses part of a batch, so the stream batch is retried', async () => {
    const sns = { send: async () => ({ Failed: [{ Id: '0', Code: 'Throttled', SenderFault: false }] }) };
    await expect(
      new SnsChangePublisher(sns as unknown as SNSClient, 'arn:topic').publish([change(1)]),
    ).rejects.toThrow('SNS refused 1 of 1 incident change(s): Throttled');
  });
});

describe('EventBridgeChangePublisher', () => {
  it('sends Incident <type> events and fails on refused entries', async () => {
    const sent: PutEventsCommand[] = [];
    const ok = {
      send: async (command: PutEventsCommand) => {
        sent.push(command);
        return { FailedEntryCount: 0 };
      },
    };
    await new EventBridgeChangePublisher(ok as unknown as EventBridgeClient, 'ops').publish([change(1)]);
    expect(sent[0]?.input.Entries?.[0]).toMatchObject({ EventBusName: 'ops', DetailType: 'Incident opened' });

    const refused = {
      send: async () => ({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] }),
    };
    await expect(
      new EventBridgeChangePublisher(refused as unknown as EventBridgeClient, 'ops').publish([change(1)]),
    ).rejects.toThrow('EventBridge refused 1 incident change(s): InternalFailure');
  });
});
