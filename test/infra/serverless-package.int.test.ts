/**
 * `serverless package` of the real serverless.yml, offline and without AWS credentials, then checks
 * on the CloudFormation template it generates, a CloudFormation linter, and `serverless invoke
 * local` of the consumer on a sample Kinesis batch. Packaging runs once (beforeAll); everything
 * else reads its output. Needs the three handlers (handlers/*.ts) to exist: esbuild bundles them.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCEPTED_WARNINGS, lintTemplate, unexpectedWarnings } from '../../infra/scripts/lint-template.ts';
import { offlineEnv, type RunResult, repoRoot, runServerless } from './serverless.ts';
import { zipEntries } from './zip-entries.ts';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface CfnResource {
  readonly Type: string;
  readonly Properties: JsonObject;
  readonly Condition?: string;
}

interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
  readonly Conditions?: JsonObject;
  readonly Outputs?: JsonObject;
}

interface FoundStatement {
  readonly logicalId: string;
  readonly type: string;
  readonly statement: JsonObject;
}

const PACKAGE_TIMEOUT_MS = 150_000;
const INVOKE_TIMEOUT_MS = 90_000;
const FUNCTIONS = {
  consumer: {
    logicalId: 'ConsumerLambdaFunction',
    role: 'ConsumerRole',
    bundle: 'handlers/kinesis-consumer.js',
  },
  incidentStream: {
    logicalId: 'IncidentStreamLambdaFunction',
    role: 'IncidentStreamRole',
    bundle: 'handlers/incident-stream.js',
  },
  sweeper: { logicalId: 'SweeperLambdaFunction', role: 'SweeperRole', bundle: 'handlers/sweeper.js' },
} as const;
const SAMPLE_BATCH = join(repoRoot, 'test', 'fixtures', 'kinesis', 'sample-batch.json');

const getAtt = (logicalId: string, attribute: string): Json => ({ 'Fn::GetAtt': [logicalId, attribute] });
const ref = (logicalId: string): Json => ({ Ref: logicalId });

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray(value: Json | undefined): Json[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** Every policy statement anywhere in a resource's properties (roles, queue/topic/bucket/key policies). */
function policyStatements(template: CfnTemplate): FoundStatement[] {
  const found: FoundStatement[] = [];
  const visit = (logicalId: string, type: string, node: Json): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(logicalId, type, item);
      return;
    }
    if (!isObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'Statement') {
        for (const statement of asArray(value)) {
          if (isObject(statement) && 'Effect' in statement) found.push({ logicalId, type, statement });
        }
      } else {
        visit(logicalId, type, value);
      }
    }
  };
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    visit(logicalId, resource.Type, resource.Properties);
  }
  return found;
}

/** Every string inside a value, intrinsic functions included (an Fn::Sub template is a string too). */
function stringsIn(value: Json | undefined): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap((v) => stringsIn(v));
  if (isObject(value)) return Object.values(value).flatMap((v) => stringsIn(v));
  return [];
}

