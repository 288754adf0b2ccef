import type { DynamoDBStreamEvent } from 'aws-lambda';
import { incidentStreamFromEnvironment } from '../src/runtime/lambda-wiring.ts';

const publishChanges = incidentStreamFromEnvironment(process.env);

export const handler = (event: DynamoDBStreamEvent): Promise<void> => publishChanges(event);
