import { readFileSync } from 'node:fs';
import { type CorrelationConfig, DEFAULT_CONFIG } from '../core/config.ts';
import { ConfigurationError, UsageError } from '../errors.ts';
import { correlationConfigFromEnv, parseCorrelationConfig } from '../runtime/correlation-config.ts';

/** `--config FILE`: the correlation windows, triggers, static links and caps (README: Configuration). */
export function loadConfigOption(file: string | undefined): CorrelationConfig {
  if (file === undefined) return DEFAULT_CONFIG;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `cannot read config ${file}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return asUsageError(() => parseCorrelationConfig(text, file));
}

/** A configuration and where it came from, so a long-running command can say which one it uses. */
export interface LoadedConfig {
  readonly config: CorrelationConfig;
  /** The file, `CORRELATION_CONFIG`, or undefined for the built-in defaults. */
  readonly origin: string | undefined;
}

/**
 * `start` runs the consumer Lambda runs, so it also reads Lambda's CORRELATION_CONFIG variable: the
 * same settings behave the same locally and deployed. `--config FILE` wins over the variable, being
 * the more explicit of the two (typed for this run, where the variable may be left in a shell).
 */
export function loadConfigOptionOrEnvironment(
  file: string | undefined,
  env: NodeJS.ProcessEnv,
): LoadedConfig {
  if (file !== undefined) return { config: loadConfigOption(file), origin: file };
  // Blank counts as unset, as in Lambda, where serverless.yml sets the variable to '' by default.
  if ((env.CORRELATION_CONFIG ?? '').trim() === '') return { config: DEFAULT_CONFIG, origin: undefined };
  return { config: asUsageError(() => correlationConfigFromEnv(env)), origin: 'CORRELATION_CONFIG' };
}

/** A configuration the operator got wrong is bad usage (exit 2), not a failure of the command. */
function asUsageError(parse: () => CorrelationConfig): CorrelationConfig {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ConfigurationError) throw new UsageError(error.message);
    throw error;
  }
}
