import { readFileSync } from 'node:fs';
import { type CorrelationConfig, DEFAULT_CONFIG } from '../core/config.ts';
import { ConfigurationError, UsageError } from '../errors.ts';
import { parseCorrelationConfig } from '../runtime/correlation-config.ts';

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
  try {
    return parseCorrelationConfig(text, file);
  } catch (error) {
    if (error instanceof ConfigurationError) throw new UsageError(error.message);
    throw error;
  }
}
