import type { KinesisStreamEvent } from 'aws-lambda';
import type { BatchRecord } from '../core/pipeline/batch-types.ts';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A Kinesis record whose envelope could not even be decoded: it is quarantined, never retried. */
export interface UndecodableRecord {
  readonly recordId: string;
  readonly reason: string;
}

/**
 * The envelope layer: Lambda's Kinesis event → records with bytes. `Buffer.from(x, 'base64')`
 * silently skips invalid characters, so the text is validated first; a record that fails is
 * kept with its raw text as bytes so the quarantine holds exactly what arrived.
 */
export function recordsFromKinesisEvent(event: KinesisStreamEvent): BatchRecord[] {
  return event.Records.map((record, index): BatchRecord => {
    const position = ['Records', index, 'kinesis', 'data'];
    const recordId = record.kinesis.sequenceNumber;
    const text = record.kinesis.data;
    if (text.length % 4 !== 0 || !BASE64.test(text)) {
      return { recordId, position, data: Buffer.from(text, 'utf8'), undecodable: 'data is not valid base64' };
    }
    return { recordId, position, data: Buffer.from(text, 'base64') };
  });
}
