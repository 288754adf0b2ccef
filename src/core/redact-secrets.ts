/**
 * Quarantine keeps a poison record's bytes so an operator can see what arrived, but "no secrets
 * stored" wins over "verbatim": access key ids, and the values of fields named like secrets, are
 * masked in text records. A binary record (gzip that did not inflate, say) cannot be searched and is
 * kept as it came.
 */

const ACCESS_KEY_ID = /\b(?:AKIA|ASIA|AIDA|AROA|ANPA|ANVA|AGPA)[A-Z0-9]{12,}\b/g;
const SECRET_FIELD =
  /("(?:secretAccessKey|SecretAccessKey|sessionToken|SessionToken|password|Password|secret|Secret|apiKey|ApiKey|token|Token)"\s*:\s*")(?:[^"\\]|\\.)*"/g;
const MASK = '[REDACTED]';

export interface Redacted {
  readonly bytes: Uint8Array;
  /** How many values were masked. */
  readonly redactions: number;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function redactSecrets(bytes: Uint8Array): Redacted {
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    return { bytes, redactions: 0 };
  }
  let redactions = 0;
  const masked = text
    .replace(SECRET_FIELD, (_match, prefix: string) => {
      redactions++;
      return `${prefix}${MASK}"`;
    })
    .replace(ACCESS_KEY_ID, () => {
      redactions++;
      return MASK;
    });
  return redactions === 0 ? { bytes, redactions } : { bytes: new TextEncoder().encode(masked), redactions };
}
