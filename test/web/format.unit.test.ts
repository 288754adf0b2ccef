import { describe, expect, it } from 'vitest';
import { ageText, durationText, utcClock, utcText } from '../../src/web/client/format.ts';

describe('times and durations on the page', () => {
  it('shows times in UTC', () => {
    expect(utcText('2026-11-20T08:58:30.000Z')).toBe('2026-11-20 08:58:30 UTC');
    expect(utcText('2026-11-20T09:58:30+01:00', false)).toBe('2026-11-20 08:58 UTC');
    expect(utcText('not a time')).toBe('not a time');
    expect(utcClock(Date.parse('2026-11-20T09:22:03.500Z'))).toBe('09:22:03');
  });

  it('shows durations in their two largest units', () => {
    expect(durationText(450)).toBe('450 ms');
    expect(durationText(30_000)).toBe('30 s');
    expect(durationText(155_000)).toBe('2 min 35 s');
    expect(durationText(3_605_000)).toBe('1 h');
    expect(durationText(3_900_000)).toBe('1 h 5 min');
    expect(durationText(2 * 86_400_000 + 4 * 3_600_000 + 59_000)).toBe('2 d 4 h');
    expect(durationText(-1)).toBe('—');
  });

  it('shows ages coarsely, in whole minutes', () => {
    const now = Date.parse('2026-11-21T21:00:00.000Z');
    expect(ageText(now - 30_000, now)).toBe('just now');
    expect(ageText(now - 5 * 60_000 - 59_000, now)).toBe('5 min');
    expect(ageText(Date.parse('2026-11-20T08:58:30.000Z'), now)).toBe('1 d 12 h');
    expect(ageText(now + 3_600_000, now)).toBe('in the future');
  });
});
