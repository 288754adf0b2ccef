import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { kinesisConsumerFromEnvironment } from '../src/runtime/lambda-wiring.ts';

const consume = kinesisConsumerFromEnvironment(process.env);

export const handler = (event: KinesisStreamEvent): Promise<KinesisStreamBatchResponse> => consume(event);
