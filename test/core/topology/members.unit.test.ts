import { describe, expect, it } from 'vitest';
import { Topology } from '../../../src/core/topology/graph.ts';
import { canBeMember, memberSubjectsOf } from '../../../src/core/topology/members.ts';
import {
  apiCall,
  execution,
  executionArn,
  functionArn,
  stateMachineArn,
  userActor,
} from '../../builders/signals.ts';

describe('which subjects a scope can have as members', () => {
  it('every subject but an execution: state machines, functions and alarms are, runs are not', () => {
    expect(canBeMember(stateMachineArn())).toBe(true);
    expect(canBeMember(functionArn('charge-card'))).toBe(true);
    expect(canBeMember('arn:aws:cloudwatch:us-east-1:111122223333:alarm:errors')).toBe(true);
    expect(canBeMember(executionArn('run-1'))).toBe(false);
    expect(canBeMember('arn:aws:states:us-east-1:111122223333:express:orders:run-2:f1e2')).toBe(false);
  });

  it('a failed run and a call on it are filed under their state machine only', () => {
    expect(memberSubjectsOf(execution('run-1', 0, 'FAILED'))).toEqual([stateMachineArn()]);
    const stop = apiCall('stop', 0, 'StopExecution', userActor('bob'), {
      stateMachine: 'orders',
      execution: 'run-1',
    });
    expect(stop.subjects).toContain(executionArn('run-1'));
    expect(memberSubjectsOf(stop)).toEqual([stateMachineArn()]);
  });

  it('given a configured link from an execution, when the topology is built, then it is not followed', () => {
    const topology = new Topology([
      { from: executionArn('run-1'), to: stateMachineArn(), source: 'static' },
      { from: functionArn('charge-card'), to: stateMachineArn(), source: 'static' },
    ]);
    expect(topology.subjectsOf(stateMachineArn())).toEqual(
      [functionArn('charge-card'), stateMachineArn()].sort(),
    );
    expect(topology.scopesOf([executionArn('run-1')])).toEqual([]);
  });
});
