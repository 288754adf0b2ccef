/** A Step Functions CloudTrail record (raw, in a log file, or wrapped by EventBridge) → ApiCallSignal. */

import {
  activityArnOf,
  executionArnOf,
  homeOf,
  isAccountId,
  parseArn,
  parseStatesArn,
  type ResourceHome,
  stateMachineArnOf,
} from '../arn.ts';
import { FIELD_LIMITS } from '../limits.ts';
import { summarizeDefinition } from '../topology/definition.ts';
import { definedOnly } from './defined.ts';
import type { CloudTrailRecord } from './schemas/cloudtrail.ts';
import { signalBase } from './signal-base.ts';
import { Truncations } from './truncation.ts';
import type { Actor, ApiCallSignal, DefinitionSummary } from './types.ts';

const STATES_ARN_IN_TEXT = /arn:aws[a-z0-9-]*:states:[^\s"',;()]+/g;

/**
 * An AccessDenied record carries no request parameters; the resource is only named in the message
 * ("… is not authorized to perform: states:X on resource: arn:aws:states:…").
 */
function statesArnsInMessage(message: string | null | undefined): string[] {
  if (message === null || message === undefined) return [];
  const candidates = message.slice(0, FIELD_LIMITS.causeChars).match(STATES_ARN_IN_TEXT) ?? [];
  return candidates.map((candidate) => candidate.replace(/[.]+$/, ''));
}

function firstCanonical(
  candidates: readonly (string | null | undefined)[],
  canonical: (arn: string) => string | undefined,
): string | undefined {
  for (const candidate of candidates) {
    const arn = candidate === null || candidate === undefined ? undefined : canonical(candidate);
    if (arn !== undefined) return arn;
  }
  return undefined;
}

interface NamedResources {
  readonly stateMachineArn?: string;
  readonly executionArn?: string;
  readonly activityArn?: string;
}

/** Request first, then response, then the error message: the first that names each kind wins. */
function namedResources(record: CloudTrailRecord): NamedResources {
  const request = record.requestParameters;
  const response = record.responseElements;
  const fromMessage = statesArnsInMessage(record.errorMessage);
  const executionArn = firstCanonical(
    [request?.executionArn, response?.executionArn, ...fromMessage],
    executionArnOf,
  );
  const stateMachineOnly = (arn: string): string | undefined =>
    parseStatesArn(arn)?.type === 'stateMachine' ? stateMachineArnOf(arn) : undefined;
  const stateMachineArn =
    firstCanonical([request?.stateMachineArn, response?.stateMachineArn], stateMachineArnOf) ??
    (executionArn === undefined ? undefined : stateMachineArnOf(executionArn)) ??
    firstCanonical([request?.resourceArn, ...fromMessage], stateMachineOnly);
  const activityArn = firstCanonical(
    [request?.activityArn, response?.activityArn, request?.resourceArn, ...fromMessage],
    activityArnOf,
  );
  return definedOnly({ stateMachineArn, executionArn, activityArn });
}

function toActor(record: CloudTrailRecord, cut: Truncations): Actor {
  const identity = record.userIdentity;
  return {
    type: cut.text(identity?.type ?? 'Unknown', FIELD_LIMITS.tokenChars, 'actor.type'),
    ...definedOnly({
      arn: cut.optionalText(identity?.arn, FIELD_LIMITS.arnChars, 'actor.arn'),
      principalId: cut.optionalText(identity?.principalId, FIELD_LIMITS.nameChars, 'actor.principalId'),
      accountId: cut.optionalText(identity?.accountId, FIELD_LIMITS.tokenChars, 'actor.accountId'),
      userName: cut.optionalText(identity?.userName, FIELD_LIMITS.nameChars, 'actor.userName'),
      sessionIssuerArn: cut.optionalText(
        identity?.sessionContext?.sessionIssuer?.arn,
        FIELD_LIMITS.arnChars,
        'actor.sessionIssuerArn',
      ),
      invokedBy: cut.optionalText(identity?.invokedBy, FIELD_LIMITS.nameChars, 'actor.invokedBy'),
    }),
  };
}

function accountOf(record: CloudTrailRecord, fallback: string | undefined): string {
  const candidates = [record.recipientAccountId, fallback, record.userIdentity?.accountId];
  return (
    candidates.find(
      (candidate): candidate is string => typeof candidate === 'string' && isAccountId(candidate),
    ) ?? ''
  );
}

/** Lambda functions named without an ARN in a definition live where the state machine lives. */
function homeForDefinition(
  resources: NamedResources,
  record: CloudTrailRecord,
  account: string,
): ResourceHome {
  const stateMachine =
    resources.stateMachineArn === undefined ? undefined : parseArn(resources.stateMachineArn);
  if (stateMachine === undefined) return homeOf(record.awsRegion, account);
  return { partition: stateMachine.partition, region: stateMachine.region, account: stateMachine.account };
}

function definitionOf(
  record: CloudTrailRecord,
  resources: NamedResources,
  account: string,
  cut: Truncations,
): DefinitionSummary | undefined {
  const definition = record.requestParameters?.definition;
  if (definition === null || definition === undefined) return undefined;
  const { summary, resourcesTruncated } = summarizeDefinition(
    definition,
    homeForDefinition(resources, record, account),
  );
  if (resourcesTruncated) cut.flag('definition.resources');
  return summary;
}

export interface ApiCallContext {
  /** The account of the EventBridge envelope, when the record arrived wrapped in one. */
  readonly envelopeAccount?: string;
}

/** Maps a record already validated by `cloudTrailRecordSchema` and measured as `body`. */
export function toApiCallSignal(
  record: CloudTrailRecord,
  body: string,
  context: ApiCallContext,
): ApiCallSignal {
  const cut = new Truncations();
  const resources = namedResources(record);
  const account = accountOf(record, context.envelopeAccount);
  const definition = definitionOf(record, resources, account, cut);
  const actor = toActor(record, cut);
  const eventName = cut.text(record.eventName, FIELD_LIMITS.nameChars, 'eventName');
  const eventSource = cut.text(record.eventSource, FIELD_LIMITS.nameChars, 'eventSource');
  const optional = definedOnly({
    sourceIPAddress: cut.optionalText(record.sourceIPAddress, FIELD_LIMITS.nameChars, 'sourceIPAddress'),
    userAgent: cut.optionalText(record.userAgent, FIELD_LIMITS.textChars, 'userAgent'),
    errorCode: cut.optionalText(record.errorCode, FIELD_LIMITS.nameChars, 'errorCode'),
    errorMessage: cut.optionalText(record.errorMessage, FIELD_LIMITS.reasonChars, 'errorMessage'),
    readOnly: record.readOnly,
    definition,
  });
  return {
    kind: 'api-call',
    ...signalBase(
      {
        sourceEventId: record.eventID,
        body,
        eventTimeMs: record.eventTime,
        account,
        region: record.awsRegion,
        subjects: [
          resources.stateMachineArn,
          resources.executionArn,
          resources.activityArn,
          ...(definition?.resources ?? []),
        ],
      },
      cut,
    ),
    eventName,
    eventSource,
    actor,
    ...resources,
    ...optional,
  };
}
