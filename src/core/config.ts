import type { KnownExecutionStatus } from './signals/types.ts';
import type { TrafficPolicy } from './traffic/traffic.ts';

/** A fact that cannot be learned from events, e.g. a Lambda function shared by infrastructure code. */
export interface StaticLink {
  readonly resourceArn: string;
  readonly stateMachineArn: string;
}

/**
 * Correlation windows and limits. Every window is measured in event time, never processing time,
 * so replaying the same events later gives the same incidents.
 */
export interface CorrelationConfig {
  /** Execution statuses that open (or extend) an incident. */
  readonly triggerStatuses: readonly KnownExecutionStatus[];
  /** How far before the first trigger alarm transitions are pulled in as context. */
  readonly alarmLookbackMs: number;
  /** How far before the first trigger API calls are pulled in as context. */
  readonly apiCallLookbackMs: number;
  /** Triggers this close to the previous one belong to the same incident, even if a success came between. */
  readonly incidentGapMs: number;
  /** A trigger this soon after a resolution reopens the incident (and counts a flap) instead of paging anew. */
  readonly reopenWindowMs: number;
  /** With no trigger for this long and no linked alarm in ALARM, an incident resolves by itself. */
  readonly quietPeriodMs: number;
  /**
   * How far before a batch's earliest signal (or the scope's open incident) its signals are loaded.
   * Incidents that began before the horizon are frozen: a very late signal is kept as context only.
   */
  readonly contextHorizonMs: number;
  /**
   * How far behind a scope's event-time watermark a healthy run (RUNNING, SUCCEEDED) may arrive and
   * still be folded into its traffic summary; later ones are counted as late and change nothing.
   * Failures, alarm transitions and API calls are kept exactly; they are late only at or before the
   * scope's seal, which this lateness places (docs/architecture.md, "Sealed incidents").
   * See docs/architecture.md, "Allowed lateness", for why an hour.
   */
  readonly allowedLatenessMs: number;
  /** Tag keys on an alarm whose value names the state machine it watches. */
  readonly stateMachineTagKeys: readonly string[];
  readonly staticLinks: readonly StaticLink[];
  readonly limits: {
    readonly executions: number;
    readonly alarms: number;
    readonly apiCalls: number;
    readonly timeline: number;
    readonly hints: number;
    readonly evidencePerHint: number;
    /** Ids of healthy runs a scope remembers to recognize redeliveries (bounds its state). */
    readonly rememberedHealthySignals: number;
  };
}

const MINUTE = 60_000;

export const DEFAULT_CONFIG: CorrelationConfig = {
  triggerStatuses: ['FAILED', 'TIMED_OUT', 'ABORTED'],
  alarmLookbackMs: 15 * MINUTE,
  apiCallLookbackMs: 60 * MINUTE,
  incidentGapMs: 30 * MINUTE,
  reopenWindowMs: 60 * MINUTE,
  quietPeriodMs: 30 * MINUTE,
  contextHorizonMs: 24 * 60 * MINUTE,
  allowedLatenessMs: 60 * MINUTE,
  stateMachineTagKeys: ['StateMachineArn', 'sfn-incident-correlator:state-machine'],
  staticLinks: [],
  limits: {
    executions: 200,
    alarms: 50,
    apiCalls: 100,
    timeline: 300,
    hints: 20,
    evidencePerHint: 20,
    rememberedHealthySignals: 4_096,
  },
};

export function withConfig(overrides: Partial<CorrelationConfig>): CorrelationConfig {
  return { ...DEFAULT_CONFIG, ...overrides, limits: { ...DEFAULT_CONFIG.limits, ...overrides.limits } };
}

/** The traffic summary's policy, from the correlation windows. */
export function trafficPolicyOf(config: CorrelationConfig): TrafficPolicy {
  return {
    allowedLatenessMs: config.allowedLatenessMs,
    horizonMs: config.contextHorizonMs,
    // A whole hour may move as soon as the lateness is past it, and does once the closed hours
    // hold an hour of minutes: the state is written with every batch that touches the scope, tens
    // of times an hour on a fleet, while moving hours costs one transaction, worth it for many
    // minutes, not for a quiet scope's few (docs/architecture.md, "Traffic history").
    // An unbounded lateness (offline correlation) keeps every minute on the state.
    keepOnStateMs: config.allowedLatenessMs,
    archiveAtMinutes: 60,
    rememberedSignals: config.limits.rememberedHealthySignals,
  };
}
