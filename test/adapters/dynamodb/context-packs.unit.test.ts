import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ContextFiling,
  contextPackItems,
  MAX_PACK_JSON_BYTES,
  signalsOfContextItem,
} from '../../../src/adapters/dynamodb/context-packs.ts';
import { MalformedItemError } from '../../../src/adapters/dynamodb/item-schemas.ts';
import { CONTEXT_PACK_MS, contextPackStart, isoTime } from '../../../src/adapters/dynamodb/keys.ts';
import { isHealthyRun } from '../../../src/core/signals/run-status.ts';
import type { Signal } from '../../../src/core/signals/types.ts';
import { DeterministicStoreError } from '../../../src/errors.ts';
import { Random } from '../../../src/workloads/random.ts';
import { checkoutOutage, healthComposite } from '../../builders/scenario.ts';
import { alarmConfig, apiCall, execution, minutes, userActor } from '../../builders/signals.ts';

const NOW = Date.parse('2026-03-02T12:00:00.000Z');
const PK = 'SCTX#arn:aws:states:us-east-1:111122223333:stateMachine:orders';
const filed = (signals: readonly Signal[], pk = PK): ContextFiling[] =>
  signals.map((signal) => ({ pk, signal }));
const unpack = (items: readonly Record<string, unknown>[]): Signal[] => items.flatMap(signalsOfContextItem);
const byId = (signals: readonly Signal[]) => [...signals].sort((a, b) => (a.signalId < b.signalId ? -1 : 1));

/** Every kind of kept signal, spread over an hour so they fall in several packs. */
function keptSignals(): Signal[] {
  return [
    ...checkoutOutage(),
    alarmConfig('cfg', minutes(1), 'orders-health', 'update', healthComposite, healthComposite),
    execution('future', minutes(2), 'UNKNOWN:PAUSED', { redriveCount: 2 }),
    ...Array.from({ length: 30 }, (_, index) =>
      apiCall(`call-${index}`, minutes(index * 2), 'UpdateStateMachine', userActor('alice')),
    ),
  ].filter((signal) => !isHealthyRun(signal));
}

describe('context packs', () => {
  it('give back exactly the signals filed, every kind of them', () => {
    const signals = keptSignals();
    expect(new Set(signals.map((s) => s.kind))).toEqual(
      new Set(['execution', 'alarm-state', 'alarm-config', 'api-call']),
    );
    expect(byId(unpack(contextPackItems(filed(signals), NOW, 1000)))).toEqual(byId(signals));
  });

  it('hold one partition and ten minutes each, keyed by their start', () => {
    const signals = keptSignals();
    const items = contextPackItems([...filed(signals), ...filed(signals, 'CTX#other')], NOW, 1000);
    const starts = new Set(signals.map((signal) => contextPackStart(signal.eventTimeMs)));
    expect(items).toHaveLength(starts.size * 2);
    for (const item of items) {
      const held = signalsOfContextItem(item);
      const start = contextPackStart(held[0]?.eventTimeMs ?? Number.NaN);
      expect(String(item.sk).startsWith(`${isoTime(start)}#pack#`)).toBe(true);
      for (const signal of held) {
        expect(signal.eventTimeMs).toBeGreaterThanOrEqual(start);
        expect(signal.eventTimeMs).toBeLessThan(start + CONTEXT_PACK_MS);
      }
      expect(item.count).toBe(held.length);
      expect(item.type).toBe('SIGNAL_PACK');
    }
  });

  it('are the same items for the same signals in any order, with any duplicates', () => {
    const signals = keptSignals();
    const byKey = (items: readonly Record<string, unknown>[]) =>
      [...items].sort((a, b) => (`${a.pk}${a.sk}` < `${b.pk}${b.sk}` ? -1 : 1));
    const once = byKey(contextPackItems(filed(signals), NOW, 1000));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
        const random = new Random(seed);
        const again = random.shuffle([...signals, ...signals.filter(() => random.chance(0.3))]);
        expect(byKey(contextPackItems(filed(again), NOW, 1000))).toEqual(once);
      }),
    );
  });

  it('split a partition’s ten minutes that would pass the size budget, losing nothing', () => {
    const padding = 'x'.repeat(40_000);
    const big = Array.from({ length: 20 }, (_, index) =>
      apiCall(`big-${index}`, minutes(0) + index, 'UpdateStateMachine', userActor(`${padding}${index}`)),
    );
    const items = contextPackItems(filed(big), NOW, 1000);
    expect(items.length).toBeGreaterThan(1);
    for (const item of items) {
      const json = JSON.stringify(signalsOfContextItem(item));
      expect(Buffer.byteLength(json)).toBeLessThanOrEqual(MAX_PACK_JSON_BYTES);
    }
    expect(byId(unpack(items))).toEqual(byId(big));
  });

  it('expire from the later of their newest signal and now', () => {
    const late = execution('late', NOW + 5000, 'FAILED');
    const [item] = contextPackItems(filed([late, execution('early', NOW - 60_000, 'FAILED')]), NOW, 60_000);
    expect(item?.expiresAt).toBe(Math.floor((NOW + 65_000) / 1000));
    const [old] = contextPackItems(filed([execution('old', NOW - 3_600_000, 'FAILED')]), NOW, 60_000);
    expect(old?.expiresAt).toBe(Math.floor((NOW + 60_000) / 1000));
  });

  it('refuse a pack that is not gzip, not JSON or not signals, naming the item and never its content', () => {
    const [item] = contextPackItems(filed([execution('e', minutes(0), 'FAILED')]), NOW, 1000);
    if (item === undefined) throw new Error('one pack');
    const secret = '{"kind":"execution","password":"hunter2"';
    const cases = [
      { ...item, signals: new Uint8Array([1, 2, 3]) },
      { ...item, signals: gzipSync(secret) },
      { ...item, signals: gzipSync(JSON.stringify([{ kind: 'metric' }])) },
      { ...item, signals: 'not bytes' },
    ];
    for (const bad of cases) {
      expect(() => signalsOfContextItem(bad)).toThrow(MalformedItemError);
      expect(() => signalsOfContextItem(bad)).toThrow(DeterministicStoreError);
      expect(() => signalsOfContextItem(bad)).toThrow(/signal pack item \(pk=SCTX#.*#pack#/);
      try {
        signalsOfContextItem(bad);
      } catch (error) {
        expect(String(error)).not.toContain('hunter2');
        expect(String((error as Error).cause ?? '')).not.toContain('hunter2');
      }
    }
  });
});
