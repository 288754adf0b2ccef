import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { MemoryIncidentStore } from '../../src/adapters/memory-store.ts';
import { DEFAULT_CONFIG } from '../../src/core/config.ts';
import { processBatch } from '../../src/core/pipeline/process-batch.ts';
import { sweep } from '../../src/runtime/sweeper.ts';
import { pipelineDeps, signalRecords } from '../builders/pipeline.ts';
import { execution, minutes, stateMachineArn } from '../builders/signals.ts';

const silent = pino({ level: 'silent' });

describe('the sweeper', () => {
  it('resolves an open incident once the quiet period has passed on the wall clock, and not before', async () => {
    const store = new MemoryIncidentStore();
    await processBatch(signalRecords([execution('a', minutes(0), 'FAILED')]), pipelineDeps(store));
    expect(store.allIncidents().map((i) => i.status)).toEqual(['OPEN']);
    const openScopes = async () => [stateMachineArn('orders')];

    const early = await sweep({
      store,
      config: DEFAULT_CONFIG,
      logger: silent,
      clock: () => minutes(10),
      openScopes,
    });
    expect(early).toEqual({ scopes: 1, resolved: 0, failed: 0 });
    expect(store.allIncidents()[0]?.status).toBe('OPEN');

    const late = await sweep({
      store,
      config: DEFAULT_CONFIG,
      logger: silent,
      clock: () => minutes(31),
      openScopes,
    });
    expect(late).toEqual({ scopes: 1, resolved: 1, failed: 0 });
    expect(store.allIncidents()[0]).toMatchObject({
      status: 'RESOLVED',
      resolvedAt: new Date(minutes(30)).toISOString(),
    });
  });
});
