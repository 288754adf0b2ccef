import { describe, expect, it } from 'vitest';
import { Topology } from '../../../src/core/topology/graph.ts';
import { canBeMember, memberSubjectsOf, subjectPartitionsOf } from '../../../src/core/topology/members.ts';
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

  it('a failed run and a call on it have their state machine as their only member', () => {
    expect(memberSubjectsOf(execution('run-1', 0, 'FAILED'))).toEqual([stateMachineArn()]);
    const stop = apiCall('stop', 0, 'StopExecution', userActor('bob'), {
      stateMachine: 'orders',
      execution: 'run-1',
    });
    expect(stop.subjects).toContain(executionArn('run-1'));
    expect(memberSubjectsOf(stop)).toEqual([stateMachineArn()]);
  });

  it("files no signal under a state machine's own partition: its scope partition holds them all", () => {
    const failed = execution('run-1', 0, 'FAILED');
    expect(subjectPartitionsOf(failed)).toEqual([]);
    // Every signal naming a state machine is assigned to that state machine's scope, and to no
    // other through it: a walk from a state machine ends at it.
    const topology = new Topology([
      { from: stateMachineArn('child'), to: stateMachineArn(), source: 'static' },
      { from: functionArn('charge-card'), to: stateMachineArn(), source: 'static' },
    ]);
    expect(topology.scopesOf(failed.subjects).map((scope) => scope.stateMachineArn)).toEqual([
      stateMachineArn(),
    ]);
    expect(topology.scopesOf([stateMachineArn('child')]).map((scope) => scope.stateMachineArn)).toEqual([
      stateMachineArn('child'),
    ]);
    // A function or an alarm can join a scope later: its own partition is what completes it.
    const named = { subjects: [stateMachineArn(), functionArn('charge-card'), executionArn('run-1')] };
    expect(subjectPartitionsOf(named)).toEqual([functionArn('charge-card')]);
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
