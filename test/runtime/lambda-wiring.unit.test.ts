import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/errors.ts';
import {
  incidentStreamFromEnvironment,
  kinesisConsumerFromEnvironment,
  sweeperFromEnvironment,
} from '../../src/runtime/lambda-wiring.ts';

const base = { AWS_REGION: 'eu-west-1', INCIDENTS_TABLE: 'incidents', LOG_LEVEL: 'silent' };

describe('Lambda configuration, read once at cold start', () => {
  it('fails loudly naming the missing variable', () => {
    expect(() => kinesisConsumerFromEnvironment({ AWS_REGION: 'eu-west-1' })).toThrow(
      new ConfigurationError('Environment variable INCIDENTS_TABLE is required'),
    );
    expect(() => sweeperFromEnvironment({ INCIDENTS_TABLE: 'incidents' })).toThrow(
      'Environment variable AWS_REGION is required',
    );
    expect(() => incidentStreamFromEnvironment(base)).toThrow(
      'Environment variable INCIDENT_CHANGES_TOPIC_ARN (SNS) or INCIDENT_CHANGES_BUS_NAME (EventBridge) is required',
    );
  });

  it('refuses a bad payload preview size and a bad correlation config', () => {
    expect(() => kinesisConsumerFromEnvironment({ ...base, STORE_EXECUTION_PAYLOAD_CHARS: '99999' })).toThrow(
      /STORE_EXECUTION_PAYLOAD_CHARS must be a whole number from 0 to 4096/,
    );
    expect(() => kinesisConsumerFromEnvironment({ ...base, CORRELATION_CONFIG: '{"nope":1}' })).toThrow(
      /^CORRELATION_CONFIG: \(root\)/,
    );
  });

  it('builds each handler when the configuration is complete', () => {
    expect(typeof kinesisConsumerFromEnvironment(base)).toBe('function');
    expect(typeof sweeperFromEnvironment(base)).toBe('function');
    expect(typeof incidentStreamFromEnvironment({ ...base, INCIDENT_CHANGES_BUS_NAME: 'ops' })).toBe(
      'function',
    );
  });
});
