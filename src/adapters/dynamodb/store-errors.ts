import { redactSecrets } from '../../core/redact-secrets.ts';
import {
  ConfigurationError,
  CorrelatorError,
  DeterministicStoreError,
  isTransient,
  TransientStoreError,
} from '../../errors.ts';

/**
 * What an SDK failure means for the records that caused it (the pipeline routes on `isTransient`):
 * - `transient`: may pass on its own (throttling, timeouts, 5xx, an unreachable endpoint), so the
 *   records are retried;
 * - `configuration`: a deployment fault (missing table, denied action, bad or expired credentials),
 *   retried until someone fixes the deployment;
 * - `deterministic`: the request itself is refused (validation, serialization, item collection
 *   too large, any other 4xx) and will be refused again: the scope's records are quarantined.
 *
 * The transient rules follow the SDK's own retry classification (`@smithy/service-error-classification`):
 * its throttling and transient error names, the `$retryable` trait, a corrected clock skew, HTTP
 * 429 and 5xx, and Node's network error codes, also on the error's `cause` chain.
 */
export type FailureClass = 'transient' | 'configuration' | 'deterministic';

/** Throttling: the SDK's list plus DynamoDB's own names. */
const THROTTLING_NAMES = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);

/** Timeouts, server faults and races that a later attempt gets past. */
const TRANSIENT_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'AbortError',
  'InternalServerError',
  'InternalFailure',
  'InternalError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  // A plain write racing a transaction on the same item.
  'TransactionConflictException',
  'ReplicatedWriteConflictException',
]);

/** Node's codes for "nobody answered": the SDK's timeout and network codes, and a few more. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** A missing resource: the table (or an index) was not deployed where the store looks for it. */
const MISSING_RESOURCE_NAMES = new Set([
  'ResourceNotFoundException',
  'TableNotFoundException',
  'IndexNotFoundException',
]);

/** The caller may not do this, or is not who it claims: fixed by credentials or IAM, not by retrying soon. */
const REFUSED_CALLER_NAMES = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'ExpiredTokenException',
  'ExpiredToken',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'NotAuthorized',
  'AuthFailure',
  'RequestExpired',
  'RequestInTheFuture',
  'RequestTimeTooSkewed',
  'CredentialsProviderError',
  'InvalidEndpointException',
]);

/** Refused for what the request says: the same request is refused again. Any other 4xx is too. */
const DETERMINISTIC_NAMES = new Set([
  'ValidationException',
  'SerializationException',
  'ItemCollectionSizeLimitExceededException',
  'ConditionalCheckFailedException',
  'TransactionCanceledException',
  'IdempotentParameterMismatchException',
  'DuplicateItemException',
]);

/** How deep the `cause` chain is followed, as the SDK does. */
const MAX_CAUSE_DEPTH = 10;

export function classifyStoreError(error: unknown): FailureClass {
  if (error instanceof CorrelatorError) {
    // Ours are classified already: `isTransient` is the one routing rule.
    if (error instanceof ConfigurationError) return 'configuration';
    return isTransient(error) ? 'transient' : 'deterministic';
  }
  const name = nameOf(error);
  const status = httpStatusOf(error);
  if (MISSING_RESOURCE_NAMES.has(name)) return 'configuration';
  if (REFUSED_CALLER_NAMES.has(name)) {
    // The SDK corrects a skewed clock and retries; such a failure may pass like any other.
    return clockSkewCorrected(error) ? 'transient' : 'configuration';
  }
  // Named refusals first: a refused request stays refused whatever its cause chain says.
  if (DETERMINISTIC_NAMES.has(name)) return 'deterministic';
  if (mayPass(error, 0)) return 'transient';
  if (status === 401 || status === 403) return 'configuration';
  return 'deterministic';
}

function mayPass(error: unknown, depth: number): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const name = nameOf(error);
  const status = httpStatusOf(error);
  if (THROTTLING_NAMES.has(name) || TRANSIENT_NAMES.has(name)) return true;
  if ('$retryable' in error && error.$retryable !== undefined) return true;
  if (clockSkewCorrected(error)) return true;
  if (status !== undefined && (status === 429 || status >= 500)) return true;
  const code = errorCode(error);
  if (code !== undefined && NETWORK_CODES.has(code)) return true;
  if (depth >= MAX_CAUSE_DEPTH) return false;
  if (error instanceof AggregateError && error.errors.some((inner) => mayPass(inner, depth + 1))) {
    return true;
  }
  return 'cause' in error && error.cause !== undefined && mayPass(error.cause, depth + 1);
}

/**
 * Turns an SDK failure into one of ours, with a message that says what to do. Nothing is
 * swallowed: the original error stays attached as `cause`. Messages carry the operation, the table,
 * the error's name and DynamoDB's own message (which names attributes, never their values), cut
 * short and with anything shaped like an access key masked.
 */
