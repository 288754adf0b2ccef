import { groupBy, mergeMap, toArray } from 'rxjs';
import { delay, map } from 'rxjs/operators';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { collectGroups } from '../../../src/core/pipeline/collect-groups.ts';

/**
 * Marble tests of the grouping step that feeds the scope concurrency limit. The first one pins the
 * RxJS behaviour that lost scopes (hot `groupBy` groups subscribed late arrive empty), so the
 * second one is a real regression test: the same shape with `collectGroups` loses nothing.
 */

const keyOf = (value: string) => value[0] ?? '';
/** Two records for each of three scopes, all emitted at once, as `from(assignments)` does. */
const records = { a: 'a1', b: 'b1', c: 'c1', d: 'a2', e: 'b2', f: 'c2' };
const newScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('grouping scopes before a concurrency limit', () => {
  it('groupBy groups past the limit complete empty (why collectGroups exists)', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      // Three scopes, concurrency 1: each group is evolved for 5 frames.
      const source = cold('(abcdef|)', records);
      const evolved = source.pipe(
        groupBy(keyOf),
        mergeMap(
          (group$) =>
            group$.pipe(
              toArray(),
              delay(5),
              map((items) => `${group$.key}:${items.length}`),
            ),
          1,
        ),
      );
      expectObservable(evolved).toBe('-----a----b----(c|)', { a: 'a:2', b: 'b:0', c: 'c:0' });
    });
  });

  it('collectGroups hands every group whole to a limited mergeMap, in first-seen order', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const source = cold('(abcdef|)', records);
      const evolved = source.pipe(
        collectGroups(keyOf),
        mergeMap((group) => cold('-----(x|)', { x: `${group.key}:${group.items.join(',')}` }), 1),
      );
      expectObservable(evolved).toBe('-----a----b----(c|)', {
        a: 'a:a1,a2',
        b: 'b:b1,b2',
        c: 'c:c1,c2',
      });
    });
  });

  it('waits for the source to complete and emits nothing for an empty source', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      expectObservable(cold('a-b-a-|').pipe(collectGroups(keyOf))).toBe('------(xy|)', {
        x: { key: 'a', items: ['a', 'a'] },
        y: { key: 'b', items: ['b'] },
      });
      expectObservable(cold('---|').pipe(collectGroups(keyOf))).toBe('---|');
    });
  });
});
