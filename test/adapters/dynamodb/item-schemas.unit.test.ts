import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { incidentItems } from '../../../src/adapters/dynamodb/incident-items.ts';
import {
  MalformedItemError,
  parseIncidentHeader,
  parseLinkItem,
  parseQuarantineItem,
  parseSignalItem,
} from '../../../src/adapters/dynamodb/item-schemas.ts';
import { contextItems, linkItems, quarantineItem } from '../../../src/adapters/dynamodb/store-items.ts';
import type { Signal } from '../../../src/core/signals/types.ts';
import { checkoutOutage, healthComposite } from '../../builders/scenario.ts';
import { alarmConfig, execution, executionArn, minutes, stateMachineArn } from '../../builders/signals.ts';
import { incident } from './builders.ts';

const NOW = Date.parse('2026-03-02T12:00:00.000Z');
const itemOf = (signal: Signal) => {
  const [item] = contextItems(signal, NOW, 1000);
  if (item === undefined) throw new Error('a signal has subjects');
  return item;
};

describe('signal items', () => {
  it('round-trip every kind of signal exactly', () => {
    const signals: Signal[] = [
      ...checkoutOutage(),
      alarmConfig('cfg', minutes(1), 'orders-health', 'update', healthComposite, healthComposite),
      execution('future', minutes(2), 'UNKNOWN:PAUSED', { redriveCount: 2 }),
    ];
    expect(new Set(signals.map((s) => s.kind))).toEqual(
      new Set(['execution', 'alarm-state', 'alarm-config', 'api-call']),
    );
    for (const signal of signals) expect(parseSignalItem(itemOf(signal))).toEqual(signal);
  });

  it('store one compact JSON copy per subject with a TTL from the later of event time and now', () => {
    const late = execution('late', NOW + 5000, 'FAILED');
    const items = contextItems(late, NOW, 60_000);
    expect(items.map((item) => item.pk)).toEqual(late.subjects.map((subject) => `CTX#${subject}`));
    expect(items[0]).toMatchObject({
      type: 'SIGNAL',
      kind: 'execution',
      expiresAt: Math.floor((NOW + 65_000) / 1000),
    });
    expect(items[0]?.signal).toBe(JSON.stringify(late));
  });

  it('refuse text that is not JSON, naming the item', () => {
    const item = {
      ...itemOf(execution('e', Date.parse('2026-03-02T10:00:00.000Z'), 'FAILED')),
      signal: '{"kind"',
    };
    expect(() => parseSignalItem(item)).toThrow(MalformedItemError);
    expect(() => parseSignalItem(item)).toThrow(
      `Malformed signal item (pk=CTX#${executionArn('e')}, sk=2026-03-02T10:00:00.000Z#e): signal is not JSON`,
    );
  });

  it('refuse a signal of an unknown kind or with a field the engine needs missing', () => {
    const base = itemOf(execution('e', minutes(0), 'FAILED'));
    const unknownKind = {
      ...base,
      signal: JSON.stringify({ ...JSON.parse(String(base.signal)), kind: 'metric' }),
    };
    const { executionArn: _dropped, ...withoutArn } = execution('e', minutes(0), 'FAILED');
    const missingArn = { ...base, signal: JSON.stringify(withoutArn) };
    const badStatus = {
      ...base,
      signal: JSON.stringify(execution('e', minutes(0), 'FAILED')).replace('"FAILED"', '"BOGUS"'),
    };
    expect(() => parseSignalItem(unknownKind)).toThrow(/Malformed signal item .*kind/s);
    expect(() => parseSignalItem(missingArn)).toThrow(/executionArn/);
    expect(() => parseSignalItem(badStatus)).toThrow(/status/);
  });
});

describe('link and quarantine items', () => {
  it('parse links back from either direction', () => {
    const link = { from: 'arn:fn', to: stateMachineArn(), source: 'composite-rule' as const };
    expect(linkItems(link).map(parseLinkItem)).toEqual([link, link]);
    expect(() => parseLinkItem({ ...linkItems(link)[0], source: 'guess' })).toThrow(/source/);
  });

  it('parse quarantine entries with their bytes, and refuse an item whose raw is not binary', () => {
    const entry = {
      recordId: 'seq-9',
      position: ['Records', 9],
      reason: 'not JSON',
      raw: new TextEncoder().encode('nope'),
      rawRedactions: 0,
      quarantinedAt: '2026-03-02T12:00:00.000Z',
    };
    const item = quarantineItem(entry, 1000);
    expect(parseQuarantineItem(item)).toEqual({
      pk: 'QUAR#2026-03-02',
      sk: '2026-03-02T12:00:00.000Z#seq-9#Records[9]',
      recordId: 'seq-9',
      position: ['Records', 9],
      reason: 'not JSON',
      quarantinedAt: '2026-03-02T12:00:00.000Z',
      raw: entry.raw,
      rawBytes: 4,
      rawSha256: createHash('sha256').update('nope').digest('hex'),
      rawTruncated: false,
      rawRedactions: 0,
      expiresAt: Math.floor((Date.parse(entry.quarantinedAt) + 1000) / 1000),
    });
    expect(() => parseQuarantineItem({ ...item, raw: 'bm9wZQ==' })).toThrow(
      /Malformed quarantine item .*raw/s,
    );
  });
});

describe('incident header items', () => {
  it('parse into the stored incident without keys, with bookkeeping', () => {
    const { header } = incidentItems(incident('inc-a'), {
      scopeVersion: 3,
      updatedAt: '2026-03-02T12:00:00.000Z',
    });
    const parsed = parseIncidentHeader(header);
    expect(parsed).not.toHaveProperty('pk');
    expect(parsed).toMatchObject({ id: 'inc-a', scopeVersion: 3, shrunk: false, status: 'OPEN' });
    expect(() => parseIncidentHeader({ ...header, severity: 'SEV0' })).toThrow(
      /Malformed incident header item \(pk=INC#inc-a, sk=HEAD\).*severity/s,
    );
  });
});