describe('serverless package (offline, no AWS credentials)', () => {
  const packageDir = mkdtempSync(join(tmpdir(), 'sfn-incident-correlator-package-'));
  // osls may write .serverless/ in the project even with --package; leave no new one behind.
  const serverlessDir = join(repoRoot, '.serverless');
  const hadServerlessDir = existsSync(serverlessDir);
  let run: RunResult;
  let template: CfnTemplate;

  const resource = (logicalId: string): CfnResource => {
    const found = template.Resources[logicalId];
    if (found === undefined) throw new Error(`no resource ${logicalId} in the template`);
    return found;
  };
  const resourcesOfType = (type: string): [string, CfnResource][] =>
    Object.entries(template.Resources).filter(([, r]) => r.Type === type);
  const eventSourceMappingOf = (functionLogicalId: string): CfnResource => {
    const mappings = resourcesOfType('AWS::Lambda::EventSourceMapping').filter(
      ([, r]) =>
        JSON.stringify(r.Properties.FunctionName) === JSON.stringify(getAtt(functionLogicalId, 'Arn')),
    );
    expect(mappings).toHaveLength(1);
    return (mappings[0] as [string, CfnResource])[1];
  };

  beforeAll(async () => {
    // Stale bundles left in the build folder by an earlier `invoke local` would end up in the zips.
    rmSync(join(repoRoot, '.esbuild'), { recursive: true, force: true });
    run = await runServerless(
      ['package', '--stage', 'dev', '--region', 'us-east-1', '--package', packageDir],
      { env: offlineEnv(), timeoutMs: PACKAGE_TIMEOUT_MS },
    );
    console.info(
      `serverless package: exit ${run.code} in ${(run.durationMs / 1000).toFixed(1)} s` +
        (run.withoutNetwork ? ' inside a network namespace with no network' : ' (network not isolated)'),
    );
    if (run.code !== 0) {
      throw new Error(
        `serverless package failed (exit ${run.code}, timed out: ${run.timedOut}):\n${run.stdout}\n${run.stderr}`,
      );
    }
    template = JSON.parse(
      readFileSync(join(packageDir, 'cloudformation-template-update-stack.json'), 'utf8'),
    );
  }, PACKAGE_TIMEOUT_MS + 30_000);

  afterAll(() => {
    rmSync(packageDir, { recursive: true, force: true });
    rmSync(join(repoRoot, '.esbuild'), { recursive: true, force: true });
    if (!hadServerlessDir) rmSync(serverlessDir, { recursive: true, force: true });
  });

  it('packages each function as an ES module bundle with its source map', () => {
    expect(readdirSync(packageDir).sort()).toEqual(
      expect.arrayContaining([
        'cloudformation-template-update-stack.json',
        'consumer.zip',
        'incidentStream.zip',
        'sweeper.zip',
      ]),
    );
    for (const [name, { bundle }] of Object.entries(FUNCTIONS)) {
      const entries = zipEntries(readFileSync(join(packageDir, `${name}.zip`)));
      const names = entries.map((e) => e.name).sort();
      expect(names, name).toEqual([bundle, `${bundle}.map`, 'handlers/package.json'].sort());
      // Without "type": "module" beside it, Lambda would load the ESM bundle as CommonJS.
      const marker = entries.find((e) => e.name === 'handlers/package.json');
      expect(JSON.parse(marker?.read().toString('utf8') ?? '{}')).toEqual({ type: 'module' });
      const code =
        entries
          .find((e) => e.name === bundle)
          ?.read()
          .toString('utf8') ?? '';
      expect(code, `${name} bundles the AWS SDK instead of importing it`).not.toMatch(
        /from\s*["']@aws-sdk\//,
      );
    }
  });

  it('configures the functions: runtime, handler, own role, plain-string environment', () => {
    for (const [name, { logicalId, role, bundle }] of Object.entries(FUNCTIONS)) {
      const fn = resource(logicalId).Properties;
      expect(fn.Runtime, name).toBe('nodejs22.x');
      expect(fn.Handler, name).toBe(`${bundle.replace(/\.js$/, '')}.handler`);
      expect(fn.Role, name).toEqual(getAtt(role, 'Arn'));
      const env = (fn.Environment as JsonObject).Variables as JsonObject;
      expect(env.INCIDENTS_TABLE, name).toBe('sfn-incident-correlator-dev-incidents');
      expect(env.LOG_LEVEL, name).toBe('info');
    }
    // The consumer's environment must stay resolvable offline (`serverless invoke local`).
    const consumerEnv = ((resource('ConsumerLambdaFunction').Properties.Environment as JsonObject)
      .Variables ?? {}) as JsonObject;
    for (const value of Object.values(consumerEnv)) expect(typeof value).toBe('string');
    const streamEnv = (resource('IncidentStreamLambdaFunction').Properties.Environment as JsonObject)
      .Variables as JsonObject;
    expect(streamEnv.INCIDENT_CHANGES_TOPIC_ARN).toEqual(ref('IncidentChangesTopic'));
    // The sweeper's resolutions reach subscribers through the table stream: it has no topic to publish to.
    const sweeperEnv = (resource('SweeperLambdaFunction').Properties.Environment as JsonObject)
      .Variables as JsonObject;
    expect(sweeperEnv.INCIDENT_CHANGES_TOPIC_ARN).toBeUndefined();
    // Every function has its own role, so osls generates no shared one.
    expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
  });

  it('routes the three event families into the stream with their partition keys', () => {
    const target = {
      Id: 'events-stream',
      Arn: getAtt('EventsStream', 'Arn'),
      RoleArn: getAtt('EventsToKinesisRole', 'Arn'),
      RetryPolicy: { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86400 },
      DeadLetterConfig: { Arn: getAtt('EventsDeadLetterQueue', 'Arn') },
    };
    const expected: Record<string, { pattern: Json; partitionKeyPath: string }> = {
      ExecutionStatusRule: {
        pattern: { source: ['aws.states'], 'detail-type': ['Step Functions Execution Status Change'] },
        partitionKeyPath: '$.detail.stateMachineArn',
      },
      AlarmChangeRule: {
        pattern: {
          source: ['aws.cloudwatch'],
          'detail-type': ['CloudWatch Alarm State Change', 'CloudWatch Alarm Configuration Change'],
        },
        partitionKeyPath: '$.detail.alarmName',
      },
      StatesApiCallRule: {
        pattern: {
          source: ['aws.states'],
          'detail-type': ['AWS API Call via CloudTrail'],
          detail: { eventSource: ['states.amazonaws.com'] },
        },
        partitionKeyPath: '$.id',
      },
    };
    for (const [logicalId, { pattern, partitionKeyPath }] of Object.entries(expected)) {
      const rule = resource(logicalId).Properties;
      expect(rule.State, logicalId).toBe('ENABLED');
      expect(rule.EventPattern, logicalId).toEqual(pattern);
      expect(rule.Targets, logicalId).toEqual([
        { ...target, KinesisParameters: { PartitionKeyPath: partitionKeyPath } },
      ]);
    }
  });

  it('lets only those rules assume the delivery role and write to the dead-letter queue', () => {
    const role = resource('EventsToKinesisRole').Properties;
    expect(role.AssumeRolePolicyDocument).toMatchObject({
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    });
    const statements = policyStatements(template).filter((s) => s.logicalId === 'EventsToKinesisRole');
    const actions = statements.flatMap((s) => asArray(s.statement.Action));
    expect(actions.sort()).toEqual([
      'kinesis:PutRecord',
      'kinesis:PutRecords',
      'kms:GenerateDataKey',
      'sts:AssumeRole',
    ]);
    expect(resource('EventsDeadLetterQueue').Properties.SqsManagedSseEnabled).toBe(true);
    expect(resource('EventsDeadLetterQueuePolicy').Properties.PolicyDocument).toMatchObject({
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'events.amazonaws.com' },
          Action: 'sqs:SendMessage',
          Resource: getAtt('EventsDeadLetterQueue', 'Arn'),
          Condition: {
            ArnEquals: {
              'aws:SourceArn': ['ExecutionStatusRule', 'AlarmChangeRule', 'StatesApiCallRule'].map((id) =>
                getAtt(id, 'Arn'),
              ),
            },
          },
        },
      ],
    });
  });

  it('encrypts the on-demand stream with the pipeline key and sets no shard count', () => {
    const stream = resource('EventsStream').Properties;
    expect(stream).toMatchObject({
      Name: 'sfn-incident-correlator-dev-events',
      StreamModeDetails: { StreamMode: 'ON_DEMAND' },
      StreamEncryption: { EncryptionType: 'KMS', KeyId: getAtt('PipelineKey', 'Arn') },
    });
    expect(Number(stream.RetentionPeriodHours)).toBe(48);
    expect(stream.ShardCount).toEqual({ 'Fn::If': ['EventsStreamIsProvisioned', '1', ref('AWS::NoValue')] });
    expect(template.Conditions?.EventsStreamIsProvisioned).toEqual({
      'Fn::Equals': ['ON_DEMAND', 'PROVISIONED'],
    });
    expect(resource('PipelineKey').Properties.EnableKeyRotation).toBe(true);
  });

  it('reads the stream in bisected batches with partial failures, bounded retries and an on-failure queue', () => {
    expect(eventSourceMappingOf('ConsumerLambdaFunction').Properties).toEqual({
      EventSourceArn: getAtt('EventsStream', 'Arn'),
      FunctionName: getAtt('ConsumerLambdaFunction', 'Arn'),
      Enabled: true,
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 500,
      MaximumBatchingWindowInSeconds: 5,
      ParallelizationFactor: 2,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 10,
      MaximumRecordAgeInSeconds: 86400,
      DestinationConfig: { OnFailure: { Destination: getAtt('ConsumerFailureQueue', 'Arn') } },
    });
  });

  it('keeps the incidents table encrypted, recoverable, expiring and streamed, with both indexes', () => {
    const table = resource('IncidentsTable').Properties;
    expect(table).toMatchObject({
      TableName: 'sfn-incident-correlator-dev-incidents',
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    const indexes = asArray(table.GlobalSecondaryIndexes).map((index) => (index as JsonObject).IndexName);
    expect(indexes.sort()).toEqual(['byStateMachine', 'byStatus']);
  });

  it('wakes the stream subscriber for incident headers only', () => {
    const mapping = eventSourceMappingOf('IncidentStreamLambdaFunction').Properties;
    expect(mapping).toMatchObject({
      EventSourceArn: getAtt('IncidentsTable', 'StreamArn'),
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      DestinationConfig: { OnFailure: { Destination: getAtt('IncidentStreamFailureQueue', 'Arn') } },
    });
    const filters = asArray((mapping.FilterCriteria as JsonObject).Filters) as JsonObject[];
    expect(filters.map((f) => JSON.parse(String(f.Pattern)))).toEqual([
      { dynamodb: { Keys: { pk: { S: [{ prefix: 'INC#' }] }, sk: { S: ['HEAD'] } } } },
    ]);
  });

  it('runs the sweeper every five minutes', () => {
    const schedules = resourcesOfType('AWS::Events::Rule').filter(
      ([, r]) => 'ScheduleExpression' in r.Properties,
    );
    expect(schedules).toHaveLength(1);
    const [, schedule] = schedules[0] as [string, CfnResource];
    expect(schedule.Properties).toMatchObject({
      ScheduleExpression: 'rate(5 minutes)',
      State: 'ENABLED',
      Targets: [{ Arn: getAtt('SweeperLambdaFunction', 'Arn') }],
    });
  });

  it('encrypts both topics with the pipeline key and every queue at rest', () => {
    for (const [logicalId, topic] of resourcesOfType('AWS::SNS::Topic')) {
      expect(topic.Properties.KmsMasterKeyId, logicalId).toEqual(getAtt('PipelineKey', 'Arn'));
    }
    expect(
      resourcesOfType('AWS::SNS::Topic')
        .map(([id]) => id)
        .sort(),
    ).toEqual(['IncidentChangesTopic', 'PipelineAlarmsTopic']);
    const queues = resourcesOfType('AWS::SQS::Queue');
    expect(queues.map(([id]) => id).sort()).toEqual([
      'ConsumerFailureQueue',
      'EventsDeadLetterQueue',
      'IncidentStreamFailureQueue',
    ]);
    for (const [logicalId, queue] of queues)
      expect(queue.Properties.SqsManagedSseEnabled, logicalId).toBe(true);
  });

  it('alarms on consumer iterator age and errors and on every dead-letter/on-failure queue', () => {
    const alarms = resourcesOfType('AWS::CloudWatch::Alarm').map(([, r]) => r.Properties);
    const alarmOn = (metric: string, dimension: Json): JsonObject | undefined =>
      alarms.find(
        (a) =>
          a.MetricName === metric &&
          JSON.stringify(asArray(a.Dimensions).map((d) => (d as JsonObject).Value)) ===
            JSON.stringify([dimension]),
      );
    expect(alarmOn('IteratorAge', ref('ConsumerLambdaFunction'))).toMatchObject({
      Namespace: 'AWS/Lambda',
      Statistic: 'Maximum',
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(alarmOn('Errors', ref('ConsumerLambdaFunction'))).toMatchObject({
      Namespace: 'AWS/Lambda',
      Statistic: 'Sum',
    });
    expect(alarmOn('Errors', ref('IncidentStreamLambdaFunction'))).toBeDefined();
    for (const queue of ['EventsDeadLetterQueue', 'ConsumerFailureQueue', 'IncidentStreamFailureQueue']) {
      expect(alarmOn('ApproximateNumberOfMessagesVisible', getAtt(queue, 'QueueName')), queue).toMatchObject({
        Namespace: 'AWS/SQS',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    }
    for (const alarm of alarms) {
      expect(alarm.AlarmActions, String(alarm.AlarmName)).toEqual([ref('PipelineAlarmsTopic')]);
    }
  });

  it('grants no wildcard action anywhere and a `*` resource only where AWS requires it', () => {
    const statements = policyStatements(template);
    expect(statements.length).toBeGreaterThan(10);
    for (const { logicalId, type, statement } of statements) {
      const where = `${logicalId} ${JSON.stringify(statement)}`;
      expect(statement.NotAction, where).toBeUndefined();
      expect(statement.NotResource, where).toBeUndefined();
      if (statement.Effect === 'Deny') {
        // Only osls's deployment bucket policy denies, and only requests made without TLS.
        expect(logicalId, where).toBe('ServerlessDeploymentBucketPolicy');
        expect(statement.Condition, where).toEqual({ Bool: { 'aws:SecureTransport': false } });
        continue;
      }
      expect(statement.Effect, where).toBe('Allow');
      for (const action of asArray(statement.Action)) {
        expect(typeof action, where).toBe('string');
        expect(String(action), where).not.toContain('*');
      }
      if (type === 'AWS::KMS::Key') {
        // In a key policy the resource is always `*`: it means the key the policy is attached to.
        expect(statement.Resource, where).toBe('*');
      } else {
        for (const arn of stringsIn(statement.Resource)) expect(arn, where).not.toContain('*');
      }
    }
  });

  it('passes the CloudFormation linters: no errors, no warnings but the accepted ones', () => {
    const reports = lintTemplate(join(packageDir, 'cloudformation-template-update-stack.json'));
    for (const report of reports) {
      console.info(
        `${report.linter} ${report.version}: ${report.errors.length} errors, ${report.warnings.length} warnings` +
          ` (accepted: ${Object.keys(ACCEPTED_WARNINGS).join(', ')})`,
      );
      expect(report.errors, report.linter).toEqual([]);
      expect(unexpectedWarnings(report), report.linter).toEqual([]);
    }
    // The npm linter is a dev dependency, so it always runs; AWS's runs where the machine has it.
    expect(reports.map((r) => r.linter)).toContain('npm-cfn-lint');
  });

  it(
    'invokes the consumer locally on a sample Kinesis batch with the store out of reach',
    async () => {
      const batch = JSON.parse(readFileSync(SAMPLE_BATCH, 'utf8')) as KinesisStreamEvent;
      const sequenceNumbers = batch.Records.map((r) => r.kinesis.sequenceNumber);
      const invoke = await runServerless(
        [
          'invoke',
          'local',
          '--function',
          'consumer',
          '--path',
          SAMPLE_BATCH,
          '--stage',
          'dev',
          '--region',
          'us-east-1',
        ],
        {
          timeoutMs: INVOKE_TIMEOUT_MS,
          // Dummy credentials and an endpoint nothing listens on: every AWS call fails at once,
          // and none leaves the machine.
          env: offlineEnv({
            AWS_ACCESS_KEY_ID: 'AKIAOFFLINETESTONLY00',
            AWS_SECRET_ACCESS_KEY: 'offline-test-only',
            AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
          }),
        },
      );
      console.info(
        `serverless invoke local: exit ${invoke.code} in ${(invoke.durationMs / 1000).toFixed(1)} s`,
      );
      expect(invoke.timedOut, invoke.stderr).toBe(false);
      expect(invoke.code, `${invoke.stdout}\n${invoke.stderr}`).toBe(0);
      // osls prints the handler's result as indented JSON, starting on a line of its own.
      const start = invoke.stdout.search(/^\{$/m);
      const end = invoke.stdout.indexOf('\n}', start);
      expect(start, invoke.stdout).toBeGreaterThanOrEqual(0);
      const response = JSON.parse(invoke.stdout.slice(start, end + 2)) as {
        batchItemFailures: { itemIdentifier: string }[];
      };
      // A store out of reach is transient: every record is reported so Lambda retries the batch.
      expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(sequenceNumbers);
    },
    INVOKE_TIMEOUT_MS + 30_000,
  );
});
