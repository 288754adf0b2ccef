import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileEventPattern, matchesEventPattern } from '../../src/adapters/event-pattern.ts';
import { compileJsonPath } from '../../src/adapters/json-path.ts';
import { ConfigurationError } from '../../src/errors.ts';

const execution = {
  source: 'aws.states',
  'detail-type': 'Step Functions Execution Status Change',
  detail: {
    status: 'FAILED',
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:checkout',
    redriveCount: 2,
    error: null,
    tags: ['team-a', 'critical'],
  },
};

describe('event patterns', () => {
  it('matches exact values listed in arrays, field by field', () => {
    expect(matchesEventPattern({ source: ['aws.cloudwatch', 'aws.states'] }, execution)).toBe(true);
    expect(matchesEventPattern({ source: ['aws.cloudwatch'] }, execution)).toBe(false);
    expect(
      matchesEventPattern(
        { source: ['aws.states'], 'detail-type': ['AWS API Call via CloudTrail'] },
        execution,
      ),
    ).toBe(false);
  });

  it('matches nested objects and fails when the nested field is missing', () => {
    expect(matchesEventPattern({ detail: { status: ['FAILED', 'TIMED_OUT'] } }, execution)).toBe(true);
    expect(matchesEventPattern({ detail: { eventSource: ['states.amazonaws.com'] } }, execution)).toBe(false);
    expect(matchesEventPattern({ detail: { status: ['FAILED'] } }, { detail: 'FAILED' })).toBe(false);
  });

  it('treats an array in the event as matching when any element matches', () => {
    expect(matchesEventPattern({ detail: { tags: ['critical'] } }, execution)).toBe(true);
    expect(matchesEventPattern({ detail: { tags: ['team-b'] } }, execution)).toBe(false);
  });

  it('compares types strictly: the string "2" is not the number 2', () => {
    expect(matchesEventPattern({ detail: { redriveCount: [2] } }, execution)).toBe(true);
    expect(matchesEventPattern({ detail: { redriveCount: ['2'] } }, execution)).toBe(false);
    expect(matchesEventPattern({ detail: { error: [null] } }, execution)).toBe(true);
  });

  it('supports prefix, suffix, equals-ignore-case and wildcard', () => {
    expect(
      matchesEventPattern(
        { detail: { stateMachineArn: [{ prefix: 'arn:aws:states:us-east-1:' }] } },
        execution,
      ),
    ).toBe(true);
    expect(
      matchesEventPattern({ detail: { stateMachineArn: [{ prefix: 'arn:aws:states:eu-' }] } }, execution),
    ).toBe(false);
    expect(matchesEventPattern({ detail: { stateMachineArn: [{ suffix: ':checkout' }] } }, execution)).toBe(
      true,
    );
    expect(matchesEventPattern({ detail: { status: [{ 'equals-ignore-case': 'failed' }] } }, execution)).toBe(
      true,
    );
    expect(
      matchesEventPattern({ detail: { status: [{ prefix: { 'equals-ignore-case': 'fail' } }] } }, execution),
    ).toBe(true);
    expect(
      matchesEventPattern(
        { detail: { stateMachineArn: [{ wildcard: 'arn:*:stateMachine:check*' }] } },
        execution,
      ),
    ).toBe(true);
    expect(
      matchesEventPattern({ detail: { stateMachineArn: [{ wildcard: 'arn:*:activity:*' }] } }, execution),
    ).toBe(false);
  });

  it('supports anything-but with a value, a list and a prefix, never matching a missing field', () => {
    expect(matchesEventPattern({ detail: { status: [{ 'anything-but': 'SUCCEEDED' }] } }, execution)).toBe(
      true,
    );
    expect(
      matchesEventPattern({ detail: { status: [{ 'anything-but': ['FAILED', 'ABORTED'] }] } }, execution),
    ).toBe(false);
    expect(
      matchesEventPattern({ detail: { status: [{ 'anything-but': { prefix: 'FAIL' } }] } }, execution),
    ).toBe(false);
    expect(matchesEventPattern({ detail: { cause: [{ 'anything-but': 'x' }] } }, execution)).toBe(false);
  });

  it('supports exists true and false', () => {
    expect(matchesEventPattern({ detail: { status: [{ exists: true }] } }, execution)).toBe(true);
    expect(matchesEventPattern({ detail: { cause: [{ exists: true }] } }, execution)).toBe(false);
    expect(matchesEventPattern({ detail: { cause: [{ exists: false }] } }, execution)).toBe(true);
    expect(matchesEventPattern({ detail: { status: [{ exists: false }] } }, execution)).toBe(false);
  });

  it('supports numeric ranges', () => {
    expect(
      matchesEventPattern({ detail: { redriveCount: [{ numeric: ['>', 0, '<=', 2] }] } }, execution),
    ).toBe(true);
    expect(matchesEventPattern({ detail: { redriveCount: [{ numeric: ['>=', 3] }] } }, execution)).toBe(
      false,
    );
    expect(matchesEventPattern({ detail: { status: [{ numeric: ['>', 0] }] } }, execution)).toBe(false);
  });

  it('supports $or between sub-patterns', () => {
    const pattern = {
      source: ['aws.states'],
      $or: [{ detail: { status: ['SUCCEEDED'] } }, { detail: { redriveCount: [2] } }],
    };
    expect(matchesEventPattern(pattern, execution)).toBe(true);
    const neither = { $or: [{ detail: { status: ['SUCCEEDED'] } }, { detail: { redriveCount: [3] } }] };
    expect(matchesEventPattern(neither, execution)).toBe(false);
  });

  it('accepts the pattern as JSON text, as CloudFormation allows', () => {
    expect(compileEventPattern('{"source":["aws.states"]}').matches(execution)).toBe(true);
  });

  it('rejects malformed patterns when compiled, naming where', () => {
    expect(() => compileEventPattern({ source: 'aws.states' })).toThrow(/\$\.source/);
    expect(() => compileEventPattern({ source: [] })).toThrow(ConfigurationError);
    expect(() => compileEventPattern({ detail: { ip: [{ cidr: '10.0.0.0/8' }] } })).toThrow(
      /unsupported operator/,
    );
    expect(() => compileEventPattern({ n: [{ numeric: ['>>', 1] }] })).toThrow(/numeric/);
    expect(() => compileEventPattern('not json')).toThrow(ConfigurationError);
    expect(() => compileEventPattern({})).toThrow(ConfigurationError);
  });

  it('matches any event carrying the listed value, whatever else it holds (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.dictionary(fc.string(), fc.jsonValue()), (value, extra) => {
        const event = { ...extra, field: value };
        return (
          compileEventPattern({ field: [value] }).matches(event) &&
          !compileEventPattern({ field: [{ 'anything-but': value }] }).matches(event)
        );
      }),
    );
  });
});

