import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigurationError } from '../../errors.ts';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION, LOCAL_STAGE } from '../constants.ts';
import { parseCloudFormationYaml } from './cloudformation-yaml.ts';
import { type EventRuleDefinition, eventRuleFrom } from './rule-definitions.ts';
import { VariableResolver } from './serverless-variables.ts';
import { type StreamDefinition, streamDefinitionFrom } from './stream-definition.ts';
import { type StreamMappingSettings, streamMappingsFrom } from './stream-mappings.ts';
import { type TableDefinition, tableDefinitionFrom } from './table-definition.ts';
import { loadTemplateResources, type TemplateResource } from './template.ts';

/**
 * The local stack's view of infra/: the table, the events stream and the rules that feed it, read
 * from the same files `serverless deploy` uses, with names resolved from serverless.yml for the
 * local stage. Local mode therefore cannot drift from what is deployed.
 */

export interface InfraDefinitions {
  readonly table: TableDefinition;
  readonly stream: StreamDefinition;
  readonly rules: readonly EventRuleDefinition[];
  /** serverless.yml's event source mappings of the events stream and of the table's stream. */
  readonly streamMappings: {
    readonly kinesis?: StreamMappingSettings;
    readonly dynamodb?: StreamMappingSettings;
  };
}

export interface LoadInfraOptions {
  /** The project root (holding serverless.yml and infra/); found from this module when omitted. */
  readonly projectRoot?: string;
  /** Template files, relative to the project root. */
  readonly templateFiles?: readonly string[];
  readonly stage?: string;
  readonly region?: string;
  /** osls `--param` values. */
  readonly params?: Readonly<Record<string, string>>;
  /** Names that win over serverless.yml (e.g. a unique table per test). */
  readonly tableName?: string;
  readonly streamName?: string;
}

export const INFRA_TEMPLATE_FILES: readonly string[] = [
  'infra/resources/incidents-table.yml',
  'infra/resources/events-stream.yml',
  'infra/resources/event-rules.yml',
];

/** Used only when serverless.yml is missing or does not name them. */
const FALLBACK_NAMES = {
  'self:custom.names.table': 'sfn-incident-correlator-local-incidents',
  'self:custom.names.stream': 'sfn-incident-correlator-local-events',
  'self:custom.names.rulePrefix': 'sfn-incident-correlator-local',
};

export function findProjectRoot(start: string = path.dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, INFRA_TEMPLATE_FILES[0] ?? 'infra'))) return dir;
    if (path.dirname(dir) === dir) {
      throw new ConfigurationError(`No ${INFRA_TEMPLATE_FILES[0]} found above ${start}; pass projectRoot`);
    }
  }
}

function readServerlessConfig(projectRoot: string): unknown {
  const file = path.join(projectRoot, 'serverless.yml');
  if (!existsSync(file)) return undefined;
  try {
    return parseCloudFormationYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigurationError(`Cannot read ${file}`, { cause: error });
  }
}

function exactlyOne(resources: readonly TemplateResource[], type: string): TemplateResource {
  const [first, ...others] = resources.filter((resource) => resource.type === type);
  if (first === undefined) throw new ConfigurationError(`No ${type} resource in the infra templates`);
  if (others.length > 0) {
    const ids = [first, ...others].map((resource) => resource.logicalId).join(', ');
    throw new ConfigurationError(
      `The local stack emulates one ${type}, but the infra templates define ${ids}`,
    );
  }
  return first;
}

export function loadInfraDefinitions(options: LoadInfraOptions = {}): InfraDefinitions {
  const projectRoot = options.projectRoot ?? findProjectRoot();
  const overrides: Record<string, string> = {};
  if (options.tableName !== undefined) overrides['self:custom.names.table'] = options.tableName;
  if (options.streamName !== undefined) overrides['self:custom.names.stream'] = options.streamName;
  const serverless = readServerlessConfig(projectRoot);
  const variables = new VariableResolver({
    stage: options.stage ?? LOCAL_STAGE,
    region: options.region ?? LOCAL_REGION,
    accountId: LOCAL_ACCOUNT_ID,
    params: options.params ?? {},
    serverless,
    overrides,
    fallbacks: FALLBACK_NAMES,
  });
  const resources = (options.templateFiles ?? INFRA_TEMPLATE_FILES).flatMap((file) =>
    loadTemplateResources(path.join(projectRoot, file), variables),
  );
  const streamResource = exactlyOne(resources, 'AWS::Kinesis::Stream');
  const stream = streamDefinitionFrom(streamResource);
  const streamTargets = { logicalIds: new Set([streamResource.logicalId]), name: stream.streamName };
  const mappings = streamMappingsFrom(variables.resolveDeep(serverless));
  const kinesisMapping = mappings.find((mapping) => mapping.type === 'kinesis');
  const dynamodbMapping = mappings.find((mapping) => mapping.type === 'dynamodb');
  return {
    table: tableDefinitionFrom(exactlyOne(resources, 'AWS::DynamoDB::Table')),
    stream,
    rules: resources
      .filter((resource) => resource.type === 'AWS::Events::Rule')
      .map((resource) => eventRuleFrom(resource, streamTargets)),
    streamMappings: {
      ...(kinesisMapping === undefined ? {} : { kinesis: kinesisMapping }),
      ...(dynamodbMapping === undefined ? {} : { dynamodb: dynamodbMapping }),
    },
  };
}
