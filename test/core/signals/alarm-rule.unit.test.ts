import { describe, expect, it } from 'vitest';
import { childAlarmReferences } from '../../../src/core/signals/alarm-rule.ts';

describe('childAlarmReferences', () => {
  it('reads bare, quoted, escaped and ARN references once each, in order', () => {
    const rule =
      'ALARM(ServerCpuTooHigh) OR ALARM( "web \\"edge\\" 5xx" ) AND NOT OK(arn:aws:cloudwatch:us-east-1:123456789012:alarm:db) ' +
      'OR INSUFFICIENT_DATA(ServerCpuTooHigh) OR (TRUE AND FALSE)';
    expect(childAlarmReferences(rule)).toEqual([
      'ServerCpuTooHigh',
      'web "edge" 5xx',
      'arn:aws:cloudwatch:us-east-1:123456789012:alarm:db',
    ]);
  });

  it('finds nothing in rules without alarm functions or with look-alike words', () => {
    expect(childAlarmReferences('TRUE')).toEqual([]);
    expect(childAlarmReferences('MYALARM(x) OR ALARM()')).toEqual([]);
  });
});
