import { describe, expect, it } from 'vitest';
import { DynamoDbIncidentStore } from '../../../src/adapters/dynamodb/dynamodb-store.ts';
import {
  type CancellationOutcome,
  cancellationOutcome,
  classifyStoreError,
  type FailureClass,
  storeFailure,
} from '../../../src/adapters/dynamodb/store-errors.ts';
import { EMPTY_TRAFFIC } from '../../../src/core/traffic/traffic.ts';
import {
  ConfigurationError,
  DeterministicStoreError,
  isTransient,
  TransientStoreError,
} from '../../../src/errors.ts';
import { stateMachineArn } from '../../builders/signals.ts';
import { incident } from './builders.ts';
import { errorReply, type FakeReply, fakeDocumentClient } from './fake-dynamodb.ts';

const TABLE = 'incidents';

const ERROR_OF_CLASS = {
  transient: TransientStoreError,
  configuration: ConfigurationError,
  deterministic: DeterministicStoreError,
} as const;

/** The error a store read surfaces when DynamoDB answers with `reply`. */
async function failureOf(reply: FakeReply): Promise<unknown> {
  const fake = fakeDocumentClient(() => reply);
  const store = new DynamoDbIncidentStore({ client: fake.documentClient, tableName: TABLE, clock: () => 0 });
  return store.loadScope(stateMachineArn()).then(
    () => undefined,
    (error: unknown) => error,
  );
}

const withStatus = (status: number, reply: FakeReply): FakeReply => ({ ...reply, status });
const noBody = (status: number): FakeReply => ({ status, body: {} });

describe('SDK failures on the wire, one row per error name or status', () => {
  const rows: readonly (readonly [string, FakeReply, FailureClass])[] = [
    // Throttling (the SDK's names and DynamoDB's).
    ['ThrottlingException', errorReply('ThrottlingException', 'Rate exceeded'), 'transient'],
    [
      'ProvisionedThroughputExceededException',
      errorReply('ProvisionedThroughputExceededException', 'Throughput exceeds the provisioned rate'),
      'transient',
    ],
    ['RequestLimitExceeded', errorReply('RequestLimitExceeded', 'Account limit exceeded'), 'transient'],
    ['TooManyRequestsException', errorReply('TooManyRequestsException', 'Too many'), 'transient'],
    [
      'TransactionInProgressException',
      errorReply('TransactionInProgressException', 'In progress'),
      'transient',
    ],
    ['LimitExceededException', errorReply('LimitExceededException', 'Too many operations'), 'transient'],
    ['SlowDown', errorReply('SlowDown', 'Slow down'), 'transient'],
    ['Throttling', errorReply('Throttling', 'Throttled'), 'transient'],
    // Timeouts, server faults, races.
    ['RequestTimeout', errorReply('RequestTimeout', 'Timed out'), 'transient'],
    ['RequestTimeoutException', errorReply('RequestTimeoutException', 'Timed out'), 'transient'],
    ['InternalServerError (as 400)', errorReply('InternalServerError', 'Internal error'), 'transient'],
    [
      'InternalServerError (as 500)',
      withStatus(500, errorReply('InternalServerError', 'Internal error')),
      'transient',
    ],
    ['ServiceUnavailable', errorReply('ServiceUnavailable', 'Unavailable'), 'transient'],
    ['InternalFailure', errorReply('InternalFailure', 'Failure'), 'transient'],
    ['TransactionConflictException', errorReply('TransactionConflictException', 'Ongoing'), 'transient'],
    // The `$retryable` trait of a modeled exception, whatever its name.
    [
      'ReplicatedWriteConflictException ($retryable)',
      errorReply('ReplicatedWriteConflictException', 'Replica conflict'),
      'transient',
    ],
    // Status codes without a name the SDK knows.
    ['HTTP 500', noBody(500), 'transient'],
    ['HTTP 502', noBody(502), 'transient'],
    ['HTTP 503', noBody(503), 'transient'],
    ['HTTP 504', noBody(504), 'transient'],
    ['HTTP 429', noBody(429), 'transient'],
    // Deployment faults.
    ['ResourceNotFoundException', errorReply('ResourceNotFoundException', 'Not found'), 'configuration'],
    ['AccessDeniedException', errorReply('AccessDeniedException', 'Not authorized'), 'configuration'],
    ['UnrecognizedClientException', errorReply('UnrecognizedClientException', 'Bad token'), 'configuration'],
    ['ExpiredTokenException', errorReply('ExpiredTokenException', 'Token expired'), 'configuration'],
    ['InvalidClientTokenId', errorReply('InvalidClientTokenId', 'Invalid id'), 'configuration'],
    ['InvalidSignatureException', errorReply('InvalidSignatureException', 'Bad signature'), 'configuration'],
    ['MissingAuthenticationToken', errorReply('MissingAuthenticationToken', 'No token'), 'configuration'],
    ['HTTP 401', noBody(401), 'configuration'],
    ['HTTP 403', noBody(403), 'configuration'],
    // Refused for what the request says.
    ['ValidationException', errorReply('ValidationException', 'Item size too large'), 'deterministic'],
    ['SerializationException', errorReply('SerializationException', 'Bad request body'), 'deterministic'],
    [
      'ItemCollectionSizeLimitExceededException',
      errorReply('ItemCollectionSizeLimitExceededException', 'Collection too large'),
      'deterministic',
    ],
    [
      'ConditionalCheckFailedException',
      errorReply('ConditionalCheckFailedException', 'Condition failed'),
      'deterministic',
    ],
    ['an unknown 400', errorReply('SomethingNewException', 'New'), 'deterministic'],
    ['HTTP 413', noBody(413), 'deterministic'],
  ];

  it.each(rows)('%s → %s', async (_label, reply, expected) => {
    const failure = await failureOf(reply);
    expect(failure).toBeInstanceOf(ERROR_OF_CLASS[expected]);
    expect(classifyStoreError(failure)).toBe(expected);
    // The pipeline's routing: transient and configuration are retried, deterministic is quarantined.
    expect(isTransient(failure)).toBe(expected !== 'deterministic');
    expect(failure).toMatchObject({ cause: expect.any(Error) });
  });

  it('says what to do about a missing table, and what was refused otherwise', async () => {
    const missing = await failureOf(errorReply('ResourceNotFoundException', 'Requested resource not found'));
    expect(String(missing)).toContain(
      'Table incidents does not exist: deploy first or start the local stack',
    );
    const denied = await failureOf(errorReply('AccessDeniedException', 'User x is not authorized'));
    expect(String(denied)).toContain('DynamoDB refused GetItem on table incidents (AccessDeniedException');
    expect(String(denied)).toContain('check the credentials, the region and the IAM policy');
    const invalid = await failureOf(errorReply('ValidationException', 'Item size has exceeded the limit'));
    expect(String(invalid)).toContain(
      'DynamoDB GetItem on table incidents failed: ValidationException: Item size has exceeded the limit',
    );
  });
});

