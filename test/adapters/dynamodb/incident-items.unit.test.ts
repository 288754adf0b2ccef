import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  engineIncident,
  incidentItems,
  readIncidentPartition,
  timelineWrite,
} from '../../../src/adapters/dynamodb/incident-items.ts';
import { parseIncidentHeader, parseTimelineIndexItem } from '../../../src/adapters/dynamodb/item-schemas.ts';
import { fitTimelineKeys, serializedSize, shrinkHeader } from '../../../src/adapters/dynamodb/item-size.ts';
import { timelineEntrySk } from '../../../src/adapters/dynamodb/keys.ts';
import { incidentDigest } from '../../../src/core/incident/digest.ts';
import type { Incident, IncidentExecution, TimelineEntry } from '../../../src/core/incident/types.ts';
import { DeterministicStoreError } from '../../../src/errors.ts';
import { executionArn, minutes } from '../../builders/signals.ts';
import { incident, timelineEntry } from './builders.ts';

const META = { scopeVersion: 4, updatedAt: '2026-03-02T12:00:00.000Z' };

const pick = <T extends object, K extends keyof T>(source: T, keys: readonly K[]) =>
  Object.fromEntries(keys.map((key) => [key, source[key]]));

/** The timeline index and packs of a first commit of the incident. */
function timelineOf(source: Incident, limits?: Parameters<typeof incidentItems>[2]) {
  const items = incidentItems(source, META, limits);
  const { index, packs } = timelineWrite(source.id, items.timelineKeys, items.timelineEntries, undefined);
  if (index === undefined) throw new Error('a first commit writes an index');
  return [index, ...packs];
}

/** Every item of an incident partition, as a Query would return them. */
function partitionOf(source: Incident) {
  const items = incidentItems(source, META);
  return [items.header, items.listing, ...timelineOf(source)];
}

/** An entry item of its own, as engines before timeline packs wrote one per entry. */
function legacyEntryItem(incidentId: string, entry: TimelineEntry): Record<string, unknown> {
  return {
    pk: `INC#${incidentId}`,
    sk: timelineEntrySk(entry),
    type: 'TIMELINE',
    incidentId,
    ...entry,
  };
}

function hasUndefined(value: unknown): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) return value.some(hasUndefined);
  if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array))
    return Object.values(value).some(hasUndefined);
  return false;
}

