import { ConfigurationError } from '../errors.ts';

/** Reads a required variable once at start-up and fails loudly instead of letting `undefined` flow on. */
export function requiredEnv(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new ConfigurationError(`Environment variable ${name} is required`);
  }
  return value;
}

export function optionalEnv(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const value = env[name];
  return value === undefined || value.trim() === '' ? fallback : value;
}
