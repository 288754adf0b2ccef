import { catchError, from, map, mergeMap, type Observable, type OperatorFunction, of, toArray } from 'rxjs';
import type { Group } from './collect-groups.ts';
import type { ScopeState } from './ports.ts';

export interface StatedGroup<T> {
  readonly group: Group<string, T>;
  /** As the batch's bulk read found it; undefined if that read failed (the scope then loads its own). */
  readonly state: ScopeState | undefined;
}

/**
 * Pairs each scope group with its state from one bulk read for the whole batch (one BatchGetItem
 * per hundred scopes on DynamoDB), instead of one read per scope. A failed bulk read is not the
 * batch's failure: each scope then reads its own state and succeeds or fails on its own.
 */
export function withScopeStates<T>(
  loadScopes: (
    keys: readonly string[],
  ) => Promise<ReadonlyMap<string, ScopeState>> | Observable<ReadonlyMap<string, ScopeState>>,
): OperatorFunction<Group<string, T>, StatedGroup<T>> {
  return (source) =>
    source.pipe(
      toArray(),
      mergeMap((groups) =>
        groups.length === 0
          ? from([] as StatedGroup<T>[])
          : from(loadScopes(groups.map((group) => group.key))).pipe(
              catchError(() => of(new Map<string, ScopeState>())),
              mergeMap((states) =>
                from(groups).pipe(map((group) => ({ group, state: states.get(group.key) }))),
              ),
            ),
      ),
    );
}
