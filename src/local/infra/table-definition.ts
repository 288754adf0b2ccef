import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { ConfigurationError } from '../../errors.ts';
import { hasUnresolvedVariable } from './serverless-variables.ts';
import type { TemplateResource } from './template.ts';

/**
 * Maps an `AWS::DynamoDB::Table` resource to the SDK's CreateTable input. Only what shapes the
 * table's behaviour is kept (keys, indexes, billing, stream, TTL); SSE, PITR, tags, deletion
 * protection and anything added later are ignored, since the emulator neither needs nor checks them.
 */

export interface TableDefinition {
  readonly logicalId: string;
  readonly createTable: CreateTableCommandInput & { TableName: string };
  /** The TTL attribute, when TimeToLiveSpecification enables one. */
  readonly timeToLiveAttribute?: string;
}

const booleanLike = z.union([z.boolean(), z.enum(['true', 'false']).transform((text) => text === 'true')]);
const numberLike = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);
const keySchema = z.array(z.object({ AttributeName: z.string(), KeyType: z.enum(['HASH', 'RANGE']) })).min(1);
const projection = z.object({
  ProjectionType: z.enum(['ALL', 'KEYS_ONLY', 'INCLUDE']).optional(),
  NonKeyAttributes: z.array(z.string()).optional(),
});
const throughput = z.object({ ReadCapacityUnits: numberLike, WriteCapacityUnits: numberLike });

const tableProperties = z.object({
  TableName: z.string(),
  AttributeDefinitions: z.array(
    z.object({ AttributeName: z.string(), AttributeType: z.enum(['S', 'N', 'B']) }),
  ),
  KeySchema: keySchema,
  BillingMode: z.enum(['PAY_PER_REQUEST', 'PROVISIONED']).optional(),
  ProvisionedThroughput: throughput.optional(),
  GlobalSecondaryIndexes: z
    .array(
      z.object({
        IndexName: z.string(),
        KeySchema: keySchema,
        Projection: projection,
        ProvisionedThroughput: throughput.optional(),
      }),
    )
    .optional(),
  LocalSecondaryIndexes: z
    .array(z.object({ IndexName: z.string(), KeySchema: keySchema, Projection: projection }))
    .optional(),
  StreamSpecification: z
    .object({ StreamViewType: z.enum(['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES']) })
    .optional(),
  TimeToLiveSpecification: z.object({ AttributeName: z.string(), Enabled: booleanLike }).optional(),
});

export function tableDefinitionFrom(resource: TemplateResource): TableDefinition {
  const parsed = tableProperties.safeParse(resource.properties);
  if (!parsed.success) {
    throw new ConfigurationError(
      `${resource.file}: table ${resource.logicalId} cannot be mapped for the local stack: ${z.prettifyError(parsed.error)}`,
    );
  }
  const properties = parsed.data;
  if (hasUnresolvedVariable(properties.TableName)) {
    throw new ConfigurationError(
      `${resource.file}: the table name ${properties.TableName} has a variable the local stack cannot resolve; pass a table name`,
    );
  }
  const provisioned = properties.BillingMode === 'PROVISIONED';
  const createTable: TableDefinition['createTable'] = {
    TableName: properties.TableName,
    AttributeDefinitions: properties.AttributeDefinitions,
    KeySchema: properties.KeySchema,
    BillingMode: properties.BillingMode ?? 'PROVISIONED',
    ...(provisioned || properties.BillingMode === undefined
      ? { ProvisionedThroughput: properties.ProvisionedThroughput }
      : {}),
    ...(properties.GlobalSecondaryIndexes
      ? {
          GlobalSecondaryIndexes: properties.GlobalSecondaryIndexes.map((index) => ({
            IndexName: index.IndexName,
            KeySchema: index.KeySchema,
            Projection: index.Projection,
            ...(provisioned ? { ProvisionedThroughput: index.ProvisionedThroughput } : {}),
          })),
        }
      : {}),
    ...(properties.LocalSecondaryIndexes ? { LocalSecondaryIndexes: properties.LocalSecondaryIndexes } : {}),
    ...(properties.StreamSpecification
      ? {
          StreamSpecification: {
            StreamEnabled: true,
            StreamViewType: properties.StreamSpecification.StreamViewType,
          },
        }
      : {}),
  };
  const ttl = properties.TimeToLiveSpecification;
  return {
    logicalId: resource.logicalId,
    createTable,
    ...(ttl?.Enabled ? { timeToLiveAttribute: ttl.AttributeName } : {}),
  };
}
