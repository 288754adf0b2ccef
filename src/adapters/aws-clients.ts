import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { DynamoDBDocument } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * One way to build the SDK clients, for AWS and for the local emulators alike. Every client gets an
 * HTTP/1.1 handler (the emulators break on HTTP/2), keep-alive sockets, timeouts that turn a hung
 * emulator into an error instead of a hang, and a bounded number of attempts.
 */

export interface StaticCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export interface AwsClientConfig {
  readonly region: string;
  /** Omit for AWS; an emulator's URL for local mode. */
  readonly endpoint?: string;
  /** Omit for AWS (default credential chain); fixed fake credentials for local mode. */
  readonly credentials?: StaticCredentials;
  /** Total attempts per request, the first one included. */
  readonly maxAttempts?: number;
  readonly connectionTimeoutMs?: number;
  readonly requestTimeoutMs?: number;
}

export interface AwsClientsConfig extends Omit<AwsClientConfig, 'endpoint'> {
  /** Per-service endpoints; DynamoDB Streams is served by the DynamoDB endpoint. */
  readonly endpoints?: { readonly dynamodb?: string; readonly kinesis?: string };
}

export interface AwsClients {
  readonly dynamodb: DynamoDBClient;
  /** Document client over `dynamodb`, dropping undefined attributes instead of failing on them. */
  readonly document: DynamoDBDocument;
  readonly dynamodbStreams: DynamoDBStreamsClient;
  readonly kinesis: KinesisClient;
  /** Closes the clients' keep-alive sockets, so a process can exit and an emulator can stop. */
  destroy(): void;
}

const DEFAULT_MAX_ATTEMPTS = 4;
const DEFAULT_CONNECTION_TIMEOUT_MS = 3_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
const MAX_SOCKETS_PER_CLIENT = 50;

function sdkConfig(config: AwsClientConfig) {
  return {
    region: config.region,
    maxAttempts: config.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    retryMode: 'standard',
    requestHandler: new NodeHttpHandler({
      connectionTimeout: config.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
      requestTimeout: config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      throwOnRequestTimeout: true,
      httpAgent: new HttpAgent({ keepAlive: true, maxSockets: MAX_SOCKETS_PER_CLIENT }),
      httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: MAX_SOCKETS_PER_CLIENT }),
    }),
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    ...(config.credentials === undefined ? {} : { credentials: { ...config.credentials } }),
  };
}

export function createDynamoDbClient(config: AwsClientConfig): DynamoDBClient {
  return new DynamoDBClient(sdkConfig(config));
}

export function createDynamoDbDocument(client: DynamoDBClient): DynamoDBDocument {
  return DynamoDBDocument.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

export function createDynamoDbStreamsClient(config: AwsClientConfig): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient(sdkConfig(config));
}

export function createKinesisClient(config: AwsClientConfig): KinesisClient {
  return new KinesisClient(sdkConfig(config));
}

export function createAwsClients(config: AwsClientsConfig): AwsClients {
  const { endpoints, ...shared } = config;
  const dynamodbConfig = { ...shared, ...(endpoints?.dynamodb ? { endpoint: endpoints.dynamodb } : {}) };
  const kinesisConfig = { ...shared, ...(endpoints?.kinesis ? { endpoint: endpoints.kinesis } : {}) };
  const dynamodb = createDynamoDbClient(dynamodbConfig);
  const document = createDynamoDbDocument(dynamodb);
  const dynamodbStreams = createDynamoDbStreamsClient(dynamodbConfig);
  const kinesis = createKinesisClient(kinesisConfig);
  return {
    dynamodb,
    document,
    dynamodbStreams,
    kinesis,
    destroy: () => {
      // The document client owns no sockets of its own: destroying `dynamodb` closes them.
      dynamodb.destroy();
      dynamodbStreams.destroy();
      kinesis.destroy();
    },
  };
}
