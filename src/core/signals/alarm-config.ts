/** "CloudWatch Alarm Configuration Change" → AlarmConfigSignal. */

import { FIELD_LIMITS, INPUT_LIMITS } from '../limits.ts';
import { toAlarmConfiguration, toAlarmState, toTags } from './alarm-configuration.ts';
import { identifyAlarm } from './alarm-home.ts';
import { definedOnly } from './defined.ts';
import { rejected, rejectedBySchema, signalResult } from './results.ts';
import { type AlarmConfigEvent, alarmConfigEventSchema } from './schemas/alarm.ts';
import { signalBase } from './signal-base.ts';
import { rawDetail, serializeBody } from './signal-id.ts';
import { Truncations } from './truncation.ts';
import type { AlarmConfigSignal, InputPosition, NormalizeResult } from './types.ts';

/**
 * A create or update takes effect at the new configuration's timestamp. A delete carries the
 * configuration as it last was (timestamped at its last update), so the deletion itself happened
 * at the envelope time.
 */
function eventTimeOf(event: AlarmConfigEvent): number {
  if (event.detail.operation === 'delete') return event.time;
  return event.detail.configuration.timestamp ?? event.time;
}

export function normalizeAlarmConfigEvent(value: unknown, position: InputPosition): NormalizeResult {
  const parsed = alarmConfigEventSchema.safeParse(value);
  if (!parsed.success) return rejectedBySchema(position, parsed.error);
  const event = parsed.data;
  const { detail } = event;
  const body = serializeBody(rawDetail(value), INPUT_LIMITS.maxEventBytes);
  if (!body.ok) return rejected(position, body.reason);
  const identity = identifyAlarm(event.resources, event.region, event.account, detail.alarmName);
  if (identity === undefined)
    return rejected([...position, 'detail', 'alarmName'], 'alarm name cannot form an ARN');

  const cut = new Truncations();
  const current = toAlarmConfiguration(detail.configuration, identity.home, cut, 'configuration');
  const previous = detail.previousConfiguration
    ? toAlarmConfiguration(detail.previousConfiguration, identity.home, cut, 'previousConfiguration')
    : undefined;
  const state = detail.state ? toAlarmState(detail.state, cut, 'state') : undefined;
  const alarmName = cut.text(detail.alarmName, FIELD_LIMITS.nameChars, 'alarmName');
  const tags = toTags(detail.alarmTags, cut);

  const signal: AlarmConfigSignal = {
    kind: 'alarm-config',
    ...signalBase(
      {
        sourceEventId: event.id,
        body: body.value,
        eventTimeMs: eventTimeOf(event),
        account: event.account,
        region: event.region,
        subjects: [identity.alarmArn, ...current.childAlarmArns, ...(previous?.childAlarmArns ?? [])],
      },
      cut,
    ),
    alarmArn: identity.alarmArn,
    alarmName,
    operation: detail.operation,
    configuration: current.configuration,
    tags,
    ...definedOnly({ state, previousConfiguration: previous?.configuration }),
  };
  return signalResult(position, signal);
}
