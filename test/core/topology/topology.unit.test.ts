import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, withConfig } from '../../../src/core/config.ts';
import { Topology } from '../../../src/core/topology/graph.ts';
import { linksFromSignal, staticLinks } from '../../../src/core/topology/links.ts';
import { chargeCardAlarm, healthComposite } from '../../builders/scenario.ts';
import {
  ACCOUNT,
  alarmArn,
  alarmConfig,
  alarmState,
  apiCall,
  functionArn,
  metricAlarmConfiguration,
  minutes,
  REGION,
  stateMachineArn,
  userActor,
} from '../../builders/signals.ts';

const ORDERS = stateMachineArn('orders');
const activityArn = `arn:aws:states:${REGION}:${ACCOUNT}:activity:approve`;

describe('links learned from signals', () => {
  it('links a definition’s functions and activities to the state machine, and nested machines as nested', () => {
    const update = apiCall('u', minutes(0), 'UpdateStateMachine', userActor('alice'), {
      stateMachine: 'orders',
      definitionResources: [functionArn('charge-card'), activityArn, stateMachineArn('child')],
    });
    expect(linksFromSignal(update, DEFAULT_CONFIG)).toEqual([
      { from: functionArn('charge-card'), to: ORDERS, source: 'definition' },
      { from: activityArn, to: ORDERS, source: 'definition' },
      { from: stateMachineArn('child'), to: ORDERS, source: 'nested' },
    ]);
  });

  it('learns nothing from a definition change that failed', () => {
    const denied = apiCall('d', minutes(0), 'UpdateStateMachine', userActor('eve'), {
      stateMachine: 'orders',
      errorCode: 'AccessDenied',
      definitionResources: [functionArn('charge-card')],
    });
    expect(linksFromSignal(denied, DEFAULT_CONFIG)).toEqual([]);
  });

  it('links alarms through AWS/States and AWS/Lambda dimensions', () => {
    const states = metricAlarmConfiguration('AWS/States', {
      StateMachineArn: ORDERS,
      ActivityArn: activityArn,
      LambdaFunctionArn: `${functionArn('charge-card')}:live`,
    });
    const linked = linksFromSignal(
      alarmState('s', minutes(0), 'states', 'ALARM', 'OK', states),
      DEFAULT_CONFIG,
    );
    expect(linked.map((l) => l.to)).toEqual([ORDERS, activityArn, functionArn('charge-card')]);
    const lambda = linksFromSignal(
      alarmState('l', minutes(0), 'errors', 'ALARM', 'OK', chargeCardAlarm),
      DEFAULT_CONFIG,
    );
    expect(lambda).toEqual([
      { from: alarmArn('errors'), to: functionArn('charge-card'), source: 'alarm-dimension' },
    ]);
  });

  it('links a composite alarm to its children and an alarm to the state machine named in its tags', () => {
    const composite = linksFromSignal(
      alarmState('c', minutes(0), 'health', 'ALARM', 'OK', healthComposite),
      DEFAULT_CONFIG,
    );
    expect(composite.map((l) => [l.to, l.source])).toEqual([
      [alarmArn('charge-card-errors'), 'composite-rule'],
      [alarmArn('orders-executions-failed'), 'composite-rule'],
    ]);
    const tagged = alarmState(
      't',
      minutes(0),
      'custom',
      'ALARM',
      'OK',
      metricAlarmConfiguration('Custom/App', {}),
      {
        tags: { StateMachineArn: ORDERS },
      },
    );
    expect(linksFromSignal(tagged, DEFAULT_CONFIG)).toEqual([
      { from: alarmArn('custom'), to: ORDERS, source: 'alarm-tag' },
    ]);
  });

  it('learns nothing from a deleted alarm', () => {
    expect(
      linksFromSignal(alarmConfig('x', minutes(0), 'errors', 'delete', chargeCardAlarm), DEFAULT_CONFIG),
    ).toEqual([]);
  });

  it('takes static links from configuration', () => {
    const config = withConfig({
      staticLinks: [{ resourceArn: functionArn('shared'), stateMachineArn: ORDERS }],
    });
    expect(staticLinks(config)).toEqual([{ from: functionArn('shared'), to: ORDERS, source: 'static' }]);
  });
});

describe('scoping through the topology', () => {
  const topology = new Topology([
    { from: functionArn('charge-card'), to: ORDERS, source: 'definition' },
    { from: functionArn('charge-card'), to: stateMachineArn('refunds'), source: 'definition' },
    { from: alarmArn('errors'), to: functionArn('charge-card'), source: 'alarm-dimension' },
    { from: alarmArn('health'), to: alarmArn('errors'), source: 'composite-rule' },
    { from: stateMachineArn('child'), to: ORDERS, source: 'nested' },
  ]);

  it('walks from an alarm through its function to every state machine using it, with the path', () => {
    expect(topology.scopesOf([alarmArn('health')])).toEqual([
      { stateMachineArn: ORDERS, via: [alarmArn('errors'), functionArn('charge-card')] },
      { stateMachineArn: stateMachineArn('refunds'), via: [alarmArn('errors'), functionArn('charge-card')] },
    ]);
  });

  it('keeps a nested child workflow its own scope', () => {
    expect(topology.scopesOf([stateMachineArn('child')])).toEqual([
      { stateMachineArn: stateMachineArn('child'), via: [] },
    ]);
  });

  it('finds nothing for an unlinked resource, so its signals stay context', () => {
    expect(topology.scopesOf([alarmArn('unrelated')])).toEqual([]);
  });

  it('lists everything that belongs to a state machine', () => {
    expect(topology.subjectsOf(ORDERS)).toEqual(
      [ORDERS, functionArn('charge-card'), alarmArn('errors'), alarmArn('health')].sort(),
    );
  });
});
