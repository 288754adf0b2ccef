/** Mapping shared by both alarm families: states, configurations, tags, child and triggering alarms. */

import { z } from 'zod';
import { alarmArnFor, parseAlarmArn, type ResourceHome } from '../arn.ts';
import { parseJson } from '../input/json.ts';
import { FIELD_LIMITS, INPUT_LIMITS } from '../limits.ts';
import { childAlarmReferences } from './alarm-rule.ts';
import { definedOnly } from './defined.ts';
import type { RawAlarmConfiguration, RawAlarmState } from './schemas/alarm.ts';
import { toIso } from './time.ts';
import type { Truncations } from './truncation.ts';
import type { AlarmConfiguration, AlarmMetric, AlarmState } from './types.ts';

export function toAlarmState(raw: RawAlarmState, cut: Truncations, path: string): AlarmState {
  return {
    value: raw.value,
    timestamp: toIso(raw.timestamp),
    ...definedOnly({
      reason: cut.optionalText(raw.reason, FIELD_LIMITS.reasonChars, `${path}.reason`),
      actionsSuppressedBy: cut.optionalText(
        raw.actionsSuppressedBy,
        FIELD_LIMITS.tokenChars,
        `${path}.actionsSuppressedBy`,
      ),
      actionsSuppressedReason: cut.optionalText(
        raw.actionsSuppressedReason,
        FIELD_LIMITS.reasonChars,
        `${path}.actionsSuppressedReason`,
      ),
      evaluationState: cut.optionalText(
        raw.evaluationState,
        FIELD_LIMITS.tokenChars,
        `${path}.evaluationState`,
      ),
    }),
  };
}

export interface MappedConfiguration {
  readonly configuration: AlarmConfiguration;
  /** ARNs of the alarms a composite rule names: subjects of the signal. */
  readonly childAlarmArns: readonly string[];
}

type RawMetric = NonNullable<RawAlarmConfiguration['metrics']>[number];

function toMetric(raw: RawMetric, cut: Truncations, path: string): AlarmMetric {
  const stat = raw.metricStat;
  const metric = stat?.metric;
  return {
    id: cut.text(raw.id, FIELD_LIMITS.nameChars, `${path}.id`),
    dimensions: cut.record(
      metric?.dimensions ?? {},
      FIELD_LIMITS.dimensions,
      FIELD_LIMITS.nameChars,
      FIELD_LIMITS.dimensionValueChars,
      `${path}.dimensions`,
    ),
    ...definedOnly({
      namespace: cut.optionalText(metric?.namespace, FIELD_LIMITS.nameChars, `${path}.namespace`),
      metricName: cut.optionalText(metric?.name, FIELD_LIMITS.nameChars, `${path}.metricName`),
      stat: cut.optionalText(stat?.stat, FIELD_LIMITS.tokenChars, `${path}.stat`),
      period: stat?.period ?? raw.period,
      expression: cut.optionalText(raw.expression, FIELD_LIMITS.textChars, `${path}.expression`),
      label: cut.optionalText(raw.label, FIELD_LIMITS.nameChars, `${path}.label`),
      returnData: raw.returnData,
    }),
  };
}

interface ChildAlarm {
  readonly name: string;
  readonly arn: string | undefined;
}

function resolveChild(reference: string, home: ResourceHome): ChildAlarm {
  const parsed = parseAlarmArn(reference);
  if (parsed !== undefined) return { name: parsed.alarmName, arn: parsed.alarmArn };
  return { name: reference, arn: alarmArnFor(home, reference) };
}

export function toAlarmConfiguration(
  raw: RawAlarmConfiguration,
  home: ResourceHome,
  cut: Truncations,
  path: string,
): MappedConfiguration {
  const metrics = cut
    .list(raw.metrics ?? [], FIELD_LIMITS.metrics, `${path}.metrics`)
    .map((metric, index) => toMetric(metric, cut, `${path}.metrics.${index}`));
  const references =
    raw.alarmRule === null || raw.alarmRule === undefined ? [] : childAlarmReferences(raw.alarmRule);
  const children = cut
    .list(references, FIELD_LIMITS.childAlarms, `${path}.childAlarms`)
    .map((reference) => resolveChild(reference, home));
  const childAlarms = [
    ...new Set(children.map((child) => cut.text(child.name, FIELD_LIMITS.nameChars, `${path}.childAlarms`))),
  ].sort();
  const childAlarmArns = children.flatMap((child) => (child.arn === undefined ? [] : [child.arn]));

  const configuration: AlarmConfiguration = {
    alarmType: raw.alarmRule === null || raw.alarmRule === undefined ? 'metric' : 'composite',
    metrics,
    childAlarms,
    ...definedOnly({
      description: cut.optionalText(raw.description, FIELD_LIMITS.textChars, `${path}.description`),
      threshold: raw.threshold,
      comparisonOperator: cut.optionalText(
        raw.comparisonOperator,
        FIELD_LIMITS.tokenChars,
        `${path}.comparisonOperator`,
      ),
      evaluationPeriods: raw.evaluationPeriods,
      treatMissingData: cut.optionalText(
        raw.treatMissingData,
        FIELD_LIMITS.tokenChars,
        `${path}.treatMissingData`,
      ),
      alarmRule: cut.optionalText(raw.alarmRule, FIELD_LIMITS.textChars, `${path}.alarmRule`),
      actionsSuppressor: cut.optionalText(
        raw.actionsSuppressor,
        FIELD_LIMITS.nameChars,
        `${path}.actionsSuppressor`,
      ),
      actionsSuppressorWaitPeriod: raw.actionsSuppressorWaitPeriod,
      actionsSuppressorExtensionPeriod: raw.actionsSuppressorExtensionPeriod,
      actionsEnabled: raw.actionsEnabled,
    }),
  };
  return { configuration, childAlarmArns };
}

const reasonDataSchema = z.object({ triggeringAlarms: z.array(z.unknown()) });
const triggeringAlarmSchema = z.object({ arn: z.string() });

/**
 * Child alarm ARNs from a composite alarm's reasonData (`{"triggeringAlarms":[{"arn":…}]}`).
 * reasonData is a JSON document inside a string that nobody validates: anything unexpected in it
 * yields no triggering alarms rather than a rejected event.
 */
export function triggeringAlarmArns(reasonData: string | null | undefined, cut: Truncations): string[] {
  if (reasonData === null || reasonData === undefined || !reasonData.includes('triggeringAlarms')) return [];
  if (reasonData.length > INPUT_LIMITS.maxEventBytes) return [];
  const parsed = parseJson(reasonData, INPUT_LIMITS.maxJsonDepth);
  const document = parsed.ok ? reasonDataSchema.safeParse(parsed.value) : undefined;
  if (document?.success !== true) return [];
  const arns = new Set<string>();
  for (const entry of document.data.triggeringAlarms) {
    const triggering = triggeringAlarmSchema.safeParse(entry);
    const alarm = triggering.success ? parseAlarmArn(triggering.data.arn) : undefined;
    if (alarm !== undefined) arns.add(alarm.alarmArn);
  }
  return cut.list([...arns].sort(), FIELD_LIMITS.triggeringAlarms, 'triggeringAlarms');
}

export function toTags(
  raw: Readonly<Record<string, string>> | null | undefined,
  cut: Truncations,
): Record<string, string> {
  return cut.record(raw ?? {}, FIELD_LIMITS.tags, FIELD_LIMITS.nameChars, FIELD_LIMITS.nameChars, 'tags');
}
