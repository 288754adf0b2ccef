import { describe, expect, it } from 'vitest';
import { outgoingEventsOf } from '../../src/runtime/outgoing-events.ts';
import {
  digestFile,
  insightsEvent,
  s3DataEvent,
  stepFunctionsRecord,
} from '../core/signals/cloudtrail-kinds.ts';

const bytesOf = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe('outgoingEventsOf (what `incidents send` puts on the bus)', () => {
  it('wraps CloudTrail records as EventBridge would and skips, not rejects, well-formed things of other kinds', () => {
    const logFile = { Records: [stepFunctionsRecord, insightsEvent(), s3DataEvent] };

    const outgoing = outgoingEventsOf(bytesOf(logFile));

    // The Step Functions and S3 records are API calls: EventBridge carries them (its rules decide).
    expect(outgoing.events.map((event) => event['detail-type'])).toEqual([
      'AWS API Call via CloudTrail',
      'AWS API Call via CloudTrail',
    ]);
    expect(outgoing.events[0]?.source).toBe('aws.states');
    expect(outgoing.skipped.map((item) => item.position)).toEqual(['Records[1]']);
    expect(outgoing.skipped[0]?.reason).toMatch(/Insights/i);
    expect(outgoing.rejected).toEqual([]);
  });

  it('skips a digest file and still rejects what is not readable as any event', () => {
    expect(outgoingEventsOf(bytesOf(digestFile))).toMatchObject({ events: [], rejected: [] });
    expect(outgoingEventsOf(bytesOf(digestFile)).skipped).toHaveLength(1);
    expect(outgoingEventsOf(bytesOf({ hello: 'world' })).rejected).toHaveLength(1);
    expect(outgoingEventsOf(new TextEncoder().encode('{"cut":')).rejected).toHaveLength(1);
  });
});
