/** "CloudWatch Alarm State Change" → AlarmStateSignal. */

import { FIELD_LIMITS, INPUT_LIMITS } from '../limits.ts';
import { toAlarmConfiguration, toAlarmState, toTags, triggeringAlarmArns } from './alarm-configuration.ts';
import { identifyAlarm } from './alarm-home.ts';
import { definedOnly } from './defined.ts';
import { rejected, rejectedBySchema, signalResult } from './results.ts';
import { alarmStateEventSchema } from './schemas/alarm.ts';
import { signalBase } from './signal-base.ts';
import { rawDetail, serializeBody } from './signal-id.ts';
import { Truncations } from './truncation.ts';
import type { AlarmStateSignal, InputPosition, NormalizeResult } from './types.ts';

export function normalizeAlarmStateEvent(value: unknown, position: InputPosition): NormalizeResult {
  const parsed = alarmStateEventSchema.safeParse(value);
  if (!parsed.success) return rejectedBySchema(position, parsed.error);
  const event = parsed.data;
  const { detail } = event;
  const body = serializeBody(rawDetail(value), INPUT_LIMITS.maxEventBytes);
  if (!body.ok) return rejected(position, body.reason);
  const identity = identifyAlarm(event.resources, event.region, event.account, detail.alarmName);
  if (identity === undefined)
    return rejected([...position, 'detail', 'alarmName'], 'alarm name cannot form an ARN');

  const cut = new Truncations();
  const { configuration, childAlarmArns } = toAlarmConfiguration(
    detail.configuration ?? {},
    identity.home,
    cut,
    'configuration',
  );
  const state = toAlarmState(detail.state, cut, 'state');
  const previousState = detail.previousState
    ? toAlarmState(detail.previousState, cut, 'previousState')
    : undefined;
  const triggeringAlarms = triggeringAlarmArns(detail.state.reasonData, cut);
  const alarmName = cut.text(detail.alarmName, FIELD_LIMITS.nameChars, 'alarmName');
  const tags = toTags(detail.alarmTags, cut);

  const signal: AlarmStateSignal = {
    kind: 'alarm-state',
    ...signalBase(
      {
        sourceEventId: event.id,
        body: body.value,
        eventTimeMs: detail.state.timestamp,
        account: event.account,
        region: event.region,
        subjects: [identity.alarmArn, ...childAlarmArns, ...triggeringAlarms],
      },
      cut,
    ),
    alarmArn: identity.alarmArn,
    alarmName,
    state,
    triggeringAlarms,
    configuration,
    tags,
    ...definedOnly({ previousState }),
  };
  return signalResult(position, signal);
}
