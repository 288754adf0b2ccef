import { alarmArnFor, homeOf, parseAlarmArn, type ResourceHome } from '../arn.ts';

export interface AlarmIdentity {
  readonly alarmArn: string;
  readonly home: ResourceHome;
}

/**
 * The alarm's ARN is `resources[0]` when that is an alarm ARN, else it is built from the event's
 * region, account and the alarm name. Undefined only when the name cannot form an ARN.
 */
export function identifyAlarm(
  resources: readonly string[] | null | undefined,
  region: string,
  account: string,
  alarmName: string,
): AlarmIdentity | undefined {
  const home = homeOf(region, account);
  const [first] = resources ?? [];
  const fromResources = first === undefined ? undefined : parseAlarmArn(first)?.alarmArn;
  const alarmArn = fromResources ?? alarmArnFor(home, alarmName);
  return alarmArn === undefined ? undefined : { alarmArn, home };
}
