import { z } from 'zod';
import type { BatchPolicy, PollingOptions } from '../../adapters/stream-polling/types.ts';

/**
 * The event source mappings serverless.yml declares (`functions.<name>.events[].stream`), as
 * defaults for the local ones: same batch size, window, bisect, retries, record age and filter
 * patterns, so local processing behaves like the deployed functions. Unreadable or absent
 * settings are simply not applied; local options override all of them.
 */

export type StreamMappingType = 'kinesis' | 'dynamodb';

export interface StreamMappingSettings extends BatchPolicy, Pick<PollingOptions, 'startingPosition'> {
  readonly functionName: string;
  readonly type: StreamMappingType;
  readonly filterPatterns?: readonly unknown[];
}

const numberLike = z.union([
  z.number(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);
const booleanLike = z.union([z.boolean(), z.enum(['true', 'false']).transform((text) => text === 'true')]);

const streamEvent = z.object({
  type: z.enum(['kinesis', 'dynamodb']),
  batchSize: numberLike.optional(),
  batchWindow: numberLike.optional(),
  bisectBatchOnFunctionError: booleanLike.optional(),
  maximumRetryAttempts: numberLike.optional(),
  maximumRecordAgeInSeconds: numberLike.optional(),
  startingPosition: z.enum(['TRIM_HORIZON', 'LATEST']).optional(),
  filterPatterns: z.array(z.unknown()).optional(),
});

const functionDefinition = z.object({
  timeout: numberLike.optional(),
  events: z.array(z.unknown()).optional(),
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Settings a mapping does not declare are left undefined, so the local defaults apply. */
export function streamMappingsFrom(serverless: unknown): StreamMappingSettings[] {
  if (!isRecord(serverless) || !isRecord(serverless.functions)) return [];
  const provider = functionDefinition.safeParse(serverless.provider);
  const defaultTimeout = provider.success ? provider.data.timeout : undefined;
  return Object.entries(serverless.functions).flatMap(([functionName, definition]) => {
    const parsedFunction = functionDefinition.safeParse(definition);
    if (!parsedFunction.success) return [];
    const timeoutSeconds = parsedFunction.data.timeout ?? defaultTimeout;
    return (parsedFunction.data.events ?? []).flatMap((event) => {
      const parsed = isRecord(event) ? streamEvent.safeParse(event.stream) : undefined;
      if (!parsed?.success) return [];
      const stream = parsed.data;
      const settings: StreamMappingSettings = {
        functionName,
        type: stream.type,
        batchSize: stream.batchSize,
        maximumBatchingWindowMs: stream.batchWindow === undefined ? undefined : stream.batchWindow * 1000,
        bisectBatchOnFunctionError: stream.bisectBatchOnFunctionError,
        maximumRetryAttempts: stream.maximumRetryAttempts,
        maximumRecordAgeMs:
          stream.maximumRecordAgeInSeconds === undefined || stream.maximumRecordAgeInSeconds < 0
            ? undefined
            : stream.maximumRecordAgeInSeconds * 1000,
        functionTimeoutMs: timeoutSeconds === undefined ? undefined : timeoutSeconds * 1000,
        startingPosition: stream.startingPosition,
        filterPatterns: stream.filterPatterns,
      };
      return [settings];
    });
  });
}
