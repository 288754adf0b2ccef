import { type Logger, pino } from 'pino';

/**
 * One logger for handlers and local mode. Payloads never reach it: the pipeline logs counts and
 * durations only, and these paths are redacted in case a caller passes an object carrying them.
 */
export function createLogger(
  level: string = 'info',
  name = 'sfn-incident-correlator',
  stream: 'stdout' | 'stderr' = 'stdout',
): Logger {
  return pino(
    {
      name,
      level,
      base: undefined,
      redact: {
        paths: [
          '*.accessKeyId',
          '*.secretAccessKey',
          '*.sessionToken',
          'credentials',
          '*.credentials',
          '*.input',
          '*.output',
        ],
        censor: '[redacted]',
      },
    },
    pino.destination(stream === 'stdout' ? 1 : 2),
  );
}

export type { Logger };
