import { describe, expect, it } from 'vitest';
import { parseTimestamp, toIso } from '../../../src/core/signals/time.ts';

describe('parseTimestamp', () => {
  it.each([
    ['2019-10-02T17:04:40.989+0000', '2019-10-02T17:04:40.989Z'],
    ['2016-10-28T01:17:56Z', '2016-10-28T01:17:56.000Z'],
    ['2024-02-29T23:30:00.5+05:30', '2024-02-29T18:00:00.500Z'],
    ['2024-01-01T00:00:00.123456789-01', '2024-01-01T01:00:00.123Z'],
  ])('reads %s as %s', (text, iso) => {
    const ms = parseTimestamp(text);
    expect(ms === undefined ? undefined : toIso(ms)).toBe(iso);
  });

  it.each([
    '2019-04-31T00:00:00Z',
    '2023-02-29T00:00:00Z',
    '2019-10-02T24:00:00Z',
    '2019-10-02T17:04:40',
    '1969-12-31T23:59:59Z',
    '2019-10-02 17:04:40Z',
    '2019-10-02T17:04:40+2400',
    'yesterday',
  ])('refuses %s', (text) => {
    expect(parseTimestamp(text)).toBeUndefined();
  });
});
