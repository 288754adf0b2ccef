import { describe, expect, it } from 'vitest';
import { parseJson } from '../../../src/core/input/json.ts';
import { normalizeEvent } from '../../../src/core/signals/normalize.ts';
import { cloudTrailRecord, STATE_MACHINE_ARN } from '../../../src/workloads/events.ts';

describe('API calls that name their resource in requestParameters.resourceArn', () => {
  it('scope TagResource to the state machine it tags', () => {
    const record = cloudTrailRecord({
      eventName: 'TagResource',
      requestParameters: { resourceArn: STATE_MACHINE_ARN, tags: [{ key: 'team', value: 'payments' }] },
    });
    const result = normalizeEvent(record, []);
    expect(result.result).toBe('signal');
    if (result.result !== 'signal' || result.signal.kind !== 'api-call')
      throw new Error('expected an API call');
    expect(result.signal.stateMachineArn).toBe(STATE_MACHINE_ARN);
    expect(result.signal.subjects).toEqual([STATE_MACHINE_ARN]);
  });
});

describe('JSON errors', () => {
  it('do not quote the input in their reason (it is stored and logged)', () => {
    const parsed = parseJson('{"accessKeyId": AKIAPOISONEXAMPLE999}', 64);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.reason).toBe("invalid JSON: Unexpected token 'A' is not valid JSON");
  });
});
