import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { PublishableChange } from '../../src/adapters/publishers/change-publisher.ts';
import { DEFAULT_CONFIG } from '../../src/core/config.ts';
import { correlateScope } from '../../src/core/incident/correlate.ts';
import { Topology } from '../../src/core/topology/graph.ts';
import { summarizeTraffic } from '../../src/core/traffic/traffic.ts';
import { createIncidentStreamHandler, whatChanged } from '../../src/runtime/incident-stream.ts';
import { headerImage, streamRecord } from '../adapters/dynamodb/stream-records.ts';
import { execution, minutes, stateMachineArn } from '../builders/signals.ts';

const silent = pino({ level: 'silent' });
const incidentOf = (signals: Parameters<typeof correlateScope>[1]) =>
  correlateScope(
    stateMachineArn(),
    signals,
    new Topology([]),
    summarizeTraffic([...signals]),
    DEFAULT_CONFIG,
  )[0];

describe('the incident stream handler', () => {
  it('publishes opened and resolved changes with routing attributes and skips other items', async () => {
    const open = incidentOf([execution('a', minutes(0), 'FAILED')]);
    const resolved = incidentOf([
      execution('a', minutes(0), 'FAILED'),
      execution('ok', minutes(3), 'SUCCEEDED'),
    ]);
    if (open === undefined || resolved === undefined) throw new Error('scenario gives incidents');
    const keys = { pk: `INC#${open.id}`, sk: 'HEAD' };
    const published: PublishableChange[] = [];
    const handler = createIncidentStreamHandler({
      publisher: { publish: async (changes) => void published.push(...changes) },
      logger: silent,
      clock: () => 0,
    });

    await handler({
      Records: [
        streamRecord(keys, { new: headerImage(open) }),
        streamRecord(keys, { old: headerImage(open), new: headerImage(resolved) }),
        streamRecord({ pk: 'CTX#x', sk: '2026#y' }, { new: { pk: { S: 'CTX#x' }, sk: { S: '2026#y' } } }),
      ],
    });

    expect(published.map((c) => [c.type, c.incidentId, c.status, c.severity])).toEqual([
      ['opened', open.id, 'OPEN', 'SEV3'],
      ['resolved', open.id, 'RESOLVED', 'SEV3'],
    ]);
  });

  it('lets a publish failure escape so Lambda retries the stream batch', async () => {
    const open = incidentOf([execution('a', minutes(0), 'FAILED')]);
    if (open === undefined) throw new Error('scenario gives an incident');
    const handler = createIncidentStreamHandler({
      publisher: { publish: async () => Promise.reject(new Error('SNS is down')) },
      logger: silent,
      clock: () => 0,
    });
    await expect(
      handler({ Records: [streamRecord({ pk: `INC#${open.id}`, sk: 'HEAD' }, { new: headerImage(open) })] }),
    ).rejects.toThrow('SNS is down');
  });
});

describe('whatChanged', () => {
  it('names the lists that grew, or the signal count when only the story changed', () => {
    const before = incidentOf([execution('a', minutes(0), 'FAILED')]);
    const after = incidentOf([execution('a', minutes(0), 'FAILED'), execution('b', minutes(1), 'FAILED')]);
    if (before === undefined || after === undefined) throw new Error('scenario gives incidents');
    expect(whatChanged(before, after)).toBe('runs 1→2');
    expect(whatChanged(before, { ...before, signalCount: 3 })).toBe('signals 1→3');
  });
});
