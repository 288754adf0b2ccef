import { describe, expect, it } from 'vitest';
import * as api from '../src/index.ts';

describe('the package entry point', () => {
  it('exports the query library, the stream decoder and the engine', () => {
    expect(typeof api.IncidentQueries).toBe('function');
    expect(typeof api.incidentChangeOf).toBe('function');
    expect(typeof api.correlateOffline).toBe('function');
    expect(typeof api.createKinesisConsumer).toBe('function');
    expect(api.DEFAULT_CONFIG.quietPeriodMs).toBe(30 * 60_000);
  });
});
