import { CorrelatorError } from '../errors.ts';

/** The local stack could not start, or was used in a way it cannot serve. */
export class LocalStackError extends CorrelatorError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LocalStackError';
  }
}

/** DynamoDB Local needs a Java runtime, and there is none on this machine. */
export class JavaNotFoundError extends LocalStackError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'JavaNotFoundError';
  }
}

/** An emulator did not come up: it exited early, or did not answer in time. */
export class EmulatorStartError extends LocalStackError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'EmulatorStartError';
  }
}
