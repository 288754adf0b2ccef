import { finalize, from, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { evolveScopes } from '../../../src/core/pipeline/evolve-scopes.ts';

/**
 * Marble tests of the scope step: the concurrency limit holds (an evolution starts only when a slot
 * frees) and every scope of a batch far wider than the limit gets its result. That one scope's
 * failure does not stop the others is `evolveGroup`'s (it reports the failure as the scope's
 * result), tested in process-batch.unit.test.ts.
 */
const newScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('evolveScopes', () => {
  it('evolves at most `concurrency` scopes at once and starts the next as one lands', () => {
    const scheduler = newScheduler();
    const started: string[] = [];
    scheduler.run(({ cold, expectObservable }) => {
      // Five scopes at once, two slots, each evolution five frames long.
      const evolved = cold('(abcde|)').pipe(
        evolveScopes((scope: string) => {
          started.push(`${scope}@${scheduler.now()}`);
          return cold('-----(x|)', { x: `${scope}:done` });
        }, 2),
      );
      expectObservable(evolved).toBe('-----(ab)-(cd)-(e|)', {
        a: 'a:done',
        b: 'b:done',
        c: 'c:done',
        d: 'd:done',
        e: 'e:done',
      });
    });
    expect(started).toEqual(['a@0', 'b@0', 'c@5', 'd@5', 'e@10']);
  });

  it('never has more evolutions in flight than the limit, and gives every scope of a wide batch a result', () => {
    const scheduler = newScheduler();
    const scopes = Array.from({ length: 230 }, (_, index) => `scope-${index}`);
    const landed: { scope: string; frame: number }[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    scheduler.run(({ cold }) => {
      // A fleet batch: 230 scopes arrive at once, eight slots, two frames per evolution.
      from(scopes)
        .pipe(
          evolveScopes((scope: string) => {
            inFlight += 1;
            mostInFlight = Math.max(mostInFlight, inFlight);
            return cold('--(r|)', { r: scope }).pipe(finalize(() => (inFlight -= 1)));
          }, 8),
        )
        .subscribe((scope) => landed.push({ scope, frame: scheduler.now() }));
    });
    expect(mostInFlight).toBe(8);
    expect(inFlight).toBe(0);
    expect(landed.map((entry) => entry.scope).sort()).toEqual([...scopes].sort());
    expect(Math.max(...landed.map((entry) => entry.frame))).toBe(2 * Math.ceil(scopes.length / 8));
  });

  it('refuses a limit that would evolve nothing, or a fraction of a scope', () => {
    expect(() => evolveScopes(() => of(1), 0)).toThrow(RangeError);
    expect(() => evolveScopes(() => of(1), 1.5)).toThrow(RangeError);
  });
});
