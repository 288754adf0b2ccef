import { z } from 'zod';
import { isAccountId } from '../../arn.ts';
import { isPlausibleEpochMs, parseTimestamp } from '../time.ts';

/** An ISO-8601 timestamp with a zone, as any of our sources write it; parsed to epoch ms. */
export const timestampSchema = z.string().transform((text, context) => {
  const ms = parseTimestamp(text);
  if (ms === undefined) {
    context.issues.push({
      code: 'custom',
      message: 'not an ISO-8601 timestamp with a time zone',
      input: text,
    });
    return z.NEVER;
  }
  return ms;
});

/** Step Functions dates: epoch milliseconds. */
export const epochMillisSchema = z
  .number()
  .refine(isPlausibleEpochMs, { error: 'not epoch milliseconds between 1970 and 9999' });

export const accountSchema = z.string().refine(isAccountId, { error: 'not a 12-digit AWS account id' });

export const regionSchema = z.string().regex(/^[a-z0-9-]{1,32}$/, { error: 'not an AWS region' });

/** Optional text that sources send as absent or null interchangeably. */
export const optionalText = z.string().nullish();
