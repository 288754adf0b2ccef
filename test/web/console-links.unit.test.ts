import { describe, expect, it } from 'vitest';
import { consoleUrl } from '../../src/web/client/console-links.ts';

describe('AWS console links', () => {
  it("open each kind of resource in the console of the ARN's own region", () => {
    const machine = 'arn:aws:states:eu-west-1:111122223333:stateMachine:checkout';
    const run = 'arn:aws:states:eu-west-1:111122223333:execution:checkout:run-102';
    expect(consoleUrl(machine)).toBe(
      'https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/statemachines/view/arn%3Aaws%3Astates%3Aeu-west-1%3A111122223333%3AstateMachine%3Acheckout',
    );
    expect(consoleUrl(run)).toBe(
      `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/v2/executions/details/${encodeURIComponent(run)}`,
    );
    expect(consoleUrl('arn:aws:cloudwatch:ap-southeast-2:111122223333:alarm:checkout errors/p99:high')).toBe(
      'https://ap-southeast-2.console.aws.amazon.com/cloudwatch/home?region=ap-southeast-2#alarmsV2:alarm/checkout%20errors%2Fp99%3Ahigh',
    );
    expect(consoleUrl('arn:aws:lambda:us-east-1:111122223333:function:checkout-charge-card:live')).toBe(
      'https://us-east-1.console.aws.amazon.com/lambda/home?region=us-east-1#/functions/checkout-charge-card',
    );
    expect(consoleUrl('arn:aws:states:us-east-1:111122223333:activity:approve')).toBe(
      `https://us-east-1.console.aws.amazon.com/states/home?region=us-east-1#/activities/view/${encodeURIComponent('arn:aws:states:us-east-1:111122223333:activity:approve')}`,
    );
  });

  it('link people to their IAM user or role, whatever its path', () => {
    expect(consoleUrl('arn:aws:iam::111122223333:user/bob')).toBe(
      'https://console.aws.amazon.com/iam/home#/users/details/bob',
    );
    expect(
      consoleUrl(
        'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Developer_0123456789abcdef',
      ),
    ).toBe(
      'https://console.aws.amazon.com/iam/home#/roles/details/AWSReservedSSO_Developer_0123456789abcdef',
    );
    expect(consoleUrl('arn:aws:sts::111122223333:assumed-role/ci-deployer/session-1')).toBe(
      'https://console.aws.amazon.com/iam/home#/roles/details/ci-deployer',
    );
  });

  it('use the partition’s own console, and give no link for anything unexpected', () => {
    expect(consoleUrl('arn:aws-cn:lambda:cn-north-1:111122223333:function:f')).toBe(
      'https://console.amazonaws.cn/lambda/home?region=cn-north-1#/functions/f',
    );
    expect(consoleUrl('arn:aws-us-gov:states:us-gov-west-1:111122223333:stateMachine:s')).toMatch(
      /^https:\/\/console\.amazonaws-us-gov\.com\/states\/home\?region=us-gov-west-1#/,
    );
    expect(consoleUrl('arn:aws-iso:states:us-iso-east-1:111122223333:stateMachine:s')).toBeUndefined();
    expect(consoleUrl('arn:aws:states:evil-host.example:111122223333:stateMachine:s')).toBeUndefined();
    expect(consoleUrl('arn:aws:sns:us-east-1:111122223333:oncall')).toBeUndefined();
    expect(consoleUrl('javascript:alert(1)')).toBeUndefined();
    expect(consoleUrl('checkout')).toBeUndefined();
  });
});
