import { parseArn } from '../../core/arn.ts';

/**
 * AWS console addresses for the ARNs an incident names, in the console of the ARN's own region
 * and partition. The region and names come from events, so they are checked and encoded before
 * they become part of a URL; anything unexpected gets no link rather than a wrong one.
 */

const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

const CONSOLE_HOSTS: Readonly<Record<string, (region: string) => string>> = {
  aws: (region) => `https://${region}.console.aws.amazon.com`,
  'aws-cn': () => 'https://console.amazonaws.cn',
  'aws-us-gov': () => 'https://console.amazonaws-us-gov.com',
};

const GLOBAL_CONSOLE: Readonly<Record<string, string>> = {
  aws: 'https://console.aws.amazon.com',
  'aws-cn': 'https://console.amazonaws.cn',
  'aws-us-gov': 'https://console.amazonaws-us-gov.com',
};

export function consoleUrl(arnText: string): string | undefined {
  const arn = parseArn(arnText);
  if (arn === undefined) return undefined;
  const [kind = '', name = '', ...rest] = arn.resource.split(/[:/]/);
  if (arn.service === 'iam' || arn.service === 'sts')
    return iamUrl(arn.partition, arn.service, kind, name, rest);
  const host = CONSOLE_HOSTS[arn.partition];
  if (host === undefined || !REGION.test(arn.region) || name === '') return undefined;
  const home = (service: string) => `${host(arn.region)}/${service}/home?region=${arn.region}`;
  const whole = encodeURIComponent(arnText);
  switch (`${arn.service}:${kind}`) {
    case 'states:stateMachine':
      return `${home('states')}#/statemachines/view/${whole}`;
    case 'states:execution':
    case 'states:express':
      return `${home('states')}#/v2/executions/details/${whole}`;
    case 'states:activity':
      return `${home('states')}#/activities/view/${whole}`;
    case 'cloudwatch:alarm':
      // Alarm names may contain ':' and '/', so the name is everything after `alarm:`.
      return `${home('cloudwatch')}#alarmsV2:alarm/${encodeURIComponent(arn.resource.slice('alarm:'.length))}`;
    case 'lambda:function':
      return `${home('lambda')}#/functions/${encodeURIComponent(name)}`;
    default:
      return undefined;
  }
}

/** IAM is global; an assumed-role session links to its role. */
function iamUrl(
  partition: string,
  service: string,
  kind: string,
  name: string,
  rest: readonly string[],
): string | undefined {
  const host = GLOBAL_CONSOLE[partition];
  if (host === undefined || name === '') return undefined;
  // Users and roles may have paths (`role/aws-reserved/sso.amazonaws.com/Name`); the console wants the name.
  const last = encodeURIComponent(rest.at(-1) ?? name);
  if (service === 'iam' && kind === 'user') return `${host}/iam/home#/users/details/${last}`;
  if (service === 'iam' && kind === 'role') return `${host}/iam/home#/roles/details/${last}`;
  if (service === 'sts' && kind === 'assumed-role') {
    return `${host}/iam/home#/roles/details/${encodeURIComponent(name)}`;
  }
  return undefined;
}