describe('failures below the wire', () => {
  const network = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:8000`), { code });
  const named = (name: string, extra: Record<string, unknown> = {}) =>
    Object.assign(new Error(`${name} happened`), { name, ...extra });

  const rows: readonly (readonly [string, unknown, FailureClass])[] = [
    ...[
      'ECONNRESET',
      'ECONNREFUSED',
      'EPIPE',
      'ETIMEDOUT',
      'ENOTFOUND',
      'EAI_AGAIN',
      'EHOSTUNREACH',
      'ENETUNREACH',
    ].map((code) => [code, network(code), 'transient'] as const),
    [
      'AggregateError of refused connections',
      new AggregateError([network('ECONNREFUSED'), network('ECONNREFUSED')], 'all addresses refused'),
      'transient',
    ],
    ['a network error as cause', new Error('request failed', { cause: network('ECONNRESET') }), 'transient'],
    ['TimeoutError', named('TimeoutError'), 'transient'],
    ['AbortError', named('AbortError'), 'transient'],
    ['$retryable with throttling', named('SomeNewError', { $retryable: { throttling: true } }), 'transient'],
    [
      'clock skew corrected',
      named('InvalidSignatureException', { $metadata: { httpStatusCode: 400, clockSkewCorrected: true } }),
      'transient',
    ],
    ['CredentialsProviderError', named('CredentialsProviderError'), 'configuration'],
    [
      'a TypeError (e.g. marshalling)',
      new TypeError('Pass options.removeUndefinedValues=true'),
      'deterministic',
    ],
    ['not even an Error', 'weird', 'deterministic'],
  ];

  it.each(rows)('%s → %s', (_label, error, expected) => {
    const failure = storeFailure('Query', TABLE, error);
    expect(failure).toBeInstanceOf(ERROR_OF_CLASS[expected]);
    expect(isTransient(failure)).toBe(expected !== 'deterministic');
  });

  it('names an unreachable endpoint as such', () => {
    expect(storeFailure('Query', TABLE, network('ECONNREFUSED')).message).toMatch(
      /^Cannot reach DynamoDB for table incidents \(ECONNREFUSED: connect ECONNREFUSED/,
    );
  });

  it('passes our own errors through unchanged', () => {
    const own = [
      new TransientStoreError('throttled'),
      new DeterministicStoreError('refused'),
      new ConfigurationError('no table'),
    ];
    for (const error of own) expect(storeFailure('Query', TABLE, error)).toBe(error);
  });

  it('masks access keys and cuts long SDK messages', () => {
    const leaky = named('ValidationException', {
      message: `The key AKIAIOSFODNN7EXAMPLE is bad: ${'x'.repeat(5000)}`,
    });
    const failure = storeFailure('PutItem', TABLE, leaky);
    expect(failure).toBeInstanceOf(DeterministicStoreError);
    expect(failure.message).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(failure.message).toContain('[REDACTED]');
    expect(failure.message.length).toBeLessThan(500);
  });
});

describe('cancelled transactions, by their reasons', () => {
  const rows: readonly (readonly [readonly (string | undefined)[], CancellationOutcome])[] = [
    [['ConditionalCheckFailed', 'None', 'None'], 'conflict'],
    [['TransactionConflict', 'None'], 'conflict'],
    [['None', 'ConditionalCheckFailed'], 'conflict'],
    [['ConditionalCheckFailed', 'TransactionConflict'], 'conflict'],
    [['None', 'ThrottlingError'], 'transient'],
    [['ProvisionedThroughputExceeded', 'None'], 'transient'],
    [['ConditionalCheckFailed', 'ThrottlingError'], 'transient'],
    [['None', 'ValidationError'], 'deterministic'],
    [['ItemCollectionSizeLimitExceeded'], 'deterministic'],
    [['ThrottlingError', 'ValidationError'], 'deterministic'],
    [['ConditionalCheckFailed', 'ValidationError'], 'deterministic'],
    [['SomethingNew'], 'deterministic'],
    [['None', undefined], 'deterministic'],
    [[], 'deterministic'],
  ];

  it.each(rows)('%j → %s', (codes, expected) => {
    expect(cancellationOutcome(codes)).toBe(expected);
  });

  /** A commit whose transaction is cancelled with these reasons (STATE at version 1, nothing stored). */
  async function commitCancelled(codes: readonly string[]) {
    const fake = fakeDocumentClient((call) => {
      switch (call.operation) {
        case 'GetItem':
          return {
            body: {
              Item: {
                pk: { S: `SCOPE#${stateMachineArn()}` },
                sk: { S: 'STATE' },
                type: { S: 'SCOPE' },
                stateMachineArn: { S: stateMachineArn() },
                version: { N: '1' },
                recent: { L: [] },
                updatedAt: { S: '2026-03-02T11:00:00.000Z' },
              },
            },
          };
        case 'TransactWriteItems':
          return errorReply('TransactionCanceledException', 'Transaction cancelled', {
            CancellationReasons: codes.map((Code) => ({ Code })),
          });
        default:
          return { body: {} };
      }
    });
    const store = new DynamoDbIncidentStore({
      client: fake.documentClient,
      tableName: TABLE,
      clock: () => 0,
    });
    return store
      .commitScope(stateMachineArn(), 1, {
        incidents: [incident('inc-a')],
        superseded: [],
        traffic: EMPTY_TRAFFIC,
      })
      .then(
        (outcome) => ({ outcome, error: undefined }),
        (error: unknown) => ({ outcome: undefined, error }),
      );
  }

  it('turns them into a conflict outcome or a routed failure', async () => {
    expect(await commitCancelled(['ConditionalCheckFailed', 'None', 'None'])).toEqual({
      outcome: 'conflict',
      error: undefined,
    });
    const throttled = await commitCancelled(['None', 'ThrottlingError', 'None']);
    expect(throttled.error).toBeInstanceOf(TransientStoreError);
    expect(String(throttled.error)).toContain(
      'DynamoDB TransactWriteItems on table incidents failed: TransactionCanceledException [None, ThrottlingError, None]',
    );
    const refused = await commitCancelled(['None', 'ValidationError', 'None']);
    expect(refused.error).toBeInstanceOf(DeterministicStoreError);
    expect(isTransient(refused.error)).toBe(false);
    expect(refused.error).toMatchObject({ cause: { name: 'TransactionCanceledException' } });
  });
});
