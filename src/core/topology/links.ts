import { formatArn, parseArn } from '../arn.ts';
import type { CorrelationConfig } from '../config.ts';
import type { AlarmConfiguration, Signal } from '../signals/types.ts';

/**
 * How a link was learned. `nested` (a state machine starting another) is recorded for hints but
 * never followed when scoping: a child workflow's failure is an incident of the child.
 */
export type LinkSource =
  | 'definition'
  | 'nested'
  | 'alarm-dimension'
  | 'composite-rule'
  | 'alarm-tag'
  | 'static';

/** `from` belongs to, or watches, `to`: a function used by a state machine, an alarm on a function. */
export interface Link {
  readonly from: string;
  readonly to: string;
  readonly source: LinkSource;
}

export const linkKey = (link: Link): string => `${link.from}|${link.to}`;

const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:[^:]+:[^:]+:stateMachine:[^:]+$/;
const ACTIVITY_ARN = /^arn:aws[a-z-]*:states:[^:]+:[^:]+:activity:/;
const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[^:]+:[^:]+:function:[^:]+$/;

export const isStateMachineArn = (arn: string): boolean => STATE_MACHINE_ARN.test(arn);

/** The links a signal teaches, for any signal: most teach none. */
export function linksFromSignal(signal: Signal, config: CorrelationConfig): Link[] {
  switch (signal.kind) {
    case 'api-call':
      return definitionLinks(signal.stateMachineArn, signal.definition?.resources ?? [], signal.errorCode);
    case 'alarm-state':
      return alarmLinks(signal.alarmArn, signal.configuration, signal.tags, config);
    case 'alarm-config':
      // A deleted alarm teaches nothing new; its existing links stay so the deletion itself is scoped.
      return signal.operation === 'delete'
        ? []
        : alarmLinks(signal.alarmArn, signal.configuration, signal.tags, config);
    case 'execution':
      return [];
  }
}

export function staticLinks(config: CorrelationConfig): Link[] {
  return config.staticLinks.map((link) => ({
    from: link.resourceArn,
    to: link.stateMachineArn,
    source: 'static',
  }));
}

function definitionLinks(
  stateMachineArn: string | undefined,
  resources: readonly string[],
  errorCode: string | undefined,
): Link[] {
  // A failed Create/Update changed nothing, so it teaches nothing.
  if (stateMachineArn === undefined || errorCode !== undefined) return [];
  const links: Link[] = [];
  for (const resource of resources) {
    if (LAMBDA_ARN.test(resource) || ACTIVITY_ARN.test(resource)) {
      links.push({ from: resource, to: stateMachineArn, source: 'definition' });
    } else if (isStateMachineArn(resource) && resource !== stateMachineArn) {
      links.push({ from: resource, to: stateMachineArn, source: 'nested' });
    }
  }
  return links;
}

function alarmLinks(
  alarmArn: string,
  configuration: AlarmConfiguration,
  tags: Readonly<Record<string, string>>,
  config: CorrelationConfig,
): Link[] {
  const links: Link[] = [];
  const { partition, region, account } = parseArn(alarmArn) ?? {};
  for (const metric of configuration.metrics) {
    const dimensions = metric.dimensions;
    if (metric.namespace === 'AWS/States') {
      for (const key of ['StateMachineArn', 'ActivityArn', 'LambdaFunctionArn'] as const) {
        const value = dimensions[key];
        if (value !== undefined)
          links.push({ from: alarmArn, to: stripLambdaQualifier(value), source: 'alarm-dimension' });
      }
    } else if (metric.namespace === 'AWS/Lambda') {
      const name = dimensions.FunctionName;
      if (name !== undefined && partition !== undefined) {
        const functionArn = name.startsWith('arn:')
          ? stripLambdaQualifier(name)
          : `arn:${partition}:lambda:${region}:${account}:function:${name}`;
        links.push({ from: alarmArn, to: functionArn, source: 'alarm-dimension' });
      }
    }
  }
  if (partition !== undefined) {
    for (const child of configuration.childAlarms) {
      const childArn = child.startsWith('arn:')
        ? child
        : `arn:${partition}:cloudwatch:${region}:${account}:alarm:${child}`;
      links.push({ from: alarmArn, to: childArn, source: 'composite-rule' });
    }
  }
  for (const key of config.stateMachineTagKeys) {
    const value = tags[key];
    if (value !== undefined && isStateMachineArn(value))
      links.push({ from: alarmArn, to: value, source: 'alarm-tag' });
  }
  return links;
}

/** `…:function:NAME:QUALIFIER` → `…:function:NAME`; anything else unchanged. */
function stripLambdaQualifier(text: string): string {
  const arn = parseArn(text);
  if (arn?.service !== 'lambda') return text;
  const [type = '', name = '', ...qualifiers] = arn.resource.split(':');
  return qualifiers.length === 0 ? text : formatArn({ ...arn, resource: `${type}:${name}` });
}
