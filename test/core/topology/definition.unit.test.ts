import { describe, expect, it } from 'vitest';
import { homeOf } from '../../../src/core/arn.ts';
import { summarizeDefinition } from '../../../src/core/topology/definition.ts';

const HOME = homeOf('eu-west-1', '111122223333');
const fn = (name: string, account = '111122223333', region = 'eu-west-1'): string =>
  `arn:aws:lambda:${region}:${account}:function:${name}`;

const ORDER_WORKFLOW = {
  Comment: 'Order fulfilment',
  StartAt: 'Validate',
  States: {
    Validate: {
      Type: 'Task',
      Resource: 'arn:aws:lambda:eu-west-1:111122223333:function:validate-order:$LATEST',
      Next: 'Charge',
    },
    Charge: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: 'charge-card', 'Payload.$': '$' },
      Next: 'Fan out',
    },
    'Fan out': {
      Type: 'Parallel',
      Branches: [
        {
          StartAt: 'Reserve',
          States: {
            Reserve: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
              Parameters: {
                FunctionName: '444455556666:function:reserve-stock:prod',
                Payload: { 'token.$': '$$.Task.Token' },
              },
              End: true,
            },
          },
        },
        {
          StartAt: 'Approve',
          States: {
            Approve: {
              Type: 'Task',
              Resource: 'arn:aws:states:eu-west-1:111122223333:activity:manual-approval',
              End: true,
            },
          },
        },
      ],
      Next: 'Ship items',
    },
    'Ship items': {
      Type: 'Map',
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: 'Ship',
        States: {
          Ship: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Arguments: { FunctionName: 'arn:aws:lambda:eu-west-1:111122223333:function:ship-item:live' },
            End: true,
          },
        },
      },
      Next: 'Legacy map',
    },
    'Legacy map': {
      Type: 'Map',
      Iterator: {
        StartAt: 'Notify',
        States: {
          Notify: {
            Type: 'Task',
            Resource: 'arn:aws:states:::states:startExecution.sync:2',
            Parameters: { StateMachineArn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:notify:prod' },
            End: true,
          },
        },
      },
      Next: 'Dynamic',
    },
    Dynamic: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { 'FunctionName.$': '$.target' },
      Next: 'Done',
    },
    Done: { Type: 'Succeed' },
  },
};

describe('summarizeDefinition', () => {
  it('finds Lambda functions, activities and nested state machines across branches and iterators', () => {
    const text = JSON.stringify(ORDER_WORKFLOW);
    const { summary, resourcesTruncated } = summarizeDefinition(text, HOME);
    expect(summary.resources).toEqual([
      fn('charge-card'),
      fn('ship-item'),
      fn('validate-order'),
      fn('reserve-stock', '444455556666'),
      'arn:aws:states:eu-west-1:111122223333:activity:manual-approval',
      'arn:aws:states:eu-west-1:111122223333:stateMachine:notify',
    ]);
    expect(summary.bytes).toBe(Buffer.byteLength(text));
    expect(summary.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(resourcesTruncated).toBe(false);
  });

  it('builds ARNs in the home partition, and ignores JSONata expressions', () => {
    const definition = JSON.stringify({
      States: {
        A: { Type: 'Task', Resource: 'arn:aws-cn:states:::lambda:invoke', Arguments: { FunctionName: 'a' } },
        B: {
          Type: 'Task',
          Resource: 'arn:aws-cn:states:::lambda:invoke',
          Arguments: { FunctionName: '{% $f %}' },
        },
      },
    });
    const { summary } = summarizeDefinition(definition, homeOf('cn-north-1', '111122223333'));
    expect(summary.resources).toEqual(['arn:aws-cn:lambda:cn-north-1:111122223333:function:a']);
  });

  it('yields no resources for definitions that are not JSON, hidden, or oddly shaped', () => {
    for (const text of [
      'HIDDEN_DUE_TO_SECURITY_REASONS',
      '{"States": []}',
      '[1,2]',
      '{"States": {"A": 5}}',
      '',
    ]) {
      const { summary } = summarizeDefinition(text, HOME);
      expect(summary.resources).toEqual([]);
      expect(summary.bytes).toBe(Buffer.byteLength(text));
    }
  });

  it('keeps a bounded, sorted, unique list', () => {
    const states = Object.fromEntries(
      Array.from({ length: 250 }, (_, index) => [
        `S${index}`,
        { Type: 'Task', Resource: fn(`f${String(index % 240).padStart(3, '0')}`) },
      ]),
    );
    const { summary, resourcesTruncated } = summarizeDefinition(JSON.stringify({ States: states }), HOME);
    expect(summary.resources).toHaveLength(200);
    expect(summary.resources[0]).toBe(fn('f000'));
    expect(summary.resources[199]).toBe(fn('f199'));
    expect(resourcesTruncated).toBe(true);
  });
});
