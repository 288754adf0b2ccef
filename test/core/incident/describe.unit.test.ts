import { describe, expect, it } from 'vitest';
import { actorName, shortName } from '../../../src/core/incident/describe.ts';

describe('shortName', () => {
  it.each([
    ['arn:aws:states:us-east-1:123456789012:stateMachine:orders', 'orders'],
    ['arn:aws:states:us-east-1:123456789012:stateMachine:orders:prod', 'orders'],
    ['arn:aws:states:us-east-1:123456789012:execution:orders:run-1', 'run-1'],
    ['arn:aws:states:us-east-1:123456789012:express:orders:run-1:abc', 'run-1'],
    ['arn:aws:lambda:us-east-1:123456789012:function:checkout', 'checkout'],
    ['arn:aws:lambda:us-east-1:123456789012:function:checkout:live', 'checkout'],
    ['arn:aws:cloudwatch:us-east-1:123456789012:alarm:Orders failing', 'Orders failing'],
    ['arn:aws:sns:us-east-1:123456789012:alerts', 'alerts'],
    ['arn:aws:iam::123456789012:role/deployer', 'role/deployer'],
    ['checkout', 'checkout'],
  ])('%s → %s', (arn, name) => {
    expect(shortName(arn)).toBe(name);
  });
});

describe('actorName', () => {
  it.each([
    ['arn:aws:sts::123456789012:assumed-role/Deployer/alice@example.com', 'alice@example.com'],
    ['arn:aws:iam::123456789012:user/ops/bob', 'bob'],
    ['arn:aws:iam::123456789012:root', 'root'],
  ])('%s → %s', (arn, name) => {
    expect(actorName({ type: 'IAMUser', arn })).toBe(name);
  });

  it('prefers the user name', () => {
    expect(actorName({ type: 'IAMUser', userName: 'carol', arn: 'arn:aws:iam::123456789012:user/x' })).toBe(
      'carol',
    );
  });
});
