/**
 * Builders for raw events (JSON as the sources send them: EventBridge envelopes around Step
 * Functions status changes, CloudWatch alarm state and configuration changes, CloudTrail API
 * calls). Each takes the fields a caller cares about and fills the rest with realistic defaults (an
 * `orders` state machine in account 123456789012); `detail` / `envelope` overrides are merged last,
 * so any field can be replaced or removed (set it to undefined). The workload generators and the
 * tests build every event through these, so both speak exactly what the sources send.
 */

export type JsonObject = Record<string, unknown>;

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const STATE_MACHINE_NAME = 'orders';
export const STATE_MACHINE_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${STATE_MACHINE_NAME}`;
export const EXECUTION_NAME = 'run-1';
export const EXECUTION_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${STATE_MACHINE_NAME}:${EXECUTION_NAME}`;

const DEFAULT_TIME = '2024-05-01T12:00:00Z';
const DEFAULT_START_MS = Date.parse('2024-05-01T11:59:00.000Z');
const DEFAULT_STOP_MS = Date.parse('2024-05-01T12:00:00.000Z');

/** Drops keys whose value is undefined, so an override of `undefined` removes a field. */
function withoutUndefined(object: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}

export interface EnvelopeOptions {
  readonly id?: string;
  readonly time?: string;
  readonly account?: string;
  readonly region?: string;
  readonly resources?: readonly string[];
  /** Merged over the envelope last: replace or remove (undefined) any envelope field. */
  readonly envelope?: JsonObject;
}

export function eventBridgeEvent(
  source: string,
  detailType: string,
  detail: unknown,
  options: EnvelopeOptions = {},
): JsonObject {
  return withoutUndefined({
    version: '0',
    id: options.id ?? '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': detailType,
    source,
    account: options.account ?? ACCOUNT,
    time: options.time ?? DEFAULT_TIME,
    region: options.region ?? REGION,
    resources: options.resources ?? [],
    detail,
    ...options.envelope,
  });
}

export interface ExecutionEventOptions extends EnvelopeOptions {
  readonly status?: string;
  readonly executionArn?: string;
  readonly stateMachineArn?: string;
  readonly name?: string;
  readonly startDate?: number | null;
  readonly stopDate?: number | null;
  readonly input?: string | null;
  readonly output?: string | null;
  readonly error?: string;
  readonly cause?: string;
  readonly redriveCount?: number;
  /** Merged over `detail` last. */
  readonly detail?: JsonObject;
}

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

/** "Step Functions Execution Status Change"; stopDate defaults to set for terminal statuses. */
export function executionEvent(options: ExecutionEventOptions = {}): JsonObject {
  const status = options.status ?? 'FAILED';
  const executionArn = options.executionArn ?? EXECUTION_ARN;
  const detail = withoutUndefined({
    executionArn,
    stateMachineArn: options.stateMachineArn ?? STATE_MACHINE_ARN,
    name: options.name ?? executionArn.split(':').at(-1),
    status,
    startDate: options.startDate === undefined ? DEFAULT_START_MS : options.startDate,
    stopDate:
      options.stopDate === undefined ? (TERMINAL.has(status) ? DEFAULT_STOP_MS : null) : options.stopDate,
    input: options.input === undefined ? '{}' : options.input,
    output: options.output === undefined ? null : options.output,
    error: options.error,
    cause: options.cause,
    redriveCount: options.redriveCount,
    ...options.detail,
  });
  return eventBridgeEvent('aws.states', 'Step Functions Execution Status Change', detail, {
    resources: [executionArn],
    ...options,
  });
}

export interface AlarmStateOptions {
  readonly value?: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA' | string;
  readonly reason?: string;
  readonly reasonData?: string;
  readonly timestamp?: string;
  readonly actionsSuppressedBy?: string;
  readonly actionsSuppressedReason?: string;
}

export function alarmState(options: AlarmStateOptions = {}): JsonObject {
  return withoutUndefined({
    value: options.value ?? 'ALARM',
    reason:
      options.reason ?? 'Threshold Crossed: 1 out of the last 1 datapoints was greater than the threshold',
    reasonData: options.reasonData,
    timestamp: options.timestamp ?? '2024-05-01T12:00:00.123+0000',
    actionsSuppressedBy: options.actionsSuppressedBy,
    actionsSuppressedReason: options.actionsSuppressedReason,
  });
}

export interface MetricOptions {
  readonly id?: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly dimensions?: Record<string, string>;
  readonly stat?: string;
  readonly period?: number;
}

export function metric(options: MetricOptions = {}): JsonObject {
  return {
    id: options.id ?? 'm1',
    metricStat: {
      metric: {
        namespace: options.namespace ?? 'AWS/States',
        name: options.name ?? 'ExecutionsFailed',
        dimensions: options.dimensions ?? { StateMachineArn: STATE_MACHINE_ARN },
      },
      period: options.period ?? 60,
      stat: options.stat ?? 'Sum',
    },
    returnData: true,
  };
}

export function metricAlarmConfiguration(overrides: JsonObject = {}): JsonObject {
  return withoutUndefined({
    description: 'Executions of orders failed',
    metrics: [metric()],
    threshold: 1,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    evaluationPeriods: 1,
    treatMissingData: 'notBreaching',
    ...overrides,
  });
}

