/**
 * Every size cap the parser enforces, in one place. Two kinds:
 * - input caps reject: something this large is not a plausible event, and reading it further would
 *   only spend memory on an attacker's or a bug's behalf;
 * - field caps truncate: the event is real, one field is just long. The cut field's dotted path is
 *   listed in the signal's `truncated`, so nobody mistakes a cut value for the whole one.
 */

const KIB = 1024;
const MIB = 1024 * KIB;

export interface InputLimits {
  /** A CLI file or any other multi-event input, before decompression. */
  readonly maxInputBytes: number;
  /** The same after gunzip: a gzip bomb stops here instead of filling memory. */
  readonly maxDecompressedInputBytes: number;
  /** One Kinesis record payload: Kinesis itself refuses records over 1 MiB. */
  readonly maxRecordBytes: number;
  /** One record payload after gunzip: room for a gzipped CloudTrail log file, not for a bomb. */
  readonly maxDecompressedRecordBytes: number;
  /** Events expanded from one input (array items, NDJSON lines, CloudTrail log records). */
  readonly maxItemsPerInput: number;
  /** JSON nesting: real events nest below 15; deeper input only exercises recursion. */
  readonly maxJsonDepth: number;
  /**
   * One event body as serialized for its digest. EventBridge caps events at 256 KiB and CloudTrail
   * records are smaller; four times that still fits a record with a large definition.
   */
  readonly maxEventBytes: number;
}

export const INPUT_LIMITS: InputLimits = {
  maxInputBytes: 256 * MIB,
  maxDecompressedInputBytes: 1024 * MIB,
  maxRecordBytes: 1 * MIB,
  maxDecompressedRecordBytes: 16 * MIB,
  maxItemsPerInput: 1_000_000,
  maxJsonDepth: 64,
  maxEventBytes: 1 * MIB,
};

/** Field caps: values longer than these are cut and flagged in `truncated`. */
export const FIELD_LIMITS = {
  /** Step Functions caps `error` at 256 characters itself. */
  errorChars: 256,
  /** `cause` is 32 KiB at the source; the first 4 KiB name the failure, the rest is stack trace. */
  causeChars: 4096,
  /** Alarm state reasons and CloudTrail error messages: a sentence or two, plus datapoints. */
  reasonChars: 1024,
  /** Execution, alarm, user and state machine names; AWS allows at most 255. */
  nameChars: 256,
  /** ARNs longer than this are not ARNs: they are rejected or dropped, never cut. */
  arnChars: 2048,
  /** User agents, descriptions, alarm rules shown to operators. */
  textChars: 1024,
  /** Short enumerations we keep verbatim when unknown (e.g. a future execution status). */
  tokenChars: 64,
  /** Source event ids become part of keys; real ones are UUIDs (36 characters). */
  eventIdChars: 128,
  /** CloudWatch allows 10 metrics per alarm plus expressions; 20 leaves room. */
  metrics: 20,
  /** CloudWatch allows 30 dimensions per metric. */
  dimensions: 30,
  /** Dimension values are at most 1024 characters in CloudWatch. */
  dimensionValueChars: 1024,
  /** Composite reasonData lists triggering children; beyond 50 the list says nothing new. */
  triggeringAlarms: 50,
  /** Children named by a composite rule (the rule itself is capped at 10240 characters). */
  childAlarms: 50,
  /** AWS allows 50 tags per resource. */
  tags: 50,
  /** Lambda functions, activities and nested state machines one definition refers to. */
  definitionResources: 200,
  /** States walked in one definition, across branches and iterators: bounds the walk's work. */
  definitionStates: 10_000,
} as const;
