import type { Signal } from '../../src/core/signals/types.ts';
import {
  alarmState,
  apiCall,
  compositeConfiguration,
  execution,
  functionArn,
  metricAlarmConfiguration,
  minutes,
  stateMachineArn,
  userActor,
} from './signals.ts';

export const chargeCardAlarm = metricAlarmConfiguration('AWS/Lambda', { FunctionName: 'charge-card' });
export const executionsFailedAlarm = metricAlarmConfiguration('AWS/States', {
  StateMachineArn: stateMachineArn(),
});
export const healthComposite = compositeConfiguration(
  ['charge-card-errors', 'orders-executions-failed'],
  'maintenance-window',
);

/**
 * One outage of the `orders` state machine, as an on-call engineer would live it: alice deploys a
 * definition, charge-card starts failing, two runs fail, bob stops a stuck run, the alarms fire
 * (the composite one is suppressed by a maintenance window), then everything recovers.
 */
export function checkoutOutage(): Signal[] {
  return [
    apiCall('update-definition', minutes(-20), 'UpdateStateMachine', userActor('alice'), {
      stateMachine: 'orders',
      definitionResources: [functionArn('charge-card'), functionArn('reserve-stock')],
    }),
    alarmState('charge-card-alarm', minutes(-2), 'charge-card-errors', 'ALARM', 'OK', chargeCardAlarm),
    execution('run-1-failed', minutes(0), 'FAILED', {
      error: 'Lambda.Unknown',
      cause: 'charge-card timed out',
    }),
    execution('run-2-failed', minutes(1), 'FAILED', {
      error: 'Lambda.Unknown',
      cause: 'charge-card timed out',
    }),
    alarmState(
      'executions-failed-alarm',
      minutes(3),
      'orders-executions-failed',
      'ALARM',
      'OK',
      executionsFailedAlarm,
    ),
    apiCall('stop-run-3', minutes(4), 'StopExecution', userActor('bob'), {
      stateMachine: 'orders',
      execution: 'run-3',
    }),
    execution('run-3-aborted', minutes(4), 'ABORTED', { name: 'run-3' }),
    alarmState('composite-alarm', minutes(5), 'orders-health', 'ALARM', 'OK', healthComposite, {
      suppressedBy: 'Alarm',
    }),
    alarmState('charge-card-ok', minutes(10), 'charge-card-errors', 'OK', 'ALARM', chargeCardAlarm),
    alarmState(
      'executions-failed-ok',
      minutes(10),
      'orders-executions-failed',
      'OK',
      'ALARM',
      executionsFailedAlarm,
    ),
    alarmState('composite-ok', minutes(10), 'orders-health', 'OK', 'ALARM', healthComposite),
    execution('run-4-succeeded', minutes(12), 'SUCCEEDED'),
  ];
}

/** The outage plus a second state machine that fails, recovers and fails again within the reopen window. */
export function twoScopesWithFlap(): Signal[] {
  return [
    ...checkoutOutage(),
    execution('billing-1', minutes(30), 'FAILED', { machine: 'billing', error: 'States.Timeout' }),
    execution('billing-ok', minutes(33), 'SUCCEEDED', { machine: 'billing' }),
    execution('billing-2', minutes(80), 'TIMED_OUT', { machine: 'billing' }),
  ];
}
