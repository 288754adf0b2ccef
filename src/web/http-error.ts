import { CorrelatorError } from '../errors.ts';

/** A request the page's server refuses, with the status and a message safe to show the caller. */
export class HttpError extends CorrelatorError {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, message: string, headers: Readonly<Record<string, string>> = {}) {
    super(message);
    this.name = 'HttpError';
    this.status = status;
    this.headers = headers;
  }
}

export const badRequest = (message: string): HttpError => new HttpError(400, message);
export const notFound = (message = 'not found'): HttpError => new HttpError(404, message);
