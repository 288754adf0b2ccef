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
