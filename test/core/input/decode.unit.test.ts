import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeInput, decodeRecordPayload } from '../../../src/core/input/decode.ts';
import { formatPosition } from '../../../src/core/input/position.ts';
import { INPUT_LIMITS, type InputLimits } from '../../../src/core/limits.ts';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
const limits = (overrides: Partial<InputLimits>): InputLimits => ({ ...INPUT_LIMITS, ...overrides });

describe('decodeInput', () => {
  it('decodes one JSON value at the root position', () => {
    expect(decodeInput(encode(' {"a":1} '))).toEqual([{ ok: true, position: [], value: { a: 1 } }]);
  });

  it('expands a JSON array and CloudTrail log files inside it', () => {
    const items = decodeInput(encode('[{"a":1},{"Records":[{"b":2},{"c":3}]}]'));
    expect(items).toEqual([
      { ok: true, position: [0], value: { a: 1 } },
      { ok: true, position: [1, 'Records', 0], value: { b: 2 } },
      { ok: true, position: [1, 'Records', 1], value: { c: 3 } },
    ]);
  });

  it('reads NDJSON, skipping blank lines, accepting CRLF, and rejecting a bad line by number', () => {
    const items = decodeInput(encode('{"a":1}\r\n\r\n{"b":\n{"c":3}\n'));
    expect(items).toEqual([
      { ok: true, position: ['line', 1], value: { a: 1 } },
      { ok: false, position: ['line', 3], reason: expect.stringMatching(/^invalid JSON: /) },
      { ok: true, position: ['line', 4], value: { c: 3 } },
    ]);
  });

  it('reports a truncated pretty-printed event once, not once per line', () => {
    const items = decodeInput(encode('{\n  "version": "0",\n  "id": "x",\n'));
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ ok: false, position: [] });
  });

  it('gunzips by magic bytes and strips a UTF-8 byte order mark', () => {
    const gzipped = gzipSync(encode('\uFEFF{"Records":[{"eventSource":"x"}]}'));
    expect(decodeInput(gzipped)).toEqual([
      { ok: true, position: ['Records', 0], value: { eventSource: 'x' } },
    ]);
  });

  it('stops a gzip bomb at the decompressed cap', () => {
    const bomb = gzipSync(new Uint8Array(10 * 1024 * 1024).fill(0x20));
    expect(bomb.byteLength).toBeLessThan(20_000);
    const [item] = decodeInput(bomb, limits({ maxDecompressedInputBytes: 1024 * 1024 }));
    expect(item).toEqual({
      ok: false,
      position: [],
      reason: 'gzip data expands beyond the 1048576-byte cap',
    });
  });

  it('refuses nesting deeper than the cap before parsing', () => {
    const deep = `${'['.repeat(100)}${']'.repeat(100)}`;
    const [item] = decodeInput(encode(deep), limits({ maxJsonDepth: 64 }));
    expect(item).toEqual({ ok: false, position: [], reason: 'JSON nests deeper than 64 levels' });
    const bracketsInStrings = JSON.stringify({ text: '['.repeat(200) });
    expect(decodeInput(encode(bracketsInStrings))[0]?.ok).toBe(true);
  });

  it('caps the items of one input with a single rejection', () => {
    const items = decodeInput(encode('[1,2,3,4,5]'), limits({ maxItemsPerInput: 3 }));
    expect(items.map((item) => item.ok)).toEqual([true, true, true, false]);
    expect(items[3]).toEqual({ ok: false, position: [3], reason: 'more than 3 items in one input' });
  });

  it('rejects inputs over the byte cap, empty inputs and bad UTF-8', () => {
    expect(decodeInput(encode('{"a":1}'), limits({ maxInputBytes: 3 }))[0]).toEqual({
      ok: false,
      position: [],
      reason: 'input is 7 bytes, over the 3-byte cap',
    });
    expect(decodeInput(encode('  \n '))[0]).toEqual({ ok: false, position: [], reason: 'input is empty' });
    expect(decodeInput(new Uint8Array([0xc3, 0x28]))[0]).toEqual({
      ok: false,
      position: [],
      reason: 'input is not valid UTF-8',
    });
  });
});

describe('decodeRecordPayload', () => {
  const position = ['Records', 5, 'kinesis', 'data'];

  it('decodes one event at the caller position, gzipped or not', () => {
    const plain = decodeRecordPayload(encode('{"id":"1"}'), position);
    const gzipped = decodeRecordPayload(gzipSync(encode('{"id":"1"}')), position);
    expect(plain).toEqual([{ ok: true, position, value: { id: '1' } }]);
    expect(gzipped).toEqual(plain);
  });

  it('does not treat a payload as NDJSON', () => {
    const [item] = decodeRecordPayload(encode('{"a":1}\n{"b":2}'), position);
    expect(item).toMatchObject({ ok: false, position });
  });

  it('rejects __proto__ keys, located in the reason', () => {
    const [item] = decodeRecordPayload(encode('{"detail":{"list":[{"__proto__":1}]}}'), position);
    expect(item).toEqual({
      ok: false,
      position,
      reason: 'forbidden key __proto__ at .detail.list[0].__proto__',
    });
  });
});

describe('formatPosition', () => {
  it.each([
    [[], ''],
    [['Records', 3, 'eventTime'], 'Records[3].eventTime'],
    [['line', 12], 'line 12'],
    [['line', 2, 'detail', 'status'], 'line 2.detail.status'],
    [[0, 'detail', 'detail-type'], '[0].detail.detail-type'],
    [['detail', 'odd key'], 'detail["odd key"]'],
  ])('formats %j as %j', (position, expected) => {
    expect(formatPosition(position)).toBe(expected);
  });
});
