import { describe, expect, it } from 'vitest';
import {
  activityArnOf,
  alarmArnFor,
  canonicalLambdaFunctionArn,
  executionArnOf,
  homeOf,
  parseAlarmArn,
  parseArn,
  partitionForRegion,
  resolveLambdaFunctionArn,
  stateMachineArnOf,
} from '../../src/core/arn.ts';

const SM = 'arn:aws:states:us-east-1:123456789012:stateMachine:orders';

describe('stateMachineArnOf', () => {
  it.each([
    ['a state machine', SM],
    ['a version', `${SM}:7`],
    ['an alias', `${SM}:live`],
    ['an execution', 'arn:aws:states:us-east-1:123456789012:execution:orders:run-1'],
    ['an express execution', 'arn:aws:states:us-east-1:123456789012:express:orders:run-1:4f2a'],
    ['a map run', 'arn:aws:states:us-east-1:123456789012:mapRun:orders/ShipItems:9c1b'],
    [
      'a distributed map child execution',
      'arn:aws:states:us-east-1:123456789012:execution:orders/ShipItems:9c1b',
    ],
  ])('reduces %s to the base state machine', (_, arn) => {
    expect(stateMachineArnOf(arn)).toBe(SM);
  });

  it('keeps other partitions', () => {
    expect(stateMachineArnOf('arn:aws-us-gov:states:us-gov-west-1:123456789012:execution:orders:r')).toBe(
      'arn:aws-us-gov:states:us-gov-west-1:123456789012:stateMachine:orders',
    );
    expect(stateMachineArnOf('arn:aws-cn:states:cn-north-1:123456789012:stateMachine:orders:1')).toBe(
      'arn:aws-cn:states:cn-north-1:123456789012:stateMachine:orders',
    );
  });

  it.each([
    'orders',
    '',
    'arn:aws:states:us-east-1:123456789012:activity:orders',
    'arn:aws:states:us-east-1:12345:stateMachine:orders',
    'arn:aws:states:us-east-1:123456789012:execution:orders',
    'arn:aws:states:us-east-1:123456789012:stateMachine:',
    'arn:aws:lambda:us-east-1:123456789012:function:orders',
    `arn:aws:states:us-east-1:123456789012:stateMachine:${'x'.repeat(3000)}`,
  ])('returns undefined for %j', (text) => {
    expect(stateMachineArnOf(text)).toBeUndefined();
  });
});

describe('other Step Functions ARNs', () => {
  it('recognizes executions and activities', () => {
    const execution = 'arn:aws:states:us-east-1:123456789012:execution:orders:run-1';
    expect(executionArnOf(execution)).toBe(execution);
    expect(executionArnOf(SM)).toBeUndefined();
    expect(activityArnOf('arn:aws:states:us-east-1:123456789012:activity:approve')).toBe(
      'arn:aws:states:us-east-1:123456789012:activity:approve',
    );
    expect(activityArnOf(execution)).toBeUndefined();
  });
});

describe('Lambda ARNs', () => {
  it('strips version and alias qualifiers', () => {
    const base = 'arn:aws:lambda:us-east-1:123456789012:function:charge';
    expect(canonicalLambdaFunctionArn(`${base}:live`)).toBe(base);
    expect(canonicalLambdaFunctionArn(`${base}:$LATEST`)).toBe(base);
    expect(canonicalLambdaFunctionArn(`${base}:12`)).toBe(base);
    expect(canonicalLambdaFunctionArn(base)).toBe(base);
    expect(canonicalLambdaFunctionArn('arn:aws:lambda:us-east-1:123456789012:layer:x:1')).toBeUndefined();
  });

  it('resolves names and partial ARNs against a home', () => {
    const home = homeOf('eu-central-1', '111122223333');
    expect(resolveLambdaFunctionArn('charge:live', home)).toBe(
      'arn:aws:lambda:eu-central-1:111122223333:function:charge',
    );
    expect(resolveLambdaFunctionArn('444455556666:function:charge:3', home)).toBe(
      'arn:aws:lambda:eu-central-1:444455556666:function:charge',
    );
    expect(resolveLambdaFunctionArn('not a name!', home)).toBeUndefined();
  });
});

describe('alarm ARNs', () => {
  it('builds and parses alarm ARNs, including names with spaces and colons', () => {
    const home = homeOf('us-gov-east-1', '123456789012');
    const arn = alarmArnFor(home, 'CPU: high load');
    expect(arn).toBe('arn:aws-us-gov:cloudwatch:us-gov-east-1:123456789012:alarm:CPU: high load');
    expect(parseAlarmArn(arn ?? '')?.alarmName).toBe('CPU: high load');
    expect(alarmArnFor(home, 'bad\nname')).toBeUndefined();
  });
});

describe('parseArn and partitions', () => {
  it('parses the parts and maps regions to partitions', () => {
    expect(parseArn('arn:aws:states:::lambda:invoke')).toEqual({
      partition: 'aws',
      service: 'states',
      region: '',
      account: '',
      resource: 'lambda:invoke',
    });
    expect(parseArn('arn:aws')).toBeUndefined();
    expect(partitionForRegion('cn-northwest-1')).toBe('aws-cn');
    expect(partitionForRegion('us-gov-west-1')).toBe('aws-us-gov');
    expect(partitionForRegion('ap-southeast-2')).toBe('aws');
  });
});
