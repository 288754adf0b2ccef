import { z } from 'zod';
import { type CorrelationConfig, DEFAULT_CONFIG } from '../core/config.ts';
import { EXECUTION_STATUSES } from '../core/signals/types.ts';
import { ConfigurationError } from '../errors.ts';

const minutes = z
  .number()
  .positive()
  .max(7 * 24 * 60);
const arn = z
  .string()
  .regex(/^arn:aws[a-z-]*:/, 'an ARN')
  .max(2048);

/**
 * The operator-facing configuration file (or the CORRELATION_CONFIG variable in Lambda): windows in
 * minutes, the statuses that open incidents, static links, list caps. Every field is optional.
 */
const configFileSchema = z
  .object({
    triggerStatuses: z.array(z.enum(EXECUTION_STATUSES)).min(1).optional(),
    windowsMinutes: z
      .object({
        alarmLookback: minutes.optional(),
        apiCallLookback: minutes.optional(),
        incidentGap: minutes.optional(),
        reopenWindow: minutes.optional(),
        quietPeriod: minutes.optional(),
        contextHorizon: minutes.optional(),
        allowedLateness: minutes.optional(),
      })
      .strict()
      .optional(),
    stateMachineTagKeys: z.array(z.string().min(1).max(128)).max(20).optional(),
    staticLinks: z
      .array(z.object({ resourceArn: arn, stateMachineArn: arn }).strict())
      .max(1000)
      .optional(),
    limits: z
      .object({
        executions: z.number().int().min(1).max(1000).optional(),
        alarms: z.number().int().min(1).max(200).optional(),
        apiCalls: z.number().int().min(1).max(500).optional(),
        timeline: z.number().int().min(10).max(1000).optional(),
        hints: z.number().int().min(1).max(50).optional(),
        evidencePerHint: z.number().int().min(1).max(100).optional(),
        // Bounds a scope's state item: 16,384 ids stay near 100 KB gzipped, under DynamoDB's 400 KB.
        rememberedHealthySignals: z.number().int().min(100).max(16_384).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type CorrelationConfigFile = z.input<typeof configFileSchema>;

const MINUTE = 60_000;

export function parseCorrelationConfig(text: string, origin: string): CorrelationConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigurationError(`${origin} is not valid JSON`, { cause: error });
  }
  const parsed = configFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigurationError(
      `${origin}: ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const file = parsed.data;
  const windows = file.windowsMinutes ?? {};
  const ms = (value: number | undefined, fallback: number) =>
    value === undefined ? fallback : value * MINUTE;
  return {
    ...DEFAULT_CONFIG,
    triggerStatuses: file.triggerStatuses ?? DEFAULT_CONFIG.triggerStatuses,
    alarmLookbackMs: ms(windows.alarmLookback, DEFAULT_CONFIG.alarmLookbackMs),
    apiCallLookbackMs: ms(windows.apiCallLookback, DEFAULT_CONFIG.apiCallLookbackMs),
    incidentGapMs: ms(windows.incidentGap, DEFAULT_CONFIG.incidentGapMs),
    reopenWindowMs: ms(windows.reopenWindow, DEFAULT_CONFIG.reopenWindowMs),
    quietPeriodMs: ms(windows.quietPeriod, DEFAULT_CONFIG.quietPeriodMs),
    contextHorizonMs: ms(windows.contextHorizon, DEFAULT_CONFIG.contextHorizonMs),
    allowedLatenessMs: ms(windows.allowedLateness, DEFAULT_CONFIG.allowedLatenessMs),
    stateMachineTagKeys: file.stateMachineTagKeys ?? DEFAULT_CONFIG.stateMachineTagKeys,
    staticLinks: file.staticLinks ?? DEFAULT_CONFIG.staticLinks,
    limits: { ...DEFAULT_CONFIG.limits, ...file.limits },
  };
}

/** Lambda: the optional CORRELATION_CONFIG variable holds the same JSON as the file. */
export function correlationConfigFromEnv(env: NodeJS.ProcessEnv): CorrelationConfig {
  const text = env.CORRELATION_CONFIG;
  return text === undefined || text.trim() === ''
    ? DEFAULT_CONFIG
    : parseCorrelationConfig(text, 'CORRELATION_CONFIG');
}
