import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryIncidentStore } from '../../../src/adapters/memory-store.ts';
import { withConfig } from '../../../src/core/config.ts';
import type { IncidentStore } from '../../../src/core/pipeline/ports.ts';
import { processBatch } from '../../../src/core/pipeline/process-batch.ts';
import type { Signal } from '../../../src/core/signals/types.ts';
import { DeterministicStoreError, TransientStoreError } from '../../../src/errors.ts';
import { incidentsAfter, pipelineDeps, signalRecords } from '../../builders/pipeline.ts';
import { checkoutOutage, twoScopesWithFlap } from '../../builders/scenario.ts';
import { execution, minutes, stateMachineArn } from '../../builders/signals.ts';
import { referenceIncidents } from '../../reference/reference-model.ts';

describe('processBatch', () => {
  it('maps every record to an outcome and writes the expected incidents', async () => {
    const store = new MemoryIncidentStore();
    const records = signalRecords(twoScopesWithFlap());
    const report = await processBatch(records, pipelineDeps(store));

    expect(report.outcomes.map((o) => o.status)).toEqual(records.map(() => 'processed'));
    expect(report.counts).toMatchObject({ records: records.length, failed: 0, scopes: 2 });
    const incidents = store.allIncidents();
    expect(incidents.map((i) => [i.stateMachineArn, i.status, i.flapCount])).toEqual([
      [stateMachineArn('orders'), 'RESOLVED', 0],
      [stateMachineArn('billing'), 'OPEN', 1],
    ]);
  });

  it('quarantines a poison record with its bytes and reason, and processes the rest', async () => {
    const store = new MemoryIncidentStore();
    const records = signalRecords([execution('a', minutes(0), 'FAILED')]);
    const poison = { recordId: 'bad', position: ['Records', 1], data: new TextEncoder().encode('POISON!') };
    const report = await processBatch([...records, poison], pipelineDeps(store));

    expect(report.outcomes.map((o) => [o.recordId, o.status])).toEqual([
      ['seq-0', 'processed'],
      ['bad', 'quarantined'],
    ]);
    expect(store.quarantined).toHaveLength(1);
    expect(store.quarantined[0]?.reason).toBe('poison record at Records[1]');
    expect(new TextDecoder().decode(store.quarantined[0]?.raw)).toBe('POISON!');
    expect(store.allIncidents()).toHaveLength(1);
  });

  it('acknowledges a signal that names no resource as ignored, with the reason', async () => {
    const store = new MemoryIncidentStore();
    const aboutNothing = { ...execution('x', minutes(0), 'FAILED'), subjects: [] };
    const report = await processBatch(signalRecords([aboutNothing]), pipelineDeps(store));
    expect(report.outcomes).toEqual([
      { recordId: 'seq-0', status: 'ignored', reason: 'execution names no resource' },
    ]);
    expect(store.allIncidents()).toEqual([]);
  });

  it('reports the records of a scope whose commit keeps failing as failed, and only those', async () => {
    const store = new MemoryIncidentStore();
    const failing: IncidentStore = Object.assign(Object.create(store) as MemoryIncidentStore, {
      commitScope: async (
        arn: string,
        version: number,
        change: Parameters<IncidentStore['commitScope']>[2],
      ) =>
        arn === stateMachineArn('billing')
          ? Promise.reject(new TransientStoreError('ProvisionedThroughputExceeded'))
          : store.commitScope(arn, version, change),
    });
    const records = signalRecords([
      execution('o', minutes(0), 'FAILED'),
      execution('b', minutes(0), 'FAILED', { machine: 'billing' }),
    ]);
    const report = await processBatch(records, { ...pipelineDeps(store), store: failing });
    expect(report.outcomes.map((o) => o.status)).toEqual(['processed', 'failed']);
    expect(report.outcomes[1]).toMatchObject({
      reason: 'TransientStoreError: ProvisionedThroughputExceeded',
    });
  });

  it('fails every record that needed the store when the store is down, and acknowledges none of them', async () => {
    const store = new MemoryIncidentStore();
    const down: IncidentStore = Object.assign(Object.create(store) as MemoryIncidentStore, {
      saveSignals: async () => Promise.reject(new TransientStoreError('connect ECONNREFUSED')),
    });
    const report = await processBatch(signalRecords(checkoutOutage()), {
      ...pipelineDeps(store),
      store: down,
    });
    expect(report.outcomes.every((o) => o.status === 'failed')).toBe(true);
    expect(report.counts.failed).toBe(checkoutOutage().length);
  });

  it('quarantines and acknowledges the records of a scope that fails for good, and only those', async () => {
    const store = new MemoryIncidentStore();
    const refusing: IncidentStore = Object.assign(Object.create(store) as MemoryIncidentStore, {
      commitScope: async (
        arn: string,
        version: number,
        change: Parameters<IncidentStore['commitScope']>[2],
      ) =>
        arn === stateMachineArn('billing')
          ? Promise.reject(new DeterministicStoreError('ValidationException: item too large'))
          : store.commitScope(arn, version, change),
    });
    const records = signalRecords([
      execution('o', minutes(0), 'FAILED'),
      execution('b', minutes(0), 'FAILED', { machine: 'billing' }),
    ]);

    const report = await processBatch(records, { ...pipelineDeps(store), store: refusing });

    expect(report.outcomes.map((o) => o.status)).toEqual(['processed', 'quarantined']);
    expect(report.counts).toMatchObject({ failed: 0, scopesFailedDeterministically: 1, quarantined: 1 });
    expect(store.quarantined).toHaveLength(1);
    expect(store.quarantined[0]).toMatchObject({ recordId: 'seq-1', position: ['Records', 1] });
    expect(store.quarantined[0]?.reason).toContain('ValidationException: item too large');
    expect(Buffer.from(store.quarantined[0]?.raw ?? []).toString('utf8')).toContain('"signalId":"b"');
    expect(store.allIncidents().map((i) => i.stateMachineArn)).toEqual([stateMachineArn('orders')]);
  });

  it('retries rather than quarantines a record that another scope needs retried', async () => {
    const store = new MemoryIncidentStore();
    const mixed: IncidentStore = Object.assign(Object.create(store) as MemoryIncidentStore, {
      commitScope: async (arn: string) =>
        Promise.reject(
          arn === stateMachineArn('billing')
            ? new DeterministicStoreError('ValidationException')
            : new TransientStoreError('ThrottlingException'),
        ),
    });
    // One record, one signal, two scopes: its function links it to both state machines.
    const shared = {
      ...execution('s', minutes(0), 'FAILED'),
      subjects: [stateMachineArn('billing'), stateMachineArn()],
    };

    const report = await processBatch(signalRecords([shared]), { ...pipelineDeps(store), store: mixed });

    expect(report.outcomes.map((o) => o.status)).toEqual(['failed']);
    expect(store.quarantined).toEqual([]);
  });

  it('finds the record responsible when batch-wide work fails for good, and lands the others', async () => {
    const store = new MemoryIncidentStore();
    const poisonId = 'b';
    const picky: IncidentStore = Object.assign(Object.create(store) as MemoryIncidentStore, {
      saveSignals: async (signals: readonly Signal[]) =>
        signals.some((signal) => signal.signalId === poisonId)
          ? Promise.reject(
              new DeterministicStoreError('ValidationException: item size has exceeded the maximum'),
            )
          : store.saveSignals(signals),
    });
    const records = signalRecords([
      execution('a', minutes(0), 'FAILED'),
      execution(poisonId, minutes(1), 'FAILED', { machine: 'billing' }),
      execution('c', minutes(2), 'FAILED', { machine: 'shipping' }),
    ]);

    const report = await processBatch(records, { ...pipelineDeps(store), store: picky });

    expect(report.outcomes.map((o) => o.status)).toEqual(['processed', 'quarantined', 'processed']);
    expect(store.quarantined.map((entry) => entry.recordId)).toEqual(['seq-1']);
    expect(
      store
        .allIncidents()
        .map((i) => i.stateMachineArn)
        .sort(),
    ).toEqual([stateMachineArn('orders'), stateMachineArn('shipping')]);
  });

  it('evolves every scope of a batch touching far more state machines than the scope concurrency', async () => {
    const store = new MemoryIncidentStore();
    const machines = Array.from({ length: 40 }, (_, index) => `machine-${index}`);
    const signals = machines.map((machine, index) =>
      execution(`f-${index}`, minutes(index % 3), 'FAILED', { machine }),
    );

    const report = await processBatch(signalRecords(signals), {
      ...pipelineDeps(store),
      scopeConcurrency: 4,
    });

    expect(report.counts).toMatchObject({ scopes: 40, failed: 0, incidentsChanged: 40 });
    expect(store.allIncidents()).toEqual(referenceIncidents(signals));
  });

  it('leaves a scope exactly as stored when a capped read makes its view partial, and says so', async () => {
    const store = new MemoryIncidentStore({ maxContextItemsPerRead: 3 });
    await processBatch(signalRecords([execution('first', minutes(0), 'FAILED')]), pipelineDeps(store));
    const before = store.allIncidents();
    expect(before).toHaveLength(1);

    // More failures than the cap: the view of the decisive signals is cut, so nothing may change.
    const more = [1, 2, 3, 4].map((n) => execution(`more-${n}`, minutes(n), 'FAILED'));
    const report = await processBatch(signalRecords(more, 'later'), pipelineDeps(store));

    expect(report.counts).toMatchObject({ scopesPartial: 1, failed: 0, incidentsChanged: 0 });
    expect(report.scopes[0]?.outcome).toMatchObject({ ok: true, partial: true, changed: [] });
    expect(store.allIncidents()).toEqual(before);
  });

  it('retries a commit after a version conflict and converges', async () => {
    const store = new MemoryIncidentStore();
    let conflicts = 1;
    const racing: IncidentStore = Object.assign(Object.create(store) as MemoryIncidentStore, {
      commitScope: async (
        arn: string,
        version: number,
        change: Parameters<IncidentStore['commitScope']>[2],
      ) => {
        if (conflicts-- > 0) return 'conflict' as const;
        return store.commitScope(arn, version, change);
      },
    });
    const report = await processBatch(signalRecords(checkoutOutage()), {
      ...pipelineDeps(store),
      store: racing,
    });
    expect(report.scopes[0]?.outcome).toMatchObject({ ok: true, attempts: 2 });
    expect(store.allIncidents()).toHaveLength(1);
  });
});

