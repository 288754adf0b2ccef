import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../src/core/config.ts';
import { correlationConfigFromEnv, parseCorrelationConfig } from '../../src/runtime/correlation-config.ts';

describe('the correlation configuration file', () => {
  it('converts minutes to milliseconds and keeps defaults for what it leaves out', () => {
    const config = parseCorrelationConfig(
      JSON.stringify({
        triggerStatuses: ['FAILED'],
        windowsMinutes: { quietPeriod: 10 },
        limits: { hints: 5 },
      }),
      'test',
    );
    expect(config.triggerStatuses).toEqual(['FAILED']);
    expect(config.quietPeriodMs).toBe(600_000);
    expect(config.reopenWindowMs).toBe(DEFAULT_CONFIG.reopenWindowMs);
    expect(config.limits).toEqual({ ...DEFAULT_CONFIG.limits, hints: 5 });
  });

  it('documents the defaults in the shipped example, which parses to exactly the defaults plus its link', () => {
    const text = readFileSync(new URL('../../examples/config/correlation.json', import.meta.url), 'utf8');
    const { staticLinks, ...rest } = parseCorrelationConfig(text, 'example');
    const { staticLinks: _none, ...defaults } = DEFAULT_CONFIG;
    expect(rest).toEqual(defaults);
    expect(staticLinks).toHaveLength(1);
  });

  it('refuses unknown fields, bad values and bad JSON with the path in the message', () => {
    expect(() => parseCorrelationConfig('{"windowsMinutes":{"quiet":5}}', 'cfg.json')).toThrow(
      /^cfg\.json: windowsMinutes/,
    );
    expect(() => parseCorrelationConfig('{"triggerStatuses":["BROKEN"]}', 'cfg.json')).toThrow(
      /triggerStatuses\.0/,
    );
    expect(() =>
      parseCorrelationConfig('{"staticLinks":[{"resourceArn":"x","stateMachineArn":"y"}]}', 'c'),
    ).toThrow(/staticLinks\.0\.resourceArn/);
    expect(() => parseCorrelationConfig('{', 'cfg.json')).toThrow('cfg.json is not valid JSON');
  });

  it('reads CORRELATION_CONFIG in Lambda, and uses the defaults without it', () => {
    expect(correlationConfigFromEnv({})).toBe(DEFAULT_CONFIG);
    expect(
      correlationConfigFromEnv({ CORRELATION_CONFIG: '{"windowsMinutes":{"incidentGap":5}}' }).incidentGapMs,
    ).toBe(300_000);
  });
});