describe('the incident codec', () => {
  it('writes the header with no undefined anywhere, the index keys on the listing, the timeline as a pack', () => {
    const source = incident('inc-a');
    const items = incidentItems(source, META);
    expect(items.header).toMatchObject({
      pk: 'INC#inc-a',
      sk: 'HEAD',
      type: 'INCIDENT',
      scopeVersion: 4,
      updatedAt: META.updatedAt,
      shrunk: false,
    });
    // The indexes hold the listing, not the header, which is rewritten at every change.
    expect(Object.keys(items.header).filter((name) => name.startsWith('gsi'))).toEqual([]);
    expect(items.listing).toEqual({
      pk: 'INC#inc-a',
      sk: 'LIST',
      type: 'LISTING',
      status: 'OPEN',
      gsi1pk: 'STATUS#OPEN',
      gsi1sk: `${source.openedAt}#inc-a`,
      gsi2pk: `SM#${source.stateMachineArn}`,
      gsi2sk: `${source.openedAt}#inc-a`,
    });
    expect(items.header).not.toHaveProperty('timeline');
    expect(hasUndefined(items.header)).toBe(false);
    expect(items.timelineKeys).toEqual([
      `EVT#${source.openedAt}#incident-opened#-`,
      `EVT#${source.openedAt}#execution#run-1`,
    ]);
    const [index, ...packs] = timelineOf(source);
    expect(packs.map((item) => [item.type, item.count])).toEqual([['TIMELINE_PACK', 2]]);
    expect(index).toMatchObject({
      pk: 'INC#inc-a',
      sk: 'TIMELINE',
      type: 'TIMELINE_INDEX',
      incidentId: 'inc-a',
    });
    expect(parseTimelineIndexItem(index ?? {})).toEqual({
      incidentId: 'inc-a',
      entries: items.timelineKeys,
      packs: [packs[0]?.sk],
      packOf: [0, 0],
    });
    // Gzipped: keys share long prefixes, and the index is in every transaction changing a timeline.
    expect(index?.contents).toBeInstanceOf(Uint8Array);
  });

  it('reads back exactly the incident it wrote, in any item order', () => {
    const source = incident('inc-a');
    const read = readIncidentPartition(partitionOf(source).reverse());
    expect(read?.missingTimelineEntries).toBe(0);
    expect(read === undefined ? undefined : engineIncident(read.header, read.timeline)).toEqual(source);
  });

  it('keeps what the list caps left out on the header, and reads an older header without it as none', () => {
    const omitted = { executions: 12, alarms: 1, apiCalls: 3, hints: 2 };
    const source = incident('inc-a', { omitted });
    const items = incidentItems(source, META);
    expect(items.header.omitted).toEqual(omitted);
    expect(parseIncidentHeader(items.header).omitted).toEqual(omitted);
    const read = readIncidentPartition(partitionOf(source));
    expect(read === undefined ? undefined : engineIncident(read.header, read.timeline)).toEqual(source);

    const { omitted: _absent, ...olderHeader } = items.header;
    const older = readIncidentPartition([olderHeader, ...timelineOf(source)]);
    expect(older?.header.omitted).toEqual({ executions: 0, alarms: 0, apiCalls: 0, hints: 0 });
    expect(older === undefined ? undefined : engineIncident(older.header, older.timeline)).toEqual({
      ...source,
      omitted: { executions: 0, alarms: 0, apiCalls: 0, hints: 0 },
    });
  });

  it('stores the lists as one gzipped attribute, smaller, and reads a header that has them as attributes the same', () => {
    const runs: IncidentExecution[] = Array.from({ length: 20 }, (_, index) => ({
      executionArn: executionArn(`run-${index}`),
      name: `run-${index}`,
      status: 'FAILED',
      redriveCount: 0,
      error: 'States.TaskFailed',
      cause: 'Lambda.Unknown: the function timed out',
      stopDate: new Date(minutes(index)).toISOString(),
      signalId: `run-${index}`,
    }));
    const source = incident('inc-a', { executions: runs });
    const items = incidentItems(source, META);
    for (const field of ['executions', 'alarms', 'apiCalls', 'actors', 'hints'])
      expect(items.header).not.toHaveProperty(field);
    expect(items.header.lists).toBeInstanceOf(Uint8Array);
    expect(parseIncidentHeader(items.header).executions).toEqual(runs);

    // A header written before packed lists: the same fields as attributes.
    const { lists: _packed, ...scalars } = items.header;
    const older = { ...scalars, ...pick(source, ['executions', 'alarms', 'apiCalls', 'actors', 'hints']) };
    expect(parseIncidentHeader(older)).toEqual(parseIncidentHeader(items.header));
    // What DynamoDB bills by the kilobyte, written at every change and again in both indexes.
    expect(serializedSize(items.header)).toBeLessThan(serializedSize(older) / 2);
  });

  it('refuses packed lists that are not gzip, not JSON or not an object, naming the header and not its content', () => {
    const { header } = incidentItems(incident('inc-a'), META);
    const cases = [
      { ...header, lists: 'text' },
      { ...header, lists: new Uint8Array([1, 2, 3]) },
      { ...header, lists: gzipSync('{"executions":[{"cause":"hunter2"') },
      { ...header, lists: gzipSync('[1,2]') },
      { ...header, lists: gzipSync(JSON.stringify({ executions: [{ status: 'BOGUS' }] })) },
    ];
    for (const bad of cases) {
      expect(() => parseIncidentHeader(bad)).toThrow(DeterministicStoreError);
      expect(() => parseIncidentHeader(bad)).toThrow(/incident header item \(pk=INC#inc-a, sk=HEAD\)/);
      try {
        parseIncidentHeader(bad);
      } catch (error) {
        expect(String(error)).not.toContain('hunter2');
        expect(String((error as Error).cause ?? '')).not.toContain('hunter2');
      }
    }
  });

  it('follows the index, not every entry item: stale entries are ignored, order is the index order', () => {
    const first = incident('inc-a', {
      timeline: [
        timelineEntry(minutes(0), 'incident-opened'),
        timelineEntry(minutes(3), 'incident-resolved'),
      ],
    });
    const later = {
      ...first,
      timeline: [timelineEntry(minutes(0), 'incident-opened'), timelineEntry(minutes(1), 'execution', 'x')],
    };
    const stale = [
      ...timelineOf(first).slice(1),
      ...first.timeline.map((entry) => legacyEntryItem('inc-a', entry)),
    ];
    const read = readIncidentPartition([...stale, ...partitionOf(later)]);
    expect(read?.timeline).toEqual(later.timeline);
  });

  it('reads an index written before packs, whose entries are items of their own', () => {
    const source = incident('inc-a');
    const items = incidentItems(source, META);
    const legacyIndex = {
      pk: 'INC#inc-a',
      sk: 'TIMELINE',
      type: 'TIMELINE_INDEX',
      incidentId: 'inc-a',
      entries: items.timelineKeys,
    };
    const legacy = source.timeline.map((entry) => legacyEntryItem('inc-a', entry));
    const read = readIncidentPartition([items.header, legacyIndex, ...legacy]);
    expect(read?.missingTimelineEntries).toBe(0);
    expect(read?.timeline).toEqual(source.timeline);
  });

  it('over any sequence of timelines, each commit packs only the entries it adds and leaves exactly its timeline', () => {
    const universe = Array.from({ length: 12 }, (_, i) =>
      timelineEntry(minutes(i), i % 3 === 0 ? 'alarm' : 'execution', `s-${i}`),
    );
    const timelines = fc.array(fc.subarray(universe, { minLength: 1 }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(timelines, fc.subarray(universe), (sequence, legacyStart) => {
        // The partition as DynamoDB holds it, by sort key; it may start as an engine before packs left it.
        const partition = new Map<string, Record<string, unknown>>();
        if (legacyStart.length > 0) {
          for (const entry of legacyStart)
            partition.set(timelineEntrySk(entry), legacyEntryItem('inc-a', entry));
          partition.set('TIMELINE', {
            pk: 'INC#inc-a',
            sk: 'TIMELINE',
            type: 'TIMELINE_INDEX',
            incidentId: 'inc-a',
            entries: legacyStart.map(timelineEntrySk),
          });
        }
        for (const timeline of sequence) {
          const source = incident('inc-a', { timeline });
          const items = incidentItems(source, META);
          const storedIndex = partition.get('TIMELINE');
          const stored = storedIndex === undefined ? undefined : parseTimelineIndexItem(storedIndex);
          const write = timelineWrite('inc-a', items.timelineKeys, items.timelineEntries, stored);
          const listedBefore = new Set(stored?.entries ?? []);
          const added = items.timelineKeys.filter((sk) => !listedBefore.has(sk));
          expect(write.packs.reduce((sum, pack) => sum + Number(pack.count), 0)).toBe(added.length);
          for (const pack of write.packs) partition.set(String(pack.sk), pack);
          if (write.index !== undefined) partition.set('TIMELINE', write.index);
          for (const sk of write.deletes) partition.delete(sk);
          partition.set('HEAD', items.header);

          const read = readIncidentPartition([...partition.values()]);
          expect(read?.missingTimelineEntries).toBe(0);
          expect(read?.timeline).toEqual(timeline);
          // Nothing is kept that the index does not need.
          const index = parseTimelineIndexItem(partition.get('TIMELINE') ?? {});
          const needed = new Set([
            ...index.packs,
            ...index.entries.filter((_, at) => index.packOf[at] === -1),
          ]);
          const kept = [...partition.keys()].filter((sk) => sk.startsWith('EVT'));
          expect(kept.sort()).toEqual([...needed].sort());
        }
      }),
      { numRuns: 200 },
    );
  });

  it('counts entries its index names but the read did not see', () => {
    const { header } = incidentItems(incident('inc-a'), META);
    const [index] = timelineOf(incident('inc-a'));
    const read = readIncidentPartition([header, index].filter((item) => item !== undefined));
    expect(read?.timeline).toEqual([]);
    expect(read?.missingTimelineEntries).toBe(2);
    expect(readIncidentPartition([index].filter((item) => item !== undefined))).toBeUndefined();
  });

  it('gives the engine no superseded incident', () => {
    const { header } = incidentItems(incident('inc-a'), META);
    const stored = parseIncidentHeader({ ...header, status: 'SUPERSEDED', mergedInto: 'inc-b' });
    expect(engineIncident(stored, [])).toBeUndefined();
  });
});

describe('keeping items far below 400 KB', () => {
  const run = (index: number, cause: string): IncidentExecution => ({
    executionArn: executionArn(`run-${index}`),
    name: `run-${index}`,
    status: 'FAILED',
    redriveCount: 0,
    error: 'Lambda.Unknown',
    cause,
    signalId: `run-${index}`,
  });

  it('trims long causes first and flags the header', () => {
    const big = incident('inc-big', {
      executions: Array.from({ length: 40 }, (_, i) => run(i, 'x'.repeat(4000))),
    });
    const items = incidentItems(big, META, { maxHeaderBytes: 60_000, maxTimelineIndexBytes: 10_000 });
    const header = parseIncidentHeader(items.header);
    expect(header.shrunk).toBe(true);
    expect(header.executions).toHaveLength(40);
    expect(header.executions[0]?.cause).toHaveLength(512);
    expect(header.executions[0]?.cause?.endsWith('…')).toBe(true);
    expect(serializedSize(items.header)).toBeLessThanOrEqual(60_000);
  });

  it('then halves the longest lists, keeping their heads, the same way every time', () => {
    const many = incident('inc-many', { executions: Array.from({ length: 800 }, (_, i) => run(i, 'short')) });
    const measure = (fields: Parameters<typeof serializedSize>[0]) => serializedSize(fields);
    const { timeline: _t, ...fields } = many;
    const once = shrinkHeader(fields, measure, 50_000);
    const again = shrinkHeader(fields, measure, 50_000);
    expect(once.shrunk).toBe(true);
    expect(once.header.executions.length).toBeLessThan(800);
    expect(once.header.executions[0]).toEqual(many.executions[0]);
    expect(measure(once.header)).toBeLessThanOrEqual(50_000);
    expect(again).toEqual(once);
  });

  it('keeps the digest of the incident as given, and refuses one that cannot be shrunk enough', () => {
    const many = incident('inc-many', {
      executions: Array.from({ length: 200 }, (_, i) => run(i, 'x'.repeat(2000))),
    });
    const limits = { maxHeaderBytes: 20_000, maxTimelineIndexBytes: 10_000 };
    const items = incidentItems(many, META, limits);
    const read = readIncidentPartition([items.header, ...timelineOf(many, limits)]);
    const loaded = read === undefined ? undefined : engineIncident(read.header, read.timeline);
    expect(read?.header.shrunk).toBe(true);
    expect(loaded).not.toEqual(many);
    expect(read?.derivedDigest).toBe(incidentDigest(many));
    expect(loaded === undefined ? undefined : incidentDigest(loaded)).not.toBe(incidentDigest(many));

    const hopeless = () =>
      incidentItems(incident('inc-x', { title: 'x' }), META, { ...limits, maxHeaderBytes: 100 });
    expect(hopeless).toThrow(DeterministicStoreError);
    expect(hopeless).toThrow('incident inc-x cannot be shrunk below 100 bytes');
  });

  it('counts the list entries shrinking drops in `omitted`, on top of what the caps left out', () => {
    const many = incident('inc-many', {
      executions: Array.from({ length: 200 }, (_, i) => run(i, 'short')),
      omitted: { executions: 7, alarms: 0, apiCalls: 0, hints: 1 },
    });
    const items = incidentItems(many, META, { maxHeaderBytes: 20_000, maxTimelineIndexBytes: 10_000 });
    const header = parseIncidentHeader(items.header);
    expect(header.shrunk).toBe(true);
    expect(header.executions.length).toBeLessThan(200);
    expect(header.omitted).toEqual({
      executions: 7 + (200 - header.executions.length),
      alarms: 0,
      apiCalls: 0,
      hints: 1,
    });
    // Measured with its counts in it.
    expect(serializedSize(items.header)).toBeLessThanOrEqual(20_000);
    // The digest stays that of the incident as the engine derived it.
    expect(items.derivedDigest).toBe(incidentDigest(many));

    const { timeline: _t, ...fields } = incident('inc-hints', {
      hints: Array.from({ length: 64 }, (_, i) => ({
        kind: 'common-error' as const,
        message: `hint ${i} ${'m'.repeat(400)}`,
        evidence: [`e-${i}`],
      })),
    });
    const shrunk = shrinkHeader(fields, serializedSize, 12_000);
    expect(shrunk.header.hints.length).toBeLessThan(64);
    expect(shrunk.header.omitted).toEqual({
      executions: 0,
      alarms: 0,
      apiCalls: 0,
      hints: 64 - shrunk.header.hints.length,
    });
  });

  it('leaves a header that fits untouched', () => {
    const { timeline: _t, ...fields } = incident('inc-small');
    const result = shrinkHeader(fields, serializedSize, 300 * 1024);
    expect(result).toEqual({ header: fields, shrunk: false });
  });

  it('bounds the timeline index by dropping from the middle and counting what was dropped', () => {
    const entries = Array.from({ length: 10 }, (_, i) => `k${i}`);
    expect(fitTimelineKeys(entries, () => 10, 60)).toEqual({
      kept: ['k0', 'k1', 'k2', 'k7', 'k8', 'k9'],
      dropped: 4,
    });
    const long = incident('inc-long', {
      timeline: Array.from({ length: 50 }, (_, i) => timelineEntry(minutes(i), 'execution', `run-${i}`)),
    });
    const items = incidentItems(long, META, { maxHeaderBytes: 300 * 1024, maxTimelineIndexBytes: 1500 });
    expect(items.timelineKeys.length).toBeLessThan(50);
    expect(items.timelineKeys[0]).toContain('run-0');
    expect(items.timelineKeys.at(-1)).toContain('run-49');
    expect(parseIncidentHeader(items.header)).toMatchObject({
      shrunk: true,
      timelineOmitted: 50 - items.timelineKeys.length,
      // The lists of the header were not cut.
      omitted: { executions: 0, alarms: 0, apiCalls: 0, hints: 0 },
    });
  });
});
