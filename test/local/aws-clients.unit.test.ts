import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterEach, describe, expect, it } from 'vitest';
import { type AwsClients, createAwsClients } from '../../src/adapters/aws-clients.ts';

let clients: AwsClients | undefined;
afterEach(() => clients?.destroy());

describe('the SDK client factory', () => {
  it('points local clients at their emulators with HTTP/1.1, fixed credentials and bounded attempts', async () => {
    clients = createAwsClients({
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      endpoints: { dynamodb: 'http://127.0.0.1:8000', kinesis: 'http://127.0.0.1:4567' },
      maxAttempts: 2,
    });
    const dynamodbEndpoint = await clients.dynamodb.config.endpoint?.();
    const streamsEndpoint = await clients.dynamodbStreams.config.endpoint?.();
    const kinesisEndpoint = await clients.kinesis.config.endpoint?.();
    expect([dynamodbEndpoint?.hostname, dynamodbEndpoint?.port]).toEqual(['127.0.0.1', 8000]);
    expect([streamsEndpoint?.hostname, streamsEndpoint?.port]).toEqual(['127.0.0.1', 8000]);
    expect([kinesisEndpoint?.hostname, kinesisEndpoint?.port]).toEqual(['127.0.0.1', 4567]);
    for (const client of [clients.dynamodb, clients.dynamodbStreams, clients.kinesis]) {
      expect(client.config.requestHandler).toBeInstanceOf(NodeHttpHandler);
      await expect(client.config.maxAttempts()).resolves.toBe(2);
      await expect(client.config.region()).resolves.toBe('us-east-1');
      await expect(client.config.credentials()).resolves.toMatchObject({ accessKeyId: 'local' });
    }
    expect(clients.document.config.translateConfig?.marshallOptions?.removeUndefinedValues).toBe(true);
  });

  it('leaves endpoints to the SDK in AWS mode', () => {
    clients = createAwsClients({ region: 'eu-west-1' });
    expect(clients.dynamodb.config.endpoint).toBeUndefined();
    expect(clients.kinesis.config.endpoint).toBeUndefined();
    expect(clients.kinesis.config.requestHandler).toBeInstanceOf(NodeHttpHandler);
  });
});