describe('order and duplicate independence (property)', () => {
  const withoutVolatile = (incidents: Awaited<ReturnType<typeof incidentsAfter>>) =>
    JSON.stringify(incidents);
  // Permutations put healthy runs hours behind the watermark: past the default lateness they would
  // be late (tested in late-traffic.unit.test.ts). Here everything arrives within a day's lateness.
  const config = withConfig({ allowedLatenessMs: 24 * 60 * 60_000 });

  it('any permutation, duplication and batch split of the signals gives the identical incident set', async () => {
    const signals = twoScopesWithFlap();
    const expected = withoutVolatile(await incidentsAfter([signalRecords(signals)], config));
    expect(JSON.parse(expected)).toHaveLength(2);

    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(signals, { minLength: signals.length, maxLength: signals.length }),
        fc.array(fc.nat({ max: signals.length - 1 }), { maxLength: 8 }),
        fc.array(fc.nat({ max: 100 }), { minLength: 0, maxLength: 6 }),
        async (shuffled, duplicateIndexes, cuts) => {
          const stream = [...shuffled, ...duplicateIndexes.map((i) => shuffled[i] as Signal)];
          const records = signalRecords(stream);
          const bounds = [...new Set(cuts.map((c) => c % (records.length + 1)))].sort((a, b) => a - b);
          const batches: (typeof records)[] = [];
          let start = 0;
          for (const bound of [...bounds, records.length]) {
            batches.push(records.slice(start, bound));
            start = bound;
          }
          const actual = withoutVolatile(
            await incidentsAfter(
              batches.filter((b) => b.length > 0),
              config,
            ),
          );
          expect(actual).toBe(expected);
        },
      ),
      { numRuns: 60 },
    );
  });
});