export function storeFailure(operation: string, tableName: string, error: unknown): CorrelatorError {
  if (error instanceof CorrelatorError) return error;
  const name = nameOf(error);
  const message = messageOf(error);
  const options = { cause: error };
  switch (classifyStoreError(error)) {
    case 'configuration':
      if (MISSING_RESOURCE_NAMES.has(name)) {
        return new ConfigurationError(
          `Table ${tableName} does not exist: deploy first or start the local stack (${name}: ${message})`,
          options,
        );
      }
      return new ConfigurationError(
        `DynamoDB refused ${operation} on table ${tableName} (${name}: ${message}): ` +
          'check the credentials, the region and the IAM policy of the role',
        options,
      );
    case 'transient':
      if (isUnreachable(error)) {
        return new TransientStoreError(
          `Cannot reach DynamoDB for table ${tableName} (${errorCode(error) ?? name}: ${message}): ` +
            'start the local stack, or check the endpoint, region and network',
          options,
        );
      }
      return new TransientStoreError(
        `DynamoDB ${operation} on table ${tableName} failed: ${name}: ${message}`,
        options,
      );
    case 'deterministic':
      return new DeterministicStoreError(
        `DynamoDB ${operation} on table ${tableName} failed: ${name}: ${message} (the same request fails on every retry)`,
        options,
      );
  }
}

/** Runs one SDK call and maps its failure; every store and query call goes through here. */
export async function callDynamo<T>(
  operation: string,
  tableName: string,
  call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw storeFailure(operation, tableName, error);
  }
}

/** A cancelled transaction, by the reason DynamoDB gives for each of its actions. */
export type CancellationOutcome = 'conflict' | FailureClass;

const CONFLICT_REASONS = new Set(['ConditionalCheckFailed', 'TransactionConflict']);
const TRANSIENT_REASONS = new Set([
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
  'InternalServerError',
]);
const DETERMINISTIC_REASONS = new Set(['ValidationError', 'ItemCollectionSizeLimitExceeded']);

/**
 * Only failed conditions and races with other transactions (the STATE item's version moved on):
 * a conflict, which the engine settles by re-deriving. A refused item fails again: deterministic.
 * Throttling passes. A reason this code does not know is treated as deterministic, like any
 * unknown refusal.
 */
export function cancellationOutcome(reasonCodes: readonly (string | undefined)[]): CancellationOutcome {
  const codes = reasonCodes.filter((code): code is string => code !== undefined && code !== 'None');
  if (codes.length > 0 && codes.every((code) => CONFLICT_REASONS.has(code))) return 'conflict';
  if (codes.some((code) => DETERMINISTIC_REASONS.has(code))) return 'deterministic';
  if (codes.some((code) => TRANSIENT_REASONS.has(code))) return 'transient';
  return 'deterministic';
}

/** The failure a non-conflict cancellation becomes, naming its reason codes (never the items). */
export function cancellationFailure(
  tableName: string,
  outcome: FailureClass,
  reasonCodes: readonly (string | undefined)[],
  error: unknown,
): CorrelatorError {
  const reasons = reasonCodes.map((code) => code ?? 'None').join(', ');
  const message = `DynamoDB TransactWriteItems on table ${tableName} failed: TransactionCanceledException [${reasons}]`;
  const options = { cause: error };
  switch (outcome) {
    case 'transient':
      return new TransientStoreError(message, options);
    case 'configuration':
      return new ConfigurationError(message, options);
    case 'deterministic':
      return new DeterministicStoreError(`${message} (the same request fails on every retry)`, options);
  }
}

const MAX_MESSAGE_CHARS = 300;

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const masked = new TextDecoder().decode(redactSecrets(new TextEncoder().encode(text)).bytes);
  return masked.length <= MAX_MESSAGE_CHARS ? masked : `${masked.slice(0, MAX_MESSAGE_CHARS - 1)}…`;
}

function nameOf(error: unknown): string {
  if (error instanceof Error) return error.name;
  if (typeof error === 'object' && error !== null && 'name' in error && typeof error.name === 'string') {
    return error.name;
  }
  return 'Error';
}

function httpStatusOf(error: unknown): number | undefined {
  const metadata = metadataOf(error);
  return metadata !== undefined && 'httpStatusCode' in metadata && typeof metadata.httpStatusCode === 'number'
    ? metadata.httpStatusCode
    : undefined;
}

function clockSkewCorrected(error: unknown): boolean {
  const metadata = metadataOf(error);
  return metadata !== undefined && 'clockSkewCorrected' in metadata && metadata.clockSkewCorrected === true;
}

function metadataOf(error: unknown): object | undefined {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return undefined;
  const metadata = error.$metadata;
  return typeof metadata === 'object' && metadata !== null ? metadata : undefined;
}

function isUnreachable(error: unknown): boolean {
  if (nameOf(error) === 'TimeoutError') return true;
  const code = errorCode(error);
  return code !== undefined && NETWORK_CODES.has(code);
}

/** The Node error code, also when it sits inside an AggregateError (one per resolved address). */
function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  if ('code' in error && typeof error.code === 'string') return error.code;
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      const code = errorCode(inner);
      if (code !== undefined) return code;
    }
  }
  return undefined;
}
