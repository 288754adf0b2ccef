import {
  alarmState,
  alarmStateEvent,
  apiCallEvent,
  cloudTrailRecord,
  executionEvent,
  type JsonObject,
  metric,
  metricAlarmConfiguration,
} from '../../src/workloads/events.ts';
import { PLANTED_SECRETS } from '../../src/workloads/planted-secrets.ts';
import { GENERATOR_ACCOUNT, GENERATOR_REGION } from '../../src/workloads/simulated-account.ts';

/**
 * Events that carry what must never be stored or logged (access keys, secret keys, tokens,
 * passwords, customer data in execution input and output), and events with fields far over their
 * caps. The state machine is one the generator also uses, so these join a realistic workload.
 */

export const ACCESS_KEY_PATTERN = /(?:AKIA|ASIA)[A-Z0-9]{12,}/;
export const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
export const SESSION_TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKENz8VgZXhhbXBsZQ';
/** A key that appears only in execution payloads: finding it anywhere means payload content leaked. */
export const PAYLOAD_MARKER = 'payloadOnlyMarker7f3a';

/** Every value whose presence in an item or a log line is a leak. */
export const FORBIDDEN_VALUES: readonly string[] = [
  ...Object.values(PLANTED_SECRETS),
  SECRET_ACCESS_KEY,
  SESSION_TOKEN,
  PAYLOAD_MARKER,
];

const MACHINE = 'checkout-0';
const stateMachineArn = `arn:aws:states:${GENERATOR_REGION}:${GENERATOR_ACCOUNT}:stateMachine:${MACHINE}`;
const executionArn = (name: string) =>
  `arn:aws:states:${GENERATOR_REGION}:${GENERATOR_ACCOUNT}:execution:${MACHINE}:${name}`;
const functionArn = (name: string) =>
  `arn:aws:lambda:${GENERATOR_REGION}:${GENERATOR_ACCOUNT}:function:${name}`;
const envelope = (id: string, time: string) => ({
  id,
  time,
  account: GENERATOR_ACCOUNT,
  region: GENERATOR_REGION,
});

const secretPayload = JSON.stringify({
  [PAYLOAD_MARKER]: true,
  customer: { email: PLANTED_SECRETS.customerEmail, card: PLANTED_SECRETS.cardNumber },
  credentials: {
    password: PLANTED_SECRETS.password,
    apiKey: PLANTED_SECRETS.apiKey,
    AccessKeyId: 'AKIAZZZZEXAMPLEKEY01',
    SecretAccessKey: SECRET_ACCESS_KEY,
    SessionToken: SESSION_TOKEN,
  },
});

const iamUser = {
  type: 'IAMUser',
  principalId: 'AIDAEXAMPLESECURITY1',
  arn: `arn:aws:iam::${GENERATOR_ACCOUNT}:user/mallory`,
  accountId: GENERATOR_ACCOUNT,
  accessKeyId: 'AKIAEXAMPLESECURITY1',
  userName: 'mallory',
};

const assumedRole = {
  type: 'AssumedRole',
  principalId: 'AROAEXAMPLESECURITY2:session',
  arn: `arn:aws:sts::${GENERATOR_ACCOUNT}:assumed-role/ops/session`,
  accountId: GENERATOR_ACCOUNT,
  accessKeyId: 'ASIAEXAMPLESECURITY2',
  sessionContext: {
    sessionIssuer: {
      type: 'Role',
      arn: `arn:aws:iam::${GENERATOR_ACCOUNT}:role/ops`,
      accountId: GENERATOR_ACCOUNT,
    },
    attributes: { creationDate: '2026-03-02T00:00:00Z', mfaAuthenticated: 'true' },
  },
};

/** A definition with a secret hard-coded in a Pass state, as people do: only its resources may be kept. */
const definitionWithSecret = JSON.stringify({
  StartAt: 'Configure',
  States: {
    Configure: {
      Type: 'Pass',
      Result: { apiKey: PLANTED_SECRETS.apiKey, awsSecret: SECRET_ACCESS_KEY, token: SESSION_TOKEN },
      Next: 'Charge',
    },
    Charge: { Type: 'Task', Resource: functionArn(`${MACHINE}-charge`), End: true },
  },
});

