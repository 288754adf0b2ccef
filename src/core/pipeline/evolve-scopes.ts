import { defer, mergeMap, type ObservableInput, type OperatorFunction } from 'rxjs';

/**
 * The scope step of the pipeline: evolves each of a batch's scopes, at most `concurrency` at once
 * (each costs a few store round trips), and emits one result per scope as it lands. A scope's
 * evolution starts only when it gets a slot, so the limit holds for the store too. `evolve` reports
 * a scope's failure as that scope's result rather than throwing, so one scope never fails the
 * others (docs/architecture.md, "Failures").
 */
export function evolveScopes<S, R>(
  evolve: (scope: S) => ObservableInput<R>,
  concurrency: number,
): OperatorFunction<S, R> {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`scope concurrency must be a whole number of at least 1, not ${concurrency}`);
  }
  return (source) => source.pipe(mergeMap((scope) => defer(() => evolve(scope)), concurrency));
}
