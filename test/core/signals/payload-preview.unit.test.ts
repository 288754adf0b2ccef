import { describe, expect, it } from 'vitest';
import { normalizeEvent } from '../../../src/core/signals/normalize.ts';
import { MAX_PAYLOAD_PREVIEW_CHARS } from '../../../src/core/signals/normalize-options.ts';
import type { NormalizeResult } from '../../../src/core/signals/types.ts';
import { executionEvent } from '../../../src/workloads/events.ts';

const secretInput = JSON.stringify({ cardNumber: '4111111111111111', amount: 42 });
const event = executionEvent({ status: 'FAILED', input: secretInput, output: null });

function executionOf(result: NormalizeResult) {
  if (result.result !== 'signal' || result.signal.kind !== 'execution')
    throw new Error(`expected an execution, got ${result.result}`);
  return result.signal;
}

describe('execution payloads', () => {
  it('are reduced to size and SHA-256 by default: the content is nowhere in the signal', () => {
    const signal = executionOf(normalizeEvent(event, []));
    expect(signal.input).toEqual({
      included: true,
      bytes: secretInput.length,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(JSON.stringify(signal)).not.toContain('4111111111111111');
  });

  it('keep a cut preview, flagged as truncated, when the operator opts in', () => {
    const signal = executionOf(normalizeEvent(event, [], { payloadPreviewChars: 12 }));
    expect(signal.input.preview).toBe(secretInput.slice(0, 12));
    expect(signal.truncated).toContain('input.preview');
    expect(signal.output).toEqual({ included: false, bytes: 0 });
  });

  it('never keep more than the hard cap, whatever is asked', () => {
    const big = executionEvent({ status: 'FAILED', input: JSON.stringify({ blob: 'x'.repeat(10_000) }) });
    const signal = executionOf(normalizeEvent(big, [], { payloadPreviewChars: 1_000_000 }));
    expect(signal.input.preview?.length).toBe(MAX_PAYLOAD_PREVIEW_CHARS);
  });
});