export function eventsWithSecrets(): JsonObject[] {
  return [
    executionEvent({
      ...envelope('5ec0e7e5-0000-4000-a000-000000000001', '2026-03-02T01:00:05Z'),
      executionArn: executionArn('leaky-run'),
      stateMachineArn,
      status: 'FAILED',
      startDate: Date.parse('2026-03-02T01:00:00Z'),
      stopDate: Date.parse('2026-03-02T01:00:05Z'),
      input: secretPayload,
      output: secretPayload,
      error: 'States.TaskFailed',
      cause: 'downstream returned 500',
      detail: { inputDetails: { included: true }, outputDetails: { included: true } },
    }),
    apiCallEvent(
      cloudTrailRecord({
        eventName: 'StartExecution',
        eventTime: '2026-03-02T00:59:59Z',
        eventID: '5ec0e7e5-0000-4000-a000-000000000002',
        recipientAccountId: GENERATOR_ACCOUNT,
        userIdentity: iamUser,
        requestParameters: { stateMachineArn, name: 'leaky-run', input: secretPayload },
        responseElements: { executionArn: executionArn('leaky-run'), startDate: 'Mar 2, 2026 1:00:00 AM' },
        record: { additionalEventData: { SessionToken: SESSION_TOKEN } },
      }),
      envelope('5ec0e7e5-0000-4000-a000-000000000003', '2026-03-02T00:59:59Z'),
    ),
    apiCallEvent(
      cloudTrailRecord({
        eventName: 'UpdateStateMachine',
        eventTime: '2026-03-02T00:50:00Z',
        eventID: '5ec0e7e5-0000-4000-a000-000000000004',
        recipientAccountId: GENERATOR_ACCOUNT,
        userIdentity: assumedRole,
        requestParameters: { stateMachineArn, definition: definitionWithSecret },
      }),
      envelope('5ec0e7e5-0000-4000-a000-000000000005', '2026-03-02T00:50:00Z'),
    ),
    // A raw CloudTrail record, as in a log file forwarded without the EventBridge envelope.
    cloudTrailRecord({
      eventName: 'StopExecution',
      eventTime: '2026-03-02T01:00:03Z',
      eventID: '5ec0e7e5-0000-4000-a000-000000000006',
      recipientAccountId: GENERATOR_ACCOUNT,
      userIdentity: assumedRole,
      requestParameters: { executionArn: executionArn('leaky-run'), cause: 'stopped' },
    }),
  ];
}

const long = (unit: string, length: number) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

/** Fields far over their caps: they must be cut to the cap and named in the signal's `truncated`. */
export function oversizeEvents(): {
  readonly execution: JsonObject;
  readonly alarm: JsonObject;
  readonly definition: JsonObject;
} {
  const name = long('very-long-run-name-', 400);
  return {
    execution: executionEvent({
      ...envelope('0versize-0000-4000-a000-000000000001', '2026-03-02T01:10:00Z'),
      executionArn: executionArn(name),
      stateMachineArn,
      name,
      status: 'FAILED',
      startDate: Date.parse('2026-03-02T01:09:00Z'),
      stopDate: Date.parse('2026-03-02T01:10:00Z'),
      error: long('E', 1_000),
      cause: long('stack frame at handler.js:42\n', 100_000),
    }),
    alarm: alarmStateEvent({
      ...envelope('0versize-0000-4000-a000-000000000002', '2026-03-02T01:10:30Z'),
      alarmName: `${MACHINE}-executions-failed`,
      state: alarmState({
        value: 'ALARM',
        reason: long('Threshold Crossed. ', 5_000),
        timestamp: '2026-03-02T01:10:30.000+0000',
      }),
      configuration: metricAlarmConfiguration({
        description: long('Describes the alarm. ', 3_000),
        metrics: [metric({ dimensions: { StateMachineArn: stateMachineArn } })],
      }),
      alarmTags: Object.fromEntries(
        Array.from({ length: 60 }, (_, index) => [`tag-${index}`, long('v', 2_000)]),
      ),
    }),
    definition: apiCallEvent(
      cloudTrailRecord({
        eventName: 'UpdateStateMachine',
        eventTime: '2026-03-02T01:05:00Z',
        eventID: '0versize-0000-4000-a000-000000000003',
        recipientAccountId: GENERATOR_ACCOUNT,
        userIdentity: iamUser,
        requestParameters: {
          stateMachineArn,
          definition: JSON.stringify({
            StartAt: 'F0',
            States: Object.fromEntries(
              Array.from({ length: 300 }, (_, index) => [
                `F${index}`,
                {
                  Type: 'Task',
                  Resource: functionArn(`fn-${index}`),
                  ...(index < 299 ? { Next: `F${index + 1}` } : { End: true }),
                },
              ]),
            ),
          }),
        },
      }),
      envelope('0versize-0000-4000-a000-000000000004', '2026-03-02T01:05:00Z'),
    ),
  };
}
