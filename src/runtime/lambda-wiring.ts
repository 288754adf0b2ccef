import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import { createAwsClients } from '../adapters/aws-clients.ts';
import { DynamoDbIncidentStore } from '../adapters/dynamodb/dynamodb-store.ts';
import { IncidentQueries } from '../adapters/dynamodb/incident-queries.ts';
import type { ChangePublisher } from '../adapters/publishers/change-publisher.ts';
import { EventBridgeChangePublisher } from '../adapters/publishers/eventbridge-publisher.ts';
import { SnsChangePublisher } from '../adapters/publishers/sns-publisher.ts';
import { MAX_PAYLOAD_PREVIEW_CHARS } from '../core/signals/normalize-options.ts';
import { ConfigurationError } from '../errors.ts';
import { correlationConfigFromEnv } from './correlation-config.ts';
import { optionalEnv, requiredEnv } from './environment.ts';
import { createIncidentStreamHandler, type IncidentStreamHandler } from './incident-stream.ts';
import { createKinesisConsumer, type KinesisConsumer } from './kinesis-consumer.ts';
import { createLogger } from './logger.ts';
import { type SweepReport, sweep } from './sweeper.ts';

/**
 * Composition roots for the three Lambda functions: configuration is read once at cold start and
 * fails loudly; clients are built once and reused across invocations.
 */

function awsBasics(env: NodeJS.ProcessEnv) {
  const region = requiredEnv(env, 'AWS_REGION');
  const tableName = requiredEnv(env, 'INCIDENTS_TABLE');
  const logger = createLogger(optionalEnv(env, 'LOG_LEVEL', 'info'));
  const clients = createAwsClients({ region });
  return { region, tableName, logger, clients };
}

export function kinesisConsumerFromEnvironment(env: NodeJS.ProcessEnv): KinesisConsumer {
  const { tableName, logger, clients } = awsBasics(env);
  const store = new DynamoDbIncidentStore({ client: clients.document, tableName, clock: Date.now });
  return createKinesisConsumer({
    store,
    config: correlationConfigFromEnv(env),
    logger,
    clock: Date.now,
    normalizeOptions: { payloadPreviewChars: payloadPreviewCharsFromEnv(env) },
  });
}

/** STORE_EXECUTION_PAYLOAD_CHARS: opt-in previews of execution input/output (0, the default, keeps none). */
function payloadPreviewCharsFromEnv(env: NodeJS.ProcessEnv): number {
  const text = optionalEnv(env, 'STORE_EXECUTION_PAYLOAD_CHARS', '0');
  const chars = Number(text);
  if (!Number.isInteger(chars) || chars < 0 || chars > MAX_PAYLOAD_PREVIEW_CHARS) {
    throw new ConfigurationError(
      `Environment variable STORE_EXECUTION_PAYLOAD_CHARS must be a whole number from 0 to ${MAX_PAYLOAD_PREVIEW_CHARS}, got "${text}"`,
    );
  }
  return chars;
}

function publisherFromEnvironment(env: NodeJS.ProcessEnv, region: string): ChangePublisher {
  const topicArn = env.INCIDENT_CHANGES_TOPIC_ARN;
  const busName = env.INCIDENT_CHANGES_BUS_NAME;
  if (topicArn !== undefined && topicArn !== '')
    return new SnsChangePublisher(new SNSClient({ region }), topicArn);
  if (busName !== undefined && busName !== '') {
    return new EventBridgeChangePublisher(new EventBridgeClient({ region }), busName);
  }
  throw new ConfigurationError(
    'Environment variable INCIDENT_CHANGES_TOPIC_ARN (SNS) or INCIDENT_CHANGES_BUS_NAME (EventBridge) is required',
  );
}

export function incidentStreamFromEnvironment(env: NodeJS.ProcessEnv): IncidentStreamHandler {
  const region = requiredEnv(env, 'AWS_REGION');
  const logger = createLogger(optionalEnv(env, 'LOG_LEVEL', 'info'));
  return createIncidentStreamHandler({
    publisher: publisherFromEnvironment(env, region),
    logger,
    clock: Date.now,
  });
}

export function sweeperFromEnvironment(env: NodeJS.ProcessEnv): () => Promise<SweepReport> {
  const { tableName, logger, clients } = awsBasics(env);
  const store = new DynamoDbIncidentStore({ client: clients.document, tableName, clock: Date.now });
  const queries = new IncidentQueries({ client: clients.document, tableName });
  const openScopes = async () => {
    const open = await queries.listIncidents({ status: 'OPEN', limit: 1000 });
    return [...new Set(open.map((incident) => incident.stateMachineArn))];
  };
  const config = correlationConfigFromEnv(env);
  return () => sweep({ store, config, logger, clock: Date.now, openScopes });
}
