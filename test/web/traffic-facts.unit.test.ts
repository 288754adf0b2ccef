import { describe, expect, it } from 'vitest';
import { trafficFacts } from '../../src/web/client/traffic-facts.ts';

const traffic = (started: number, succeeded: number, failed: number, finished = 0, failedBefore = 0) => ({
  started,
  succeeded,
  failed,
  hourBefore: { finished, failed: failedBefore },
});

describe('the traffic facts on the incident page', () => {
  it('says what ran while the incident was open and how the hour before went', () => {
    expect(trafficFacts({ traffic: traffic(240, 220, 20, 1_000, 2), counts: { FAILED: 20 } })).toEqual({
      whileOpen: '240 started · 220 succeeded · 20 failed',
      hourBefore: '2 of 1000 finished runs failed',
    });
  });

  it('says no runs finished before an incident on a quiet state machine', () => {
    expect(trafficFacts({ traffic: traffic(0, 0, 0), counts: {} }).hourBefore).toBe('no runs finished');
  });

  it('does not show zeros for an incident stored before traffic was counted', () => {
    // Given a header of an older engine (traffic defaults to zeros) with failed runs, then no false figure.
    const facts = trafficFacts({ traffic: traffic(0, 0, 0), counts: { FAILED: 2, TIMED_OUT: 1 } });
    expect(facts.whileOpen).toMatch(/^not counted/);
    expect(facts.hourBefore).toMatch(/^not counted/);
  });
});
