import { describe, expect, it } from 'vitest';
import { incidentChangeOf } from '../../../src/adapters/dynamodb/incident-change.ts';
import { MalformedItemError } from '../../../src/adapters/dynamodb/item-schemas.ts';
import { canonicalJson } from '../../../src/core/canonical-json.ts';
import { incident } from './builders.ts';
import { headerChange, headerImage, streamRecord, toStreamImage } from './stream-records.ts';

const open = incident('inc-a', { status: 'OPEN', severity: 'SEV3' });
const resolved = { ...open, status: 'RESOLVED' as const, resolvedAt: '2026-03-02T10:12:00.000Z' };

describe('incidentChangeOf', () => {
  it('classifies a new OPEN header as opened, with the incident from the image', () => {
    const change = incidentChangeOf(headerChange(undefined, open));
    expect(change).toMatchObject({
      kind: 'opened',
      incident: { id: 'inc-a', status: 'OPEN', severity: 'SEV3' },
    });
    expect(change.kind === 'opened' && change.incident.executions).toEqual(open.executions);
  });

  it('classifies OPEN → RESOLVED as resolved, and a header stored already resolved too', () => {
    expect(incidentChangeOf(headerChange(open, resolved))).toMatchObject({
      kind: 'resolved',
      previousStatus: 'OPEN',
      incident: { resolvedAt: '2026-03-02T10:12:00.000Z' },
    });
    const firstSeenResolved = incidentChangeOf(headerChange(undefined, resolved));
    expect(firstSeenResolved).toMatchObject({ kind: 'resolved', incident: { id: 'inc-a' } });
    expect(firstSeenResolved).not.toHaveProperty('previousStatus');
  });

  it('classifies RESOLVED → OPEN as reopened, with the flap count before', () => {
    const reopened = { ...open, flapCount: 1, severity: 'SEV2' as const };
    expect(incidentChangeOf(headerChange(resolved, reopened))).toMatchObject({
      kind: 'reopened',
      previousStatus: 'RESOLVED',
      previousFlapCount: 0,
      incident: { flapCount: 1 },
    });
  });

  it('classifies a worse severity as escalated, and a better one as a plain update', () => {
    const worse = { ...open, severity: 'SEV1' as const };
    expect(incidentChangeOf(headerChange(open, worse))).toMatchObject({
      kind: 'escalated',
      previousSeverity: 'SEV3',
      incident: { severity: 'SEV1' },
    });
    const better = incidentChangeOf(headerChange(worse, open));
    expect(better).toMatchObject({
      kind: 'updated',
      previous: { severity: 'SEV1' },
      incident: { severity: 'SEV3' },
    });
  });

  it('classifies other visible changes as updated', () => {
    const more = { ...open, signalCount: 7, lastSignalAt: '2026-03-02T10:05:00.000Z' };
    expect(incidentChangeOf(headerChange(open, more))).toMatchObject({
      kind: 'updated',
      previous: { signalCount: 4 },
      incident: { signalCount: 7 },
    });
  });

  it('classifies a header marked SUPERSEDED as superseded, naming the incident it merged into', () => {
    const change = incidentChangeOf(
      headerChange(open, open, { status: 'SUPERSEDED', gsi1pk: 'STATUS#SUPERSEDED', mergedInto: 'inc-b' }),
    );
    expect(change).toMatchObject({ kind: 'superseded', mergedInto: 'inc-b', previousStatus: 'OPEN' });
  });

  it('ignores a rewrite that only moved bookkeeping (version, updatedAt) and reordered maps', () => {
    const reordered = { ...open, counts: { ABORTED: 1, FAILED: 1 } };
    const record = headerChange(open, reordered, { updatedAt: '2026-03-02T13:00:00.000Z' });
    expect(incidentChangeOf(record)).toEqual({ kind: 'ignored', reason: 'no visible change' });
  });

  it('ignores items that are not incident headers, and removals', () => {
    const timeline = streamRecord(
      { pk: 'INC#inc-a', sk: 'EVT#2026-03-02T10:00:00.000Z#execution#run-1' },
      { new: toStreamImage({ pk: 'INC#inc-a', sk: 'EVT#…', type: 'TIMELINE' }) },
    );
    const scope = streamRecord(
      { pk: 'SCOPE#arn', sk: 'STATE' },
      { new: toStreamImage({ pk: 'SCOPE#arn', sk: 'STATE', version: 2 }) },
    );
    const removed = streamRecord({ pk: 'INC#inc-a', sk: 'HEAD' }, { old: headerImage(open) });
    expect(incidentChangeOf(timeline)).toEqual({ kind: 'ignored', reason: 'not an incident header' });
    expect(incidentChangeOf(scope)).toEqual({ kind: 'ignored', reason: 'not an incident header' });
    expect(incidentChangeOf(removed)).toEqual({ kind: 'ignored', reason: 'header removed' });
    expect(incidentChangeOf({ eventName: 'INSERT' })).toEqual({
      kind: 'ignored',
      reason: 'not an incident header',
    });
  });

  it('refuses a header image that does not parse, naming its key', () => {
    const broken = streamRecord(
      { pk: 'INC#inc-a', sk: 'HEAD' },
      { new: toStreamImage({ pk: 'INC#inc-a', sk: 'HEAD', type: 'INCIDENT', status: 'OPEN' }) },
    );
    expect(() => incidentChangeOf(broken)).toThrow(MalformedItemError);
    expect(() => incidentChangeOf(broken)).toThrow('(pk=INC#inc-a, sk=HEAD)');
  });
});

describe('canonicalJson', () => {
  it('ignores object key order at every depth but keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
    expect(canonicalJson({ a: 1, b: 2 })).toBe(canonicalJson({ b: 2, a: 1 }));
  });
});
