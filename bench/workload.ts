import type { KinesisStreamRecord } from 'aws-lambda';
import {
  chunk,
  type GeneratedMix,
  generateEvents,
  kinesisRecords,
  recordSpecOf,
} from '../test/builders/generator.ts';

/** The generated events of one benchmark run, framed as Kinesis records and cut into Lambda-sized batches. */
export interface Workload {
  readonly mix: GeneratedMix;
  readonly records: readonly KinesisStreamRecord[];
  readonly batches: readonly (readonly KinesisStreamRecord[])[];
  /** Payload bytes (decoded JSON), as Kinesis would meter them. */
  readonly payloadBytes: number;
}

export function buildWorkload(seed: number, events: number, batchSize: number): Workload {
  const mix = generateEvents({ seed, events });
  const records = kinesisRecords(mix.events.map((generated) => recordSpecOf(generated.event)));
  const payloadBytes = records.reduce(
    (sum, record) => sum + Math.floor((record.kinesis.data.length * 3) / 4),
    0,
  );
  return { mix, records, batches: chunk(records, batchSize), payloadBytes };
}
