import { z } from 'zod';
import { ConfigurationError } from '../../errors.ts';
import { hasUnresolvedVariable } from './serverless-variables.ts';
import type { TemplateResource } from './template.ts';

/**
 * Maps an `AWS::Kinesis::Stream` resource to what the emulator needs: a name, and the shard count
 * when the template provisions one. An on-demand stream has no count, so the caller supplies a
 * local one. Encryption, retention and tags are ignored.
 */

export interface StreamDefinition {
  readonly logicalId: string;
  readonly streamName: string;
  /** Only set for a provisioned stream whose count the template resolves to a number. */
  readonly shardCount?: number;
}

const streamProperties = z.object({
  Name: z.string(),
  ShardCount: z.union([z.number().int().positive(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
  StreamModeDetails: z.object({ StreamMode: z.string() }).optional(),
});

export function streamDefinitionFrom(resource: TemplateResource): StreamDefinition {
  const parsed = streamProperties.safeParse(resource.properties);
  if (!parsed.success) {
    throw new ConfigurationError(
      `${resource.file}: stream ${resource.logicalId} cannot be mapped for the local stack: ${z.prettifyError(parsed.error)}`,
    );
  }
  const { Name: streamName, ShardCount: shardCount, StreamModeDetails: mode } = parsed.data;
  if (hasUnresolvedVariable(streamName)) {
    throw new ConfigurationError(
      `${resource.file}: the stream name ${streamName} has a variable the local stack cannot resolve; pass a stream name`,
    );
  }
  const provisioned = mode === undefined || mode.StreamMode === 'PROVISIONED';
  return {
    logicalId: resource.logicalId,
    streamName,
    ...(provisioned && shardCount !== undefined ? { shardCount } : {}),
  };
}