export function compositeAlarmConfiguration(alarmRule: string, overrides: JsonObject = {}): JsonObject {
  return withoutUndefined({ alarmRule, ...overrides });
}

export function alarmArn(alarmName: string, region = REGION, account = ACCOUNT): string {
  return `arn:aws:cloudwatch:${region}:${account}:alarm:${alarmName}`;
}

export interface AlarmStateEventOptions extends EnvelopeOptions {
  readonly alarmName?: string;
  readonly state?: JsonObject;
  readonly previousState?: JsonObject | null;
  readonly configuration?: JsonObject;
  readonly alarmTags?: Record<string, string>;
  readonly detail?: JsonObject;
}

/** "CloudWatch Alarm State Change": ALARM after OK on a metric alarm unless told otherwise. */
export function alarmStateEvent(options: AlarmStateEventOptions = {}): JsonObject {
  const alarmName = options.alarmName ?? 'orders-failures';
  const detail = withoutUndefined({
    alarmName,
    state: options.state ?? alarmState(),
    previousState:
      options.previousState === undefined
        ? alarmState({ value: 'OK', timestamp: '2024-05-01T11:00:00.000+0000' })
        : (options.previousState ?? undefined),
    configuration: options.configuration ?? metricAlarmConfiguration(),
    alarmTags: options.alarmTags,
    ...options.detail,
  });
  return eventBridgeEvent('aws.cloudwatch', 'CloudWatch Alarm State Change', detail, {
    resources: [alarmArn(alarmName, options.region, options.account)],
    ...options,
  });
}

export interface AlarmConfigEventOptions extends EnvelopeOptions {
  readonly alarmName?: string;
  readonly operation?: 'create' | 'update' | 'delete' | string;
  readonly state?: JsonObject;
  readonly configuration?: JsonObject;
  readonly previousConfiguration?: JsonObject;
  readonly detail?: JsonObject;
}

/** "CloudWatch Alarm Configuration Change". */
export function alarmConfigEvent(options: AlarmConfigEventOptions = {}): JsonObject {
  const alarmName = options.alarmName ?? 'orders-failures';
  const detail = withoutUndefined({
    alarmName,
    operation: options.operation ?? 'update',
    state: options.state ?? alarmState({ value: 'OK' }),
    configuration: options.configuration ?? {
      ...metricAlarmConfiguration(),
      alarmName,
      timestamp: '2024-05-01T12:00:00.500+0000',
    },
    previousConfiguration: options.previousConfiguration,
    ...options.detail,
  });
  return eventBridgeEvent('aws.cloudwatch', 'CloudWatch Alarm Configuration Change', detail, {
    resources: [alarmArn(alarmName, options.region, options.account)],
    ...options,
  });
}

export interface CloudTrailRecordOptions {
  readonly eventName?: string;
  readonly eventSource?: string;
  readonly eventTime?: string;
  readonly eventID?: string;
  readonly awsRegion?: string;
  readonly recipientAccountId?: string;
  readonly userIdentity?: JsonObject;
  readonly requestParameters?: JsonObject | null;
  readonly responseElements?: JsonObject | null;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  /** Merged over the record last. */
  readonly record?: JsonObject;
}

export const IAM_USER_IDENTITY: JsonObject = {
  type: 'IAMUser',
  principalId: 'AIDAJYDLDBVBI4EXAMPLE',
  arn: `arn:aws:iam::${ACCOUNT}:user/deployer`,
  accountId: ACCOUNT,
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  userName: 'deployer',
};

/** A raw CloudTrail record of a Step Functions call (UpdateStateMachine unless told otherwise). */
export function cloudTrailRecord(options: CloudTrailRecordOptions = {}): JsonObject {
  return withoutUndefined({
    eventVersion: '1.08',
    userIdentity: options.userIdentity ?? IAM_USER_IDENTITY,
    eventTime: options.eventTime ?? '2024-05-01T11:50:00Z',
    eventSource: options.eventSource ?? 'states.amazonaws.com',
    eventName: options.eventName ?? 'UpdateStateMachine',
    awsRegion: options.awsRegion ?? REGION,
    sourceIPAddress: '198.51.100.7',
    userAgent: 'aws-cli/2.15.0',
    errorCode: options.errorCode,
    errorMessage: options.errorMessage,
    requestParameters:
      options.requestParameters === undefined
        ? { stateMachineArn: STATE_MACHINE_ARN }
        : options.requestParameters,
    responseElements: options.responseElements === undefined ? null : options.responseElements,
    requestID: 'b1d2f0a4-5c6d-4e7f-8a9b-0c1d2e3f4a5b',
    eventID: options.eventID ?? 'f3c9a2de-7b61-4c2e-9d8a-1e2f3a4b5c6d',
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: options.recipientAccountId ?? ACCOUNT,
    ...options.record,
  });
}

/** EventBridge "AWS API Call via CloudTrail" wrapping a CloudTrail record. */
export function apiCallEvent(
  record: JsonObject = cloudTrailRecord(),
  options: EnvelopeOptions = {},
): JsonObject {
  return eventBridgeEvent('aws.states', 'AWS API Call via CloudTrail', record, options);
}

/** A CloudTrail log file as delivered to S3. */
export function cloudTrailLogFile(records: readonly JsonObject[]): JsonObject {
  return { Records: records };
}
