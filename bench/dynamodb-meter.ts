import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * Counts what a client asks of DynamoDB, from inside the SDK: every request by operation name
 * (retries included), the capacity units DynamoDB reports for it, and the bytes its reads sent
 * back (the HTTP body of every GetItem, BatchGetItem, Query, Scan and TransactGetItems response,
 * by its Content-Length: items as DynamoDB's JSON carries them, type descriptors and consumed
 * capacity included). Bytes, unlike read units, are not rounded up to 4 KB per item or request,
 * so they show a read growing long before its units do. Capacity needs
 * `ReturnConsumedCapacity: 'TOTAL'`, which the store does not pass: the meter adds it to every
 * data-plane request, which changes what DynamoDB reports, not what it does.
 */

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

export interface MeterSnapshot {
  /** HTTP requests per operation, SDK retries included. */
  readonly requests: Readonly<Record<string, number>>;
  readonly totalRequests: number;
  /** Queries by the kind of partition they read (`CTX`, `LINK`, `RLINK`, …): where the reads go. */
  readonly queriesByPartition: Readonly<Record<string, number>>;
  /**
   * Capacity units as DynamoDB reports them. A transactional write already reports twice the
   * units of a plain one, as AWS bills it (test/bench/dynamodb-meter.int.test.ts pins that DynamoDB
   * Local does too), so nothing is doubled here.
   */
  readonly readUnits: number;
  readonly writeUnits: number;
  /** Capacity units per operation (reads and writes alike): which requests cost the units. */
  readonly unitsByOperation: Readonly<Record<string, number>>;
  /** Response bytes of the read operations, SDK retries included. */
  readonly readBytes: number;
}

export interface DynamoDbMeter {
  snapshot(): MeterSnapshot;
  reset(): void;
}

function operationOf(commandName: unknown): string {
  return typeof commandName === 'string' ? commandName.replace(/Command$/, '') : 'Unknown';
}

/** `CTX#arn:…` → `CTX`: the partition kind of a Query's `:pk` value. */
function partitionKindOf(input: unknown): string {
  const values =
    typeof input === 'object' && input !== null && 'ExpressionAttributeValues' in input
      ? input.ExpressionAttributeValues
      : undefined;
  const pk = typeof values === 'object' && values !== null && ':pk' in values ? values[':pk'] : undefined;
  return typeof pk === 'string' ? (pk.split('#')[0] ?? pk) : 'other';
}

function unitsOf(consumed: unknown): number {
  const entries = Array.isArray(consumed) ? consumed : [consumed];
  let units = 0;
  for (const entry of entries) {
    if (typeof entry === 'object' && entry !== null && 'CapacityUnits' in entry) {
      const value = entry.CapacityUnits;
      if (typeof value === 'number') units += value;
    }
  }
  return units;
}

/** The Content-Length of a raw HTTP response, 0 when it has none. */
function contentLengthOf(response: unknown): number {
  const headers =
    typeof response === 'object' && response !== null && 'headers' in response ? response.headers : undefined;
  const length =
    typeof headers === 'object' && headers !== null && 'content-length' in headers
      ? Number(headers['content-length'])
      : Number.NaN;
  return Number.isFinite(length) ? length : 0;
}

export function attachMeter(client: DynamoDBClient): DynamoDbMeter {
  let requests = new Map<string, number>();
  let queries = new Map<string, number>();
  let units = new Map<string, number>();
  let readUnits = 0;
  let writeUnits = 0;
  let readBytes = 0;

  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = operationOf(context.commandName);
      const metered = READS.has(operation) || WRITES.has(operation);
      if (operation === 'Query') {
        const kind = partitionKindOf(args.input);
        queries.set(kind, (queries.get(kind) ?? 0) + 1);
      }
      const input = metered ? Object.assign({}, args.input, { ReturnConsumedCapacity: 'TOTAL' }) : args.input;
      const result = await next({ ...args, input });
      const output: unknown = result.output;
      if (metered && typeof output === 'object' && output !== null && 'ConsumedCapacity' in output) {
        const consumed = unitsOf(output.ConsumedCapacity);
        units.set(operation, (units.get(operation) ?? 0) + consumed);
        if (READS.has(operation)) readUnits += consumed;
        else writeUnits += consumed;
      }
      return result;
    },
    { step: 'initialize', name: 'benchCapacityMeter', override: true },
  );
  // The deserialize step runs once per attempt (inside the retry loop), so retries are counted,
  // and it sees the raw HTTP response, so the bytes are what came over the wire.
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = operationOf(context.commandName);
      requests.set(operation, (requests.get(operation) ?? 0) + 1);
      const result = await next(args);
      if (READS.has(operation)) readBytes += contentLengthOf(result.response);
      return result;
    },
    { step: 'deserialize', name: 'benchRequestCounter', override: true },
  );

  return {
    snapshot: () => {
      const sorted = (map: Map<string, number>) =>
        Object.fromEntries([...map.entries()].sort(([a], [b]) => a.localeCompare(b)));
      return {
        requests: sorted(requests),
        queriesByPartition: sorted(queries),
        totalRequests: [...requests.values()].reduce((sum, n) => sum + n, 0),
        readUnits,
        writeUnits,
        unitsByOperation: sorted(units),
        readBytes,
      };
    },
    reset: () => {
      requests = new Map();
      queries = new Map();
      units = new Map();
      readUnits = 0;
      writeUnits = 0;
      readBytes = 0;
    },
  };
}
