import { describe, expect, it } from 'vitest';
import {
  normalizeEvent,
  normalizeInput,
  normalizeRecordPayload,
} from '../../../src/core/signals/normalize.ts';
import type { NormalizeResult } from '../../../src/core/signals/types.ts';
import {
  ACCOUNT,
  apiCallEvent,
  cloudTrailLogFile,
  cloudTrailRecord,
  eventBridgeEvent,
  executionEvent,
  type JsonObject,
  STATE_MACHINE_ARN,
} from '../../../src/workloads/events.ts';
import { gzipBytes, jsonBytes } from '../../builders/fixtures.ts';
import { digestFile, insightsEvent, s3DataEvent, stepFunctionsRecord } from './cloudtrail-kinds.ts';
import { signalOf } from './expect-result.ts';

/**
 * DESIGN §4: well-formed input of a kind we do not handle is ignored with a reason and counted;
 * only unreadable input, or an event of a kind we handle with broken fields, is rejected (and so
 * quarantined).
 */

function ignoredReason(result: NormalizeResult | undefined): string {
  if (result?.result !== 'ignored') throw new Error(`expected ignored, got ${JSON.stringify(result)}`);
  return result.reason;
}

describe('a CloudTrail log file mixing kinds', () => {
  const logFile = cloudTrailLogFile([stepFunctionsRecord, insightsEvent(), s3DataEvent]);

  it('ignores the Insights event and the S3 data event where they are, and keeps the Step Functions call', () => {
    const results = normalizeInput(gzipBytes(jsonBytes(logFile)));
    expect(results.map((result) => [result.result, result.position])).toEqual([
      ['signal', ['Records', 0]],
      ['ignored', ['Records', 1]],
      ['ignored', ['Records', 2]],
    ]);
    const call = signalOf(results[0], 'api-call');
    expect(call.eventName).toBe('StartExecution');
    expect(call.stateMachineArn).toBe(STATE_MACHINE_ARN);
    expect(results[1]).toEqual({
      result: 'ignored',
      position: ['Records', 1],
      reason:
        'CloudTrail Insights event (ApiCallRateInsight, Start) about UpdateInstanceAssociationStatus on ssm.amazonaws.com is not handled: it reports an unusual rate of calls, not a call',
      source: 'ssm.amazonaws.com',
      detailType: 'AWS Insight via CloudTrail',
    });
    expect(ignoredReason(results[2])).toBe('CloudTrail event source s3.amazonaws.com is not handled');
  });

  it('does the same inside a Kinesis record, at positions under the record', () => {
    const at = ['Records', 5, 'kinesis', 'data'];
    const results = normalizeRecordPayload(gzipBytes(jsonBytes(logFile)), at);
    expect(results.map((result) => [result.result, result.position])).toEqual([
      ['signal', [...at, 'Records', 0]],
      ['ignored', [...at, 'Records', 1]],
      ['ignored', [...at, 'Records', 2]],
    ]);
  });
});

describe('CloudTrail Insights events', () => {
  it('are ignored even when they are about Step Functions calls', () => {
    const aboutStepFunctions = insightsEvent(
      {},
      {
        eventSource: 'states.amazonaws.com',
        eventName: 'StartExecution',
        insightType: 'ApiErrorRateInsight',
      },
    );
    expect(ignoredReason(normalizeEvent(aboutStepFunctions, []))).toMatch(
      /^CloudTrail Insights event \(ApiErrorRateInsight, Start\) about StartExecution on states\.amazonaws\.com is not handled/,
    );
  });

  it('are recognized by eventType, eventCategory or their details alone, whatever else is missing or broken', () => {
    const { eventCategory: _category, ...withoutCategory } = insightsEvent();
    const { eventType: _type, ...withoutType } = insightsEvent();
    const { eventType: _t, eventCategory: _c, ...detailsOnly } = insightsEvent();
    const broken = insightsEvent({ eventTime: 'yesterday', eventID: 7 }, { state: 42 });
    for (const record of [withoutCategory, withoutType, detailsOnly, broken]) {
      expect(normalizeEvent(record, ['Records', 0]).result).toBe('ignored');
    }
    expect(ignoredReason(normalizeEvent(broken, []))).toMatch(
      /^CloudTrail Insights event \(ApiCallRateInsight\) about UpdateInstanceAssociationStatus on ssm/,
    );
  });

  it('are ignored when EventBridge delivers them', () => {
    const wrapped = eventBridgeEvent('aws.cloudtrail', 'AWS Insight via CloudTrail', insightsEvent());
    expect(normalizeEvent(wrapped, [])).toMatchObject({ result: 'ignored', source: 'aws.cloudtrail' });
  });
});

