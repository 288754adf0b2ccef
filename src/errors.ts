/**
 * The project's error hierarchy. The split that matters operationally: a poison record is
 * quarantined and acknowledged; a transient failure is reported back so Lambda retries it.
 */
export class CorrelatorError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CorrelatorError';
  }
}

/** Configuration is read once at start-up and fails loudly instead of letting `undefined` flow on. */
export class ConfigurationError extends CorrelatorError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConfigurationError';
  }
}

/** A record that can never succeed, however often it is retried: quarantine it and move on. */
export class PoisonRecordError extends CorrelatorError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PoisonRecordError';
  }
}

/** A failure that may pass (throttling, a restarting store): report it so the records are retried. */
export class TransientStoreError extends CorrelatorError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TransientStoreError';
  }
}

/** Bad command-line usage or an unreadable input file: the CLI exits non-zero with this message. */
export class UsageError extends CorrelatorError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UsageError';
  }
}

/**
 * A store call that will fail the same way however often it is retried: a `ValidationException`, an
 * item that cannot be shrunk under the item size limit, a stored item we cannot read back. The
 * pipeline quarantines the records of the scope it hit and acknowledges them, so no shard is held.
 */
export class DeterministicStoreError extends CorrelatorError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DeterministicStoreError';
  }
}

/** Other consumers kept committing the same scope first: retrying the records later will settle it. */
export class ScopeConflictError extends CorrelatorError {
  constructor(stateMachineArn: string, attempts: number) {
    super(`scope ${stateMachineArn} kept changing under us: gave up after ${attempts} attempts`);
    this.name = 'ScopeConflictError';
  }
}

/**
 * The one routing rule for failures (DESIGN §4): retry what may pass, quarantine what cannot.
 * Transient: throttling, timeouts, 5xx, an unreachable store, conflicts past the retry budget, and
 * configuration faults (a missing table or a denied action is fixed by deploying, after which the
 * retried records succeed; quarantining the whole stream meanwhile would be worse). Everything else,
 * including a bug of ours, is deterministic: the same input fails the same way on every retry.
 */
export function isTransient(error: unknown): boolean {
  return (
    error instanceof TransientStoreError ||
    error instanceof ScopeConflictError ||
    error instanceof ConfigurationError
  );
}
