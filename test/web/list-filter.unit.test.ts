import { describe, expect, it } from 'vitest';
import type { IncidentSummary } from '../../src/web/api-schema.ts';
import { applyChange, filterFromSearch, matchesFilter, searchOf } from '../../src/web/client/list-filter.ts';

const CHECKOUT = 'arn:aws:states:us-east-1:111122223333:stateMachine:checkout';
const BILLING = 'arn:aws:states:us-east-1:111122223333:stateMachine:billing';

function row(id: string, overrides: Partial<IncidentSummary> = {}): IncidentSummary {
  return {
    id,
    title: `${id} title`,
    stateMachineArn: CHECKOUT,
    status: 'OPEN',
    severity: 'SEV3',
    openedAt: '2026-11-20T09:00:00.000Z',
    lastSignalAt: '2026-11-20T09:00:00.000Z',
    resolvedAt: null,
    flapCount: 0,
    failedExecutions: 1,
    linkedAlarms: 0,
    alarmsFiring: 0,
    topHint: null,
    updatedAt: '2026-11-20T09:00:00.000Z',
    version: 1,
    ...overrides,
  };
}

describe('the list filter', () => {
  it('round-trips through the address bar, dropping values the page does not offer', () => {
    const filter = filterFromSearch(`?status=RESOLVED&stateMachine=${encodeURIComponent(CHECKOUT)}&since=6h`);
    expect(filter).toEqual({ status: 'RESOLVED', stateMachineArn: CHECKOUT, since: '6h' });
    expect(filterFromSearch(searchOf(filter))).toEqual(filter);
    expect(filterFromSearch('?status=open&since=5y&limit=9')).toEqual({});
    expect(searchOf({})).toBe('');
  });

  it('matches rows the way the server queries: open and resolved by default, superseded only when asked', () => {
    expect(matchesFilter(row('a', { status: 'RESOLVED' }), {}, undefined)).toBe(true);
    expect(matchesFilter(row('a', { status: 'SUPERSEDED' }), {}, undefined)).toBe(false);
    expect(matchesFilter(row('a', { status: 'SUPERSEDED' }), { status: 'SUPERSEDED' }, undefined)).toBe(true);
    expect(matchesFilter(row('a'), { status: 'RESOLVED' }, undefined)).toBe(false);
    expect(matchesFilter(row('a'), { stateMachineArn: BILLING }, undefined)).toBe(false);
    expect(matchesFilter(row('a'), { since: '1h' }, '2026-11-20T09:00:00.000Z')).toBe(true);
    expect(matchesFilter(row('a'), { since: '1h' }, '2026-11-20T09:00:00.001Z')).toBe(false);
  });

  it('places a changed row: replaced in place, added newest first, removed when it leaves the filter', () => {
    const rows = [row('b', { openedAt: '2026-11-20T10:00:00.000Z' }), row('a')];
    const newer = row('c', { openedAt: '2026-11-20T11:00:00.000Z' });
    expect(applyChange(rows, newer, {}, undefined, 10).map((r) => r.id)).toEqual(['c', 'b', 'a']);
    expect(applyChange(rows, newer, {}, undefined, 2).map((r) => r.id)).toEqual(['c', 'b']);
    const escalated = applyChange(rows, row('a', { severity: 'SEV1' }), {}, undefined, 10);
    expect(escalated.map((r) => `${r.id} ${r.severity}`)).toEqual(['b SEV3', 'a SEV1']);
    const resolved = row('b', { openedAt: '2026-11-20T10:00:00.000Z', status: 'RESOLVED' });
    expect(applyChange(rows, resolved, { status: 'OPEN' }, undefined, 10).map((r) => r.id)).toEqual(['a']);
    expect(
      applyChange(rows, row('d', { stateMachineArn: BILLING }), { stateMachineArn: CHECKOUT }, undefined, 10),
    ).toEqual(rows);
  });

  it('ignores a copy older than the row shown (a change that raced a reload)', () => {
    const shown = [row('a', { version: 7, severity: 'SEV1' })];
    expect(applyChange(shown, row('a', { version: 6, severity: 'SEV3' }), {}, undefined, 10)).toEqual(shown);
    const resolved = applyChange(shown, row('a', { version: 7, status: 'RESOLVED' }), {}, undefined, 10);
    expect(resolved.map((r) => r.status)).toEqual(['RESOLVED']);
    expect(applyChange(shown, row('a', { version: 8, status: 'SUPERSEDED' }), {}, undefined, 10)).toEqual([]);
  });
});