describe('Step Functions records of a kind we do not correlate', () => {
  const networkActivity = cloudTrailRecord({
    eventName: 'StartExecution',
    errorCode: 'VpceAccessDenied',
    errorMessage: 'The request was denied due to a VPC endpoint policy',
    record: {
      eventType: 'AwsVpceEvent',
      eventCategory: 'NetworkActivity',
      vpcEndpointId: 'vpce-0123456789abcdef0',
      vpcEndpointAccountId: ACCOUNT,
    },
  });
  const dataEvent = cloudTrailRecord({ eventName: 'SendTaskSuccess', record: { eventCategory: 'Data' } });
  const serviceEvent = cloudTrailRecord({
    eventName: 'ExecutionRedriven',
    record: { eventType: 'AwsServiceEvent', eventCategory: 'Management' },
  });

  it('are ignored raw, with the category or type and the reason in the message', () => {
    expect(normalizeEvent(networkActivity, ['Records', 3])).toEqual({
      result: 'ignored',
      position: ['Records', 3],
      reason:
        'CloudTrail NetworkActivity event StartExecution on states.amazonaws.com is not handled: only management events are correlated',
      source: 'states.amazonaws.com',
      detailType: 'AWS Network Activity Event via CloudTrail',
    });
    expect(ignoredReason(normalizeEvent(dataEvent, []))).toBe(
      'CloudTrail Data event SendTaskSuccess on states.amazonaws.com is not handled: only management events are correlated',
    );
    expect(ignoredReason(normalizeEvent(serviceEvent, []))).toBe(
      'CloudTrail AwsServiceEvent record ExecutionRedriven on states.amazonaws.com is not handled: only API calls are correlated',
    );
  });

  it('are ignored the same way wrapped by EventBridge, as our API call rule would deliver a data event', () => {
    expect(ignoredReason(normalizeEvent(apiCallEvent(dataEvent), []))).toBe(
      ignoredReason(normalizeEvent(dataEvent, [])),
    );
  });

  it('an unknown future category is another kind too', () => {
    const future = cloudTrailRecord({ record: { eventCategory: 'Telemetry' } });
    expect(normalizeEvent(future, []).result).toBe('ignored');
  });
});

describe('CloudTrail digest files', () => {
  it('are ignored, on their own or next to log files in one input', () => {
    expect(normalizeEvent(digestFile, [])).toEqual({
      result: 'ignored',
      position: [],
      reason: 'CloudTrail digest file is not handled: it lists the hashes of log files, not events',
    });
    const results = normalizeInput(jsonBytes([digestFile, cloudTrailLogFile([stepFunctionsRecord])]));
    expect(results.map((result) => [result.result, result.position])).toEqual([
      ['ignored', [0]],
      ['signal', [1, 'Records', 0]],
    ]);
  });
});

describe('what stays rejected', () => {
  it('a Step Functions management record whose fields are broken, category included', () => {
    const cases: readonly [JsonObject, readonly (string | number)[]][] = [
      [cloudTrailRecord({ record: { eventCategory: 5 } }), ['eventCategory']],
      [cloudTrailRecord({ record: { eventType: ['AwsApiCall'] } }), ['eventType']],
      [cloudTrailRecord({ record: { eventCategory: 'Management', eventTime: 'yesterday' } }), ['eventTime']],
      [cloudTrailRecord({ record: { eventSource: undefined } }), ['eventSource']],
    ];
    for (const [record, path] of cases) {
      expect(normalizeEvent(record, ['Records', 1])).toMatchObject({
        result: 'rejected',
        position: ['Records', 1, ...path],
      });
    }
  });

  it('an execution status change whose status is a number', () => {
    expect(normalizeEvent(executionEvent({ detail: { status: 5 } }), [])).toMatchObject({
      result: 'rejected',
      position: ['detail', 'status'],
    });
  });

  it('a digest-like object missing what every digest has, and an object of no recognizable kind', () => {
    const { logFiles: _files, ...noLogFiles } = digestFile;
    for (const value of [noLogFiles, { hello: 'world' }]) {
      expect(normalizeEvent(value, [])).toMatchObject({
        result: 'rejected',
        reason: 'neither an EventBridge event nor a CloudTrail record',
      });
    }
  });

  it('bytes, text or JSON that cannot be read', () => {
    for (const bytes of [
      new Uint8Array([0x7b, 0xff, 0x7d]),
      jsonBytes(42),
      new TextEncoder().encode('{"Records": ['),
    ]) {
      expect(normalizeInput(bytes).map((result) => result.result)).toEqual(['rejected']);
    }
  });
});