describe('JSON paths', () => {
  const event = { id: 'e-1', detail: { stateMachineArn: 'arn:sm', 'odd key': 'x', list: ['a', 'b'] } };

  it('selects dotted, bracketed and indexed steps', () => {
    expect(compileJsonPath('$.id').select(event)).toBe('e-1');
    expect(compileJsonPath('$.detail.stateMachineArn').select(event)).toBe('arn:sm');
    expect(compileJsonPath("$.detail['odd key']").select(event)).toBe('x');
    expect(compileJsonPath('$.detail.list[1]').select(event)).toBe('b');
    expect(compileJsonPath('$').select(event)).toBe(event);
  });

  it('gives undefined where the event has nothing, without throwing', () => {
    expect(compileJsonPath('$.detail.alarmName').select(event)).toBeUndefined();
    expect(compileJsonPath('$.id.length').select(event)).toBeUndefined();
    expect(compileJsonPath('$.detail.list[5]').select(event)).toBeUndefined();
    expect(compileJsonPath('$.__proto__').select(event)).toBeUndefined();
  });

  it('rejects paths outside the supported subset', () => {
    expect(() => compileJsonPath('detail.id')).toThrow(ConfigurationError);
    expect(() => compileJsonPath('$..id')).toThrow(ConfigurationError);
    expect(() => compileJsonPath('$.detail[*]')).toThrow(ConfigurationError);
  });
});
