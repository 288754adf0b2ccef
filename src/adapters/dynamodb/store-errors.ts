import { ConfigurationError, CorrelatorError, TransientStoreError } from '../../errors.ts';

/** Errors the Node HTTP stack raises when there is nobody to talk to. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * Turns an SDK failure into one of ours, with a message that says what to do. Nothing is
 * swallowed: the original error stays attached as `cause`.
 */
export function storeFailure(operation: string, tableName: string, error: unknown): CorrelatorError {
  if (error instanceof CorrelatorError) return error;
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'ResourceNotFoundException') {
    return new ConfigurationError(
      `Table ${tableName} does not exist: deploy first or start the local stack`,
      { cause: error },
    );
  }
  if (isUnreachable(error)) {
    return new TransientStoreError(
      `Cannot reach DynamoDB for table ${tableName} (${errorCode(error) ?? name}: ${message}): ` +
        'start the local stack, or check the endpoint, region and network',
      { cause: error },
    );
  }
  return new TransientStoreError(`DynamoDB ${operation} on table ${tableName} failed: ${name}: ${message}`, {
    cause: error,
  });
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

function isUnreachable(error: unknown): boolean {
  if (error instanceof Error && error.name === 'TimeoutError') return true;
  const code = errorCode(error);
  return code !== undefined && UNREACHABLE_CODES.has(code);
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
