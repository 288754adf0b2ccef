/**
 * ARN parsing and canonicalization. Correlation keys on canonical ARNs, so every variant that names
 * the same thing (an execution's state machine, a version or alias, a qualified Lambda function)
 * is reduced here to one spelling. Functions return undefined for anything that is not a
 * well-formed ARN of the expected kind; they never throw.
 */

import { FIELD_LIMITS } from './limits.ts';

export interface Arn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  readonly resource: string;
}

// Resource parts may contain spaces (alarm names do) but never control characters.
const ARN_PATTERN = /^arn:(aws(?:-[a-z0-9]+)*):([a-z0-9-]+):([a-z0-9-]*):([^:\s]*):([^\p{Cc}]+)$/u;
const ACCOUNT_PATTERN = /^\d{12}$/;

export function parseArn(text: string): Arn | undefined {
  if (text.length > FIELD_LIMITS.arnChars) return undefined;
  const match = ARN_PATTERN.exec(text);
  if (match === null) return undefined;
  const [, partition, service, region, account, resource] = match;
  if (
    partition === undefined ||
    service === undefined ||
    region === undefined ||
    account === undefined ||
    resource === undefined
  ) {
    return undefined;
  }
  return { partition, service, region, account, resource };
}

export function formatArn(arn: Arn): string {
  return `arn:${arn.partition}:${arn.service}:${arn.region}:${arn.account}:${arn.resource}`;
}

export function isAccountId(text: string): boolean {
  return ACCOUNT_PATTERN.test(text);
}

/** The partition a region belongs to, for ARNs we build from a region and an account. */
export function partitionForRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  return 'aws';
}

