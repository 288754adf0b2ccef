// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are Serverless variables, not template literals.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/errors.ts';
import { parseCloudFormationYaml } from '../../src/local/infra/cloudformation-yaml.ts';
import { loadInfraDefinitions } from '../../src/local/infra/load-infra.ts';
import { VariableResolver } from '../../src/local/infra/serverless-variables.ts';
import { seedEvent, temporaryDirectory } from './helpers.ts';

const scratch = temporaryDirectory('infra-unit');
afterAll(() => scratch.remove());

function writeProject(name: string, files: Record<string, string>): string {
  const root = path.join(scratch.path, name);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return root;
}

describe('the infra/ definitions of this repository', () => {
  const infra = loadInfraDefinitions();

  it('maps the table with its keys, both GSIs, the stream and TTL, named for the local stage', () => {
    const table = infra.table.createTable;
    expect(table.TableName).toBe('sfn-incident-correlator-local-incidents');
    expect(table.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.GlobalSecondaryIndexes?.map((index) => index.IndexName)).toEqual([
      'byStatus',
      'byStateMachine',
    ]);
    expect(table.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(infra.table.timeToLiveAttribute).toBe('expiresAt');
    expect(table).not.toHaveProperty('SSESpecification');
  });

  it('maps the on-demand stream without a shard count, and a provisioned one with its count', () => {
    expect(infra.stream).toEqual({
      logicalId: 'EventsStream',
      streamName: 'sfn-incident-correlator-local-events',
    });
    const provisioned = loadInfraDefinitions({ params: { streamMode: 'PROVISIONED', shardCount: '4' } });
    expect(provisioned.stream.shardCount).toBe(4);
  });

  it('lets explicit names win over serverless.yml', () => {
    const named = loadInfraDefinitions({ tableName: 'table-x', streamName: 'stream-x' });
    expect(named.table.createTable.TableName).toBe('table-x');
    expect(named.stream.streamName).toBe('stream-x');
  });

  it('reads the three rules with their partition key paths', () => {
    expect(
      infra.rules.map((rule) => [
        rule.logicalId,
        rule.enabled,
        rule.targets.map((t) => t.partitionKeyPath.text),
      ]),
    ).toEqual([
      ['ExecutionStatusRule', true, ['$.detail.stateMachineArn']],
      ['AlarmChangeRule', true, ['$.detail.alarmName']],
      ['StatesApiCallRule', true, ['$.id']],
    ]);
  });

  it('routes each seed event family to its rule only', () => {
    const matching = (event: unknown) =>
      infra.rules.filter((rule) => rule.pattern.matches(event)).map((rule) => rule.logicalId);
    expect(matching(seedEvent('stepfunctions-status--execution-failed'))).toEqual(['ExecutionStatusRule']);
    expect(matching(seedEvent('cloudwatch-alarm--state-change-for-a-single-metric-alarm'))).toEqual([
      'AlarmChangeRule',
    ]);
    expect(matching(seedEvent('cloudwatch-alarm--update-of-a-metric-alarm'))).toEqual(['AlarmChangeRule']);
    const apiCall = seedEvent('cloudtrail-states--startexecution');
    expect(matching(apiCall)).toEqual([]);
    const enveloped = {
      id: 'e-1',
      source: 'aws.states',
      'detail-type': 'AWS API Call via CloudTrail',
      detail: apiCall,
    };
    expect(matching(enveloped)).toEqual(['StatesApiCallRule']);
  });

  it("takes the functions' stream settings from serverless.yml", () => {
    expect(infra.streamMappings.kinesis).toMatchObject({
      functionName: 'consumer',
      batchSize: 500,
      maximumBatchingWindowMs: 5_000,
      bisectBatchOnFunctionError: true,
      maximumRetryAttempts: 10,
      startingPosition: 'TRIM_HORIZON',
    });
    expect(infra.streamMappings.dynamodb?.functionName).toBe('incidentStream');
    expect(infra.streamMappings.dynamodb?.filterPatterns).toHaveLength(1);
  });
});

describe('reading templates tolerantly', () => {
  const template = `
Conditions:
  Big: !Equals ['\${param:size, small}', big]
Resources:
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: \${self:custom.names.table}
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{ AttributeName: id, AttributeType: S }]
      KeySchema: [{ AttributeName: id, KeyType: HASH }]
      SSESpecification: { SSEEnabled: true, KMSMasterKeyId: !GetAtt Key.Arn }
      ContributorInsightsSpecification: { Enabled: true }
      Tags: [{ Key: owner, Value: !Sub '\${AWS::StackName}-owner' }]
  Stream:
    Type: AWS::Kinesis::Stream
    Properties:
      Name: \${self:custom.names.stream}
      ShardCount: !If [Big, 8, !Ref AWS::NoValue]
  Queue:
    Type: AWS::SQS::Queue
    Properties: { QueueName: q }
  Rule:
    Type: AWS::Events::Rule
    Properties:
      State: DISABLED
      EventPattern: '{"source": ["custom.app"]}'
      Targets:
        - { Id: stream, Arn: !GetAtt [Stream, Arn] }
        - { Id: queue, Arn: !GetAtt Queue.Arn }
`;

  it('ignores unknown properties, decides conditions and keeps only stream targets', () => {
    const root = writeProject('tolerant', { 'infra/all.yml': template });
    const infra = loadInfraDefinitions({ projectRoot: root, templateFiles: ['infra/all.yml'] });
    expect(infra.table.createTable.TableName).toBe('sfn-incident-correlator-local-incidents');
    expect(infra.table.timeToLiveAttribute).toBeUndefined();
    expect(infra.stream.shardCount).toBeUndefined();
    const [rule] = infra.rules;
    expect(rule?.enabled).toBe(false);
    expect(rule?.targets.map((target) => [target.id, target.partitionKeyPath.text])).toEqual([
      ['stream', '$.id'],
    ]);
    const big = loadInfraDefinitions({
      projectRoot: root,
      templateFiles: ['infra/all.yml'],
      params: { size: 'big' },
    });
    expect(big.stream.shardCount).toBe(8);
  });

  it('fails loudly, naming the file, when a table name cannot be resolved', () => {
    const root = writeProject('unresolved', {
      'infra/all.yml': template.replace('${self:custom.names.table}', '${ssm:/incidents/table}'),
    });
    expect(() => loadInfraDefinitions({ projectRoot: root, templateFiles: ['infra/all.yml'] })).toThrow(
      /all\.yml.*ssm:\/incidents\/table.*pass a table name/,
    );
  });

  it('fails loudly on a template that is not YAML', () => {
    const root = writeProject('broken', { 'infra/all.yml': 'Resources: [unclosed' });
    expect(() => loadInfraDefinitions({ projectRoot: root, templateFiles: ['infra/all.yml'] })).toThrow(
      ConfigurationError,
    );
  });

  it('turns short-form tags into their long JSON forms', () => {
    expect(
      parseCloudFormationYaml('a: !GetAtt Res.Arn\nb: !Ref X\nc: !Sub [x, {}]\nd: !Join { k: v }'),
    ).toEqual({
      a: { 'Fn::GetAtt': ['Res', 'Arn'] },
      b: { Ref: 'X' },
      c: { 'Fn::Sub': ['x', {}] },
      d: { 'Fn::Join': { k: 'v' } },
    });
  });
});

describe('serverless variables', () => {
  const resolver = new VariableResolver({
    stage: 'local',
    region: 'eu-west-1',
    accountId: '000000000000',
    params: { mode: 'PROVISIONED' },
    serverless: {
      service: 'svc',
      custom: { names: { table: '${self:service}-${sls:stage}-t' }, port: 8000 },
    },
  });

  it('resolves self references recursively, stages, regions and params', () => {
    expect(resolver.resolveString('${self:custom.names.table}')).toBe('svc-local-t');
    expect(resolver.resolveString('${opt:region}/${aws:accountId}/${self:custom.port}')).toBe(
      'eu-west-1/000000000000/8000',
    );
    expect(resolver.resolveString("${param:mode, 'ON_DEMAND'}")).toBe('PROVISIONED');
  });

  it('uses fallbacks: quoted, bare and other references', () => {
    expect(resolver.resolveString("${param:missing, 'a, b'}")).toBe('a, b');
    expect(resolver.resolveString('${param:missing, 48}')).toBe('48');
    expect(resolver.resolveString('${param:missing, self:service}')).toBe('svc');
  });

  it('leaves what it cannot resolve verbatim, CloudFormation substitutions included', () => {
    expect(resolver.resolveString('arn:${AWS::Partition}:x:${cf:other.Output}')).toBe(
      'arn:${AWS::Partition}:x:${cf:other.Output}',
    );
    expect(resolver.resolveDeep({ list: ['${sls:stage}', 3] })).toEqual({ list: ['local', 3] });
  });
});
