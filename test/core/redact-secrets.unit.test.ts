import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/core/redact-secrets.ts';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('redactSecrets (quarantined bytes)', () => {
  it('masks access key ids and the values of secret-named fields, and counts them', () => {
    const raw = new TextEncoder().encode(
      '{"userIdentity":{"accessKeyId":"AKIAPOISONEXAMPLE999"},"credentials":{"SecretAccessKey":"wJalr/K7\\"x","sessionToken":"IQoJb3"},"note":"ASIAEXAMPLETEMPKEY12 used"',
    );
    const { bytes, redactions } = redactSecrets(raw);
    expect(text(bytes)).toBe(
      '{"userIdentity":{"accessKeyId":"[REDACTED]"},"credentials":{"SecretAccessKey":"[REDACTED]","sessionToken":"[REDACTED]"},"note":"[REDACTED] used"',
    );
    expect(redactions).toBe(4);
  });

  it('returns clean text and binary records untouched', () => {
    const clean = new TextEncoder().encode('{"status": 5}');
    expect(redactSecrets(clean)).toEqual({ bytes: clean, redactions: 0 });
    const binary = new Uint8Array([0x1f, 0x8b, 0xff, 0xfe, 0x41]);
    expect(redactSecrets(binary)).toEqual({ bytes: binary, redactions: 0 });
  });
});
