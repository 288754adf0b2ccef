import { from, map, mergeMap, type OperatorFunction, toArray } from 'rxjs';

export interface Group<K, T> {
  readonly key: K;
  readonly items: readonly T[];
}

/**
 * Groups a finite stream by key and emits each group whole, in first-seen order, once the source
 * completes. RxJS `groupBy` groups are hot: behind a `mergeMap` with a concurrency limit, the groups
 * past the limit are subscribed after their items were emitted and arrive empty (the loss of the
 * first version on batches touching more scopes than the limit). Materialized groups cannot miss.
 */
export function collectGroups<T, K>(keyOf: (item: T) => K): OperatorFunction<T, Group<K, T>> {
  return (source) =>
    source.pipe(
      toArray(),
      map((items) => {
        const groups = new Map<K, T[]>();
        for (const item of items) {
          const key = keyOf(item);
          const group = groups.get(key);
          if (group === undefined) groups.set(key, [item]);
          else group.push(item);
        }
        return [...groups].map(([key, grouped]): Group<K, T> => ({ key, items: grouped }));
      }),
      mergeMap((groups) => from(groups)),
    );
}
