import { z } from 'zod';
import { type CompiledEventPattern, compileEventPattern } from '../../adapters/event-pattern.ts';
import { type CompiledJsonPath, compileJsonPath } from '../../adapters/json-path.ts';
import { ConfigurationError } from '../../errors.ts';
import type { TemplateResource } from './template.ts';

/**
 * Maps `AWS::Events::Rule` resources to what the local EventBridge applies: the compiled event
 * pattern and, per target that puts into the events stream, its partition key path. Targets of
 * other kinds (a queue, a Lambda) are not emulated and are left out.
 */

export interface RuleTarget {
  readonly id: string;
  /** Kinesis defaults to the event id when a target sets no PartitionKeyPath. */
  readonly partitionKeyPath: CompiledJsonPath;
  /** EventBridge sends the part of the event at this path instead of the whole event. */
  readonly inputPath?: CompiledJsonPath;
}

export interface EventRuleDefinition {
  readonly logicalId: string;
  readonly name: string;
  readonly enabled: boolean;
  readonly pattern: CompiledEventPattern;
  readonly targets: readonly RuleTarget[];
}

const DEFAULT_PARTITION_KEY_PATH = '$.id';

const ruleProperties = z.object({
  Name: z.string().optional(),
  State: z.string().optional(),
  EventPattern: z.union([z.record(z.string(), z.unknown()), z.string()]),
  Targets: z
    .array(
      z.object({
        Id: z.string(),
        Arn: z.unknown(),
        InputPath: z.string().optional(),
        KinesisParameters: z.object({ PartitionKeyPath: z.string() }).optional(),
      }),
    )
    .optional(),
});

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The logical id an `Fn::GetAtt` / `Ref` points at, if the ARN is one. */
function referencedLogicalId(arn: unknown): string | undefined {
  if (!isRecord(arn)) return undefined;
  const getAtt = arn['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return typeof arn.Ref === 'string' ? arn.Ref : undefined;
}

function isStreamTarget(arn: unknown, streamLogicalIds: ReadonlySet<string>, streamName: string): boolean {
  const logicalId = referencedLogicalId(arn);
  if (logicalId !== undefined) return streamLogicalIds.has(logicalId);
  return typeof arn === 'string' && arn.endsWith(`:stream/${streamName}`);
}

export function eventRuleFrom(
  resource: TemplateResource,
  stream: { readonly logicalIds: ReadonlySet<string>; readonly name: string },
): EventRuleDefinition {
  const parsed = ruleProperties.safeParse(resource.properties);
  const where = `${resource.file}: rule ${resource.logicalId}`;
  if (!parsed.success) {
    throw new ConfigurationError(`${where} cannot be read: ${z.prettifyError(parsed.error)}`);
  }
  const properties = parsed.data;
  try {
    return {
      logicalId: resource.logicalId,
      name: properties.Name ?? resource.logicalId,
      enabled: (properties.State ?? 'ENABLED') === 'ENABLED',
      pattern: compileEventPattern(properties.EventPattern),
      targets: (properties.Targets ?? [])
        .filter((target) => isStreamTarget(target.Arn, stream.logicalIds, stream.name))
        .map((target) => ({
          id: target.Id,
          partitionKeyPath: compileJsonPath(
            target.KinesisParameters?.PartitionKeyPath ?? DEFAULT_PARTITION_KEY_PATH,
          ),
          ...(target.InputPath === undefined ? {} : { inputPath: compileJsonPath(target.InputPath) }),
        })),
    };
  } catch (error) {
    throw new ConfigurationError(`${where}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}
