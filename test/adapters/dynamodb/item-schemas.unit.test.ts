import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { incidentItems } from '../../../src/adapters/dynamodb/incident-items.ts';
import {
  MalformedItemError,
  parseIncidentHeader,
  parseIncidentHeaderItem,
  parseLinkItem,
  parseQuarantineItem,
  parseScopeStateItem,
  parseSignalItem,
} from '../../../src/adapters/dynamodb/item-schemas.ts';
import { contextKey, ItemType, ttlSeconds } from '../../../src/adapters/dynamodb/keys.ts';
import { linkItems, quarantineItem } from '../../../src/adapters/dynamodb/store-items.ts';
import { incidentDigest } from '../../../src/core/incident/digest.ts';
import { isHealthyRun } from '../../../src/core/signals/run-status.ts';
import type { Signal } from '../../../src/core/signals/types.ts';
import { DeterministicStoreError } from '../../../src/errors.ts';
import { checkoutOutage, healthComposite } from '../../builders/scenario.ts';
import { alarmConfig, execution, executionArn, minutes, stateMachineArn } from '../../builders/signals.ts';
import { incident } from './builders.ts';

/**
 * A SIGNAL item as engines before packed context wrote it, one per signal and subject: tables that
 * hold them keep working, so the reader still parses them (context packs: context-packs.unit.test.ts).
 */
function itemOf(signal: Signal): Record<string, unknown> {
  const [subject] = signal.subjects;
  const key = subject === undefined ? undefined : contextKey(subject, signal);
  if (key === undefined) throw new Error('a kept signal has subjects');
  return {
    ...key,
    type: ItemType.signal,
    signalId: signal.signalId,
    kind: signal.kind,
    eventTime: signal.eventTime,
    signal: JSON.stringify(signal),
    expiresAt: ttlSeconds(signal.eventTimeMs + 1000),
  };
}

describe('signal items written before packed context', () => {
  it('round-trip every kind of signal exactly', () => {
    const signals: Signal[] = [
      ...checkoutOutage(),
      alarmConfig('cfg', minutes(1), 'orders-health', 'update', healthComposite, healthComposite),
      execution('future', minutes(2), 'UNKNOWN:PAUSED', { redriveCount: 2 }),
    ];
    expect(new Set(signals.map((s) => s.kind))).toEqual(
      new Set(['execution', 'alarm-state', 'alarm-config', 'api-call']),
    );
    // Healthy runs are not kept as items (they are folded into the scope's traffic summary).
    for (const signal of signals.filter((one) => !isHealthyRun(one)))
      expect(parseSignalItem(itemOf(signal))).toEqual(signal);
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
    expect(() => parseSignalItem(unknownKind)).toThrow(DeterministicStoreError);
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

  it('keep the engine digest beside the header, not in it, and accept headers without one', () => {
    const source = incident('inc-a');
    const { header, derivedDigest } = incidentItems(source, {
      scopeVersion: 1,
      updatedAt: '2026-03-02T12:00:00.000Z',
    });
    expect(header.derivedDigest).toBe(incidentDigest(source));
    expect(derivedDigest).toBe(incidentDigest(source));
    const parsed = parseIncidentHeaderItem(header);
    expect(parsed.derivedDigest).toBe(incidentDigest(source));
    expect(parsed.header).not.toHaveProperty('derivedDigest');
    const { derivedDigest: _older, ...olderHeader } = header;
    expect(parseIncidentHeaderItem(olderHeader)).toEqual({ header: parsed.header, derivedDigest: undefined });
    expect(() => parseIncidentHeaderItem({ ...header, derivedDigest: 7 })).toThrow(/derivedDigest/);
  });

  it('keep what the caps left out, read as none on headers written before it was kept', () => {
    const omitted = { executions: 5, alarms: 0, apiCalls: 2, hints: 0 };
    const { header } = incidentItems(incident('inc-a', { omitted }), {
      scopeVersion: 1,
      updatedAt: '2026-03-02T12:00:00.000Z',
    });
    expect(parseIncidentHeader(header).omitted).toEqual(omitted);
    const { omitted: _older, ...olderHeader } = header;
    expect(parseIncidentHeader(olderHeader)).toEqual({
      ...parseIncidentHeader(header),
      omitted: { executions: 0, alarms: 0, apiCalls: 0, hints: 0 },
    });
    expect(() => parseIncidentHeader({ ...header, omitted: { ...omitted, hints: -1 } })).toThrow(
      /at omitted\.hints/,
    );
    expect(() => parseIncidentHeader({ ...header, omitted: { executions: 5 } })).toThrow(
      /at omitted\.alarms/,
    );
  });

  it('fail as deterministic store errors that name the key and the fields, never the values', () => {
    const { header } = incidentItems(incident('inc-a'), {
      scopeVersion: 1,
      updatedAt: '2026-03-02T12:00:00.000Z',
    });
    const corrupted = { ...header, title: 42, severity: 'customer-secret-value', counts: { FAILED: 'many' } };
    let caught: unknown;
    try {
      parseIncidentHeader(corrupted);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(MalformedItemError);
    expect(caught).toBeInstanceOf(DeterministicStoreError);
    const message = caught instanceof Error ? caught.message : '';
    expect(message).toMatch(/^Malformed incident header item \(pk=INC#inc-a, sk=HEAD\): /);
    expect(message).toContain('at title');
    expect(message).toContain('at severity');
    expect(message).toContain('at counts.FAILED');
    expect(message).not.toContain('customer-secret-value');
    expect(message).not.toContain('many');
    expect(message).not.toContain('42');
  });
});

describe('scope state items', () => {
  const state = (recent: readonly Record<string, unknown>[]) => ({
    pk: `SCOPE#${stateMachineArn()}`,
    sk: 'STATE',
    type: 'SCOPE',
    stateMachineArn: stateMachineArn(),
    version: 3,
    recent,
    openIncidentId: 'inc-b',
    updatedAt: '2026-03-02T12:00:00.000Z',
  });

  it('parse recent entries with their digest, and entries written before digests were kept without', () => {
    const parsed = parseScopeStateItem(
      state([
        { id: 'inc-b', openedAt: '2026-03-02T11:00:00.000Z', status: 'OPEN', digest: 'digest-of-b' },
        { id: 'inc-a', openedAt: '2026-03-02T09:00:00.000Z', status: 'RESOLVED' },
      ]),
    );
    expect(parsed.version).toBe(3);
    expect(parsed.openIncidentId).toBe('inc-b');
    expect(parsed.recent).toEqual([
      { id: 'inc-b', openedAt: '2026-03-02T11:00:00.000Z', status: 'OPEN', digest: 'digest-of-b' },
      { id: 'inc-a', openedAt: '2026-03-02T09:00:00.000Z', status: 'RESOLVED' },
    ]);
    expect(parsed.recent[1]).not.toHaveProperty('digest');
  });

  it('refuse an entry whose digest is not a text, or that is superseded', () => {
    const entry = { id: 'inc-a', openedAt: '2026-03-02T09:00:00.000Z', status: 'OPEN' };
    expect(() => parseScopeStateItem(state([{ ...entry, digest: 7 }]))).toThrow(/at recent\.\[0\]\.digest/);
    expect(() => parseScopeStateItem(state([{ ...entry, digest: '' }]))).toThrow(MalformedItemError);
    expect(() => parseScopeStateItem(state([{ ...entry, status: 'SUPERSEDED' }]))).toThrow(
      /Malformed scope state item .*recent\.\[0\]\.status/s,
    );
  });
});
