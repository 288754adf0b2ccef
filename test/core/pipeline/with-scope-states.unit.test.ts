import { map, mergeMap } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import type { Group } from '../../../src/core/pipeline/collect-groups.ts';
import type { ScopeState } from '../../../src/core/pipeline/ports.ts';
import { withScopeStates } from '../../../src/core/pipeline/with-scope-states.ts';
import { EMPTY_TRAFFIC } from '../../../src/core/traffic/traffic.ts';

/**
 * Marble tests of the bulk state read: one read for all of a batch's scopes, issued once the
 * groups are complete, every group paired with its state; a failed read leaves each scope to read
 * its own, and an empty batch reads nothing.
 */
const newScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
const stateAt = (version: number): ScopeState => ({
  incidents: [],
  digests: new Map(),
  traffic: EMPTY_TRAFFIC,
  membersDigest: undefined,
  seal: undefined,
  version,
});
const groups: Record<string, Group<string, number>> = {
  a: { key: 'arn:a', items: [1] },
  b: { key: 'arn:b', items: [2, 3] },
};

describe('withScopeStates', () => {
  it('reads every scope of the batch in one bulk read and pairs each group with its state', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const paired = cold('a-b|', groups).pipe(
        withScopeStates<number>((keys) => {
          return cold('--(s|)', { s: new Map(keys.map((key, index) => [key, stateAt(index + 1)])) });
        }),
        map(({ group, state }) => `${group.key}@${state?.version}`),
      );
      // The read starts when the groups complete (frame 3) and answers two frames later.
      expectObservable(paired).toBe('-----(xy|)', { x: 'arn:a@1', y: 'arn:b@2' });
    });
  });

  it('issues exactly one read for the batch', () => {
    const reads: string[][] = [];
    newScheduler().run(({ cold, expectObservable }) => {
      const paired = cold('ab|', groups).pipe(
        withScopeStates<number>((keys) => {
          reads.push([...keys]);
          return cold('-(s|)', { s: new Map() });
        }),
        mergeMap(({ group }) => cold('-(k|)', { k: group.key })),
      );
      expectObservable(paired).toBe('----(xy|)', { x: 'arn:a', y: 'arn:b' });
    });
    expect(reads).toEqual([['arn:a', 'arn:b']]);
  });

  it('hands the groups on without states when the bulk read fails', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const paired = cold('ab|', groups).pipe(
        withScopeStates<number>(() => cold('-#', {}, new Error('throttled'))),
        map(({ group, state }) => `${group.key}:${state === undefined ? 'own read' : 'bulk'}`),
      );
      expectObservable(paired).toBe('---(xy|)', { x: 'arn:a:own read', y: 'arn:b:own read' });
    });
  });

  it('reads nothing for a batch with no scopes', () => {
    let reads = 0;
    newScheduler().run(({ cold, expectObservable }) => {
      const paired = cold('|', groups).pipe(
        withScopeStates<number>(() => {
          reads++;
          return cold('(s|)', { s: new Map() });
        }),
      );
      expectObservable(paired).toBe('|');
    });
    expect(reads).toBe(0);
  });
});