/** Where a resource lives, for building ARNs from names found in definitions and alarm rules. */
export interface ResourceHome {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

export function homeOf(region: string, account: string): ResourceHome {
  return { partition: partitionForRegion(region), region, account };
}

export interface ExecutionArn {
  readonly type: 'execution' | 'express';
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly executionName: string;
}

export type StatesArn =
  | { readonly type: 'stateMachine'; readonly stateMachineArn: string; readonly qualifier?: string }
  | ExecutionArn
  | { readonly type: 'mapRun'; readonly mapRunArn: string; readonly stateMachineArn: string }
  | { readonly type: 'activity'; readonly activityArn: string };

function nonEmpty(parts: readonly string[]): boolean {
  return parts.every((part) => part.length > 0);
}

/**
 * Classifies a Step Functions ARN. Distributed map child executions (`execution:SM/MAP:ID`) and
 * map runs (`mapRun:SM/MAP:ID`) belong to the parent state machine SM.
 */
export function parseStatesArn(text: string): StatesArn | undefined {
  const arn = parseArn(text);
  if (arn === undefined || arn.service !== 'states') return undefined;
  if (!isAccountId(arn.account) || arn.region.length === 0) return undefined;
  const parts = arn.resource.split(':');
  const [type, first = '', ...rest] = parts;
  if (!nonEmpty(parts)) return undefined;
  const stateMachineArnFor = (name: string): string =>
    formatArn({ ...arn, resource: `stateMachine:${name}` });

  switch (type) {
    case 'stateMachine': {
      if (first.includes('/') || rest.length > 1) return undefined;
      const qualifier = rest[0];
      return qualifier === undefined
        ? { type: 'stateMachine', stateMachineArn: stateMachineArnFor(first) }
        : { type: 'stateMachine', stateMachineArn: stateMachineArnFor(first), qualifier };
    }
    case 'execution':
    case 'express': {
      const expectedRest = type === 'execution' ? 1 : 2;
      const executionName = rest[0];
      if (rest.length !== expectedRest || executionName === undefined) return undefined;
      const [stateMachineName = '', mapName] = first.split('/');
      if (stateMachineName.length === 0 || mapName === '') return undefined;
      return {
        type,
        executionArn: formatArn(arn),
        stateMachineArn: stateMachineArnFor(stateMachineName),
        executionName,
      };
    }
    case 'mapRun': {
      const [stateMachineName = '', mapName = ''] = first.split('/');
      if (rest.length !== 1 || stateMachineName.length === 0 || mapName.length === 0) return undefined;
      return {
        type: 'mapRun',
        mapRunArn: formatArn(arn),
        stateMachineArn: stateMachineArnFor(stateMachineName),
      };
    }
    case 'activity': {
      if (rest.length !== 0) return undefined;
      return { type: 'activity', activityArn: formatArn(arn) };
    }
    default:
      return undefined;
  }
}

/** The base state machine of a state machine (version, alias), execution, express execution or map run ARN. */
export function stateMachineArnOf(text: string): string | undefined {
  const parsed = parseStatesArn(text);
  if (parsed === undefined || parsed.type === 'activity') return undefined;
  return parsed.stateMachineArn;
}

/** A Step Functions execution ARN (standard or express) with its state machine and name. */
export function parseExecutionArn(text: string): ExecutionArn | undefined {
  const parsed = parseStatesArn(text);
  return parsed?.type === 'execution' || parsed?.type === 'express' ? parsed : undefined;
}

/** A Step Functions execution ARN (standard or express), unchanged, or undefined. */
export function executionArnOf(text: string): string | undefined {
  return parseExecutionArn(text)?.executionArn;
}

export function activityArnOf(text: string): string | undefined {
  const parsed = parseStatesArn(text);
  return parsed?.type === 'activity' ? parsed.activityArn : undefined;
}

/** `arn:…:lambda:R:A:function:NAME[:QUALIFIER]` → `arn:…:lambda:R:A:function:NAME`. */
export function canonicalLambdaFunctionArn(text: string): string | undefined {
  const arn = parseArn(text);
  if (arn === undefined || arn.service !== 'lambda') return undefined;
  if (!isAccountId(arn.account) || arn.region.length === 0) return undefined;
  const [type, name, qualifier, ...extra] = arn.resource.split(':');
  if (type !== 'function' || name === undefined || !LAMBDA_NAME_PATTERN.test(name)) return undefined;
  if (extra.length > 0 || qualifier === '') return undefined;
  return formatArn({ ...arn, resource: `function:${name}` });
}

const LAMBDA_NAME_PATTERN = /^[A-Za-z0-9_-]{1,140}$/;
const LAMBDA_PARTIAL_PATTERN = /^(\d{12}):function:([A-Za-z0-9_-]{1,140})(?::[A-Za-z0-9$_-]+)?$/;
const LAMBDA_NAME_WITH_QUALIFIER_PATTERN = /^([A-Za-z0-9_-]{1,140})(?::[A-Za-z0-9$_-]+)?$/;

/**
 * Lambda accepts a function as a full ARN, a partial ARN (`123456789012:function:name`) or a name,
 * each optionally qualified. Names and partial ARNs resolve against the caller's region/account.
 */
export function resolveLambdaFunctionArn(reference: string, home: ResourceHome): string | undefined {
  if (reference.startsWith('arn:')) return canonicalLambdaFunctionArn(reference);
  const partial = LAMBDA_PARTIAL_PATTERN.exec(reference);
  if (partial !== null) {
    const [, account = '', name = ''] = partial;
    return `arn:${home.partition}:lambda:${home.region}:${account}:function:${name}`;
  }
  const named = LAMBDA_NAME_WITH_QUALIFIER_PATTERN.exec(reference);
  if (named === null || !isAccountId(home.account) || home.region.length === 0) return undefined;
  const [, name = ''] = named;
  return `arn:${home.partition}:lambda:${home.region}:${home.account}:function:${name}`;
}

export interface AlarmArn {
  readonly alarmArn: string;
  readonly alarmName: string;
  readonly region: string;
  readonly account: string;
}

export function parseAlarmArn(text: string): AlarmArn | undefined {
  const arn = parseArn(text);
  if (arn === undefined || arn.service !== 'cloudwatch' || !arn.resource.startsWith('alarm:')) {
    return undefined;
  }
  const alarmName = arn.resource.slice('alarm:'.length);
  if (alarmName.length === 0 || !isAccountId(arn.account) || arn.region.length === 0) return undefined;
  return { alarmArn: formatArn(arn), alarmName, region: arn.region, account: arn.account };
}

/** Builds an alarm ARN from its name, or undefined when the name cannot be part of an ARN. */
export function alarmArnFor(home: ResourceHome, alarmName: string): string | undefined {
  return parseAlarmArn(`arn:${home.partition}:cloudwatch:${home.region}:${home.account}:alarm:${alarmName}`)
    ?.alarmArn;
}
