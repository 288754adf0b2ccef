/**
 * CloudTrail input of the kinds we do not correlate, shaped like the CloudTrail documentation's
 * examples (Insights events for trails, data events, digest files), and a Step Functions management
 * event to mix them with.
 */

import {
  ACCOUNT,
  cloudTrailRecord,
  type JsonObject,
  REGION,
  STATE_MACHINE_ARN,
} from '../../../src/workloads/events.ts';

/** A CloudTrail Insights event for trails, shaped like the documented log file example. */
export function insightsEvent(overrides: JsonObject = {}, details: JsonObject = {}): JsonObject {
  return {
    eventVersion: '1.08',
    eventTime: '2024-05-01T11:52:00Z',
    awsRegion: REGION,
    eventID: 'aab985f2-3a56-48cc-a8a5-e0af77606f5f',
    eventType: 'AwsCloudTrailInsight',
    recipientAccountId: ACCOUNT,
    sharedEventID: '12edc982-3348-4794-83d3-a3db26525049',
    insightDetails: {
      state: 'Start',
      eventSource: 'ssm.amazonaws.com',
      eventName: 'UpdateInstanceAssociationStatus',
      insightType: 'ApiCallRateInsight',
      insightContext: {
        statistics: {
          baseline: { average: 1.7561507937 },
          insight: { average: 50.1 },
          insightDuration: 1,
          baselineDuration: 11636,
        },
        attributions: [
          {
            attribute: 'userIdentityArn',
            insight: [
              { value: `arn:aws:sts::${ACCOUNT}:assumed-role/ssm-agent/i-0123456789abcdef0`, average: 50.1 },
            ],
            baseline: [
              { value: `arn:aws:sts::${ACCOUNT}:assumed-role/ssm-agent/i-0123456789abcdef0`, average: 1.75 },
            ],
          },
        ],
      },
      ...details,
    },
    eventCategory: 'Insight',
    ...overrides,
  };
}

/** An S3 GetObject data event, as a trail logging data events writes it. */
export const s3DataEvent: JsonObject = {
  eventVersion: '1.09',
  userIdentity: {
    type: 'AssumedRole',
    principalId: 'AROAEXAMPLEID:orders-worker',
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/orders-worker/orders-worker`,
    accountId: ACCOUNT,
    accessKeyId: 'ASIAEXAMPLEKEY123456',
  },
  eventTime: '2024-05-01T11:55:03Z',
  eventSource: 's3.amazonaws.com',
  eventName: 'GetObject',
  awsRegion: REGION,
  sourceIPAddress: '198.51.100.7',
  userAgent: '[aws-sdk-js/3.600.0]',
  requestParameters: {
    bucketName: 'orders-input',
    Host: 'orders-input.s3.us-east-1.amazonaws.com',
    key: 'batch/42.json',
  },
  responseElements: null,
  additionalEventData: { bytesTransferredOut: 1532, AuthenticationMethod: 'AuthHeader' },
  requestID: 'Z8J3PXGY9KEXAMPLE',
  eventID: '0d8a4b8e-2f36-4a71-9a0d-6f3e1c2b7a91',
  readOnly: true,
  resources: [
    { type: 'AWS::S3::Object', ARN: 'arn:aws:s3:::orders-input/batch/42.json' },
    { accountId: ACCOUNT, type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::orders-input' },
  ],
  eventType: 'AwsApiCall',
  managementEvent: false,
  recipientAccountId: ACCOUNT,
  eventCategory: 'Data',
};

/** A Step Functions management event, the kind we correlate. */
export const stepFunctionsRecord = cloudTrailRecord({
  eventName: 'StartExecution',
  requestParameters: { stateMachineArn: STATE_MACHINE_ARN },
  record: { eventCategory: 'Management' },
});

/** A CloudTrail digest file, as the documentation's sample. */
export const digestFile: JsonObject = {
  awsAccountId: ACCOUNT,
  digestStartTime: '2024-05-01T11:01:31Z',
  digestEndTime: '2024-05-01T12:01:31Z',
  digestS3Bucket: 'org-trail-logs',
  digestS3Object: `AWSLogs/${ACCOUNT}/CloudTrail-Digest/us-east-1/2024/05/01/${ACCOUNT}_CloudTrail-Digest_us-east-1_org-trail_us-east-1_20240501T120131Z.json.gz`,
  digestPublicKeyFingerprint: '31e8b5433410dfb61a9dc45cc65b22ff',
  digestSignatureAlgorithm: 'SHA256withRSA',
  newestEventTime: '2024-05-01T11:52:27Z',
  oldestEventTime: '2024-05-01T11:42:27Z',
  previousDigestS3Bucket: 'org-trail-logs',
  previousDigestS3Object: `AWSLogs/${ACCOUNT}/CloudTrail-Digest/us-east-1/2024/05/01/${ACCOUNT}_CloudTrail-Digest_us-east-1_org-trail_us-east-1_20240501T110131Z.json.gz`,
  previousDigestHashValue: '97fb791cf91ffc440d274f8190dbdd9aa09c34432aba82739df18b6d3c13df2d',
  previousDigestHashAlgorithm: 'SHA-256',
  previousDigestSignature: '50887ccffad4c002b97caa37cb8c4a1d67c3b4a2EXAMPLE',
  logFiles: [
    {
      s3Bucket: 'org-trail-logs',
      s3Object: `AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2024/05/01/${ACCOUNT}_CloudTrail_us-east-1_20240501T1150Z_UkKH2EXAMPLE.json.gz`,
      hashValue: '9bb6196fc6b84d6f075a56548feca262bd99ba3c2de41b618e5b6e22c1fc71f6',
      hashAlgorithm: 'SHA-256',
      newestEventTime: '2024-05-01T11:52:27Z',
      oldestEventTime: '2024-05-01T11:42:27Z',
    },
  ],
};
