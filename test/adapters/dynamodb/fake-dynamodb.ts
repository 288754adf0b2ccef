import { Readable } from 'node:stream';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import { z } from 'zod';

/**
 * A DynamoDB that answers from a script, at the HTTP boundary: the real SDK serializes requests,
 * marshals items and parses errors (e.g. TransactionCanceledException with its reasons), so unit
 * tests exercise the same code paths as production up to the wire.
 */

export interface FakeCall {
  /** The API operation, e.g. `BatchWriteItem`. */
  readonly operation: string;
  /** The request body as sent: items in DynamoDB JSON. */
  readonly input: Record<string, unknown>;
}

export interface FakeReply {
  readonly status?: number;
  readonly body: Record<string, unknown>;
}

const inputSchema = z.record(z.string(), z.unknown());
type HttpRequest = Parameters<NodeHttpHandler['handle']>[0];

export function fakeDocumentClient(reply: (call: FakeCall, callsSoFar: readonly FakeCall[]) => FakeReply) {
  const calls: FakeCall[] = [];
  const client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: 'http://dynamodb.fake',
    credentials: { accessKeyId: 'fake', secretAccessKey: 'fake' },
    // Retries are the store's business here, not the SDK's.
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: HttpRequest) => {
        const target = String(request.headers['x-amz-target'] ?? '');
        const call = {
          operation: target.slice(target.indexOf('.') + 1),
          input: inputSchema.parse(JSON.parse(bodyText(request.body))),
        };
        calls.push(call);
        const { status = 200, body } = reply(call, calls);
        return {
          response: {
            statusCode: status,
            headers: { 'content-type': 'application/x-amz-json-1.0' },
            body: Readable.from([Buffer.from(JSON.stringify(body))]),
          },
        };
      },
    },
  });
  return { documentClient: DynamoDBDocumentClient.from(client), calls, client };
}

/** An error reply in DynamoDB's wire format. */
export function errorReply(type: string, message: string, extra: Record<string, unknown> = {}): FakeReply {
  return { status: 400, body: { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message, ...extra } };
}

function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  throw new Error('the fake expects a buffered JSON request body');
}
