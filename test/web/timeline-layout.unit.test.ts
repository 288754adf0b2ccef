import { describe, expect, it } from 'vitest';
import type { ExecutionView, IncidentDetailView } from '../../src/web/api-schema.ts';
import { layoutTimeline, truncate } from '../../src/web/client/timeline-layout.ts';
import { detailOf } from '../../src/web/incident-views.ts';
import { demoIncidentDetail } from './demo-incident.ts';

const NOW = Date.parse('2026-11-21T12:00:00.000Z');

describe('the incident chart layout', () => {
  it('puts runs, alarm states, API calls and the incident marks of the demo on one time axis', async () => {
    const incident = detailOf(await demoIncidentDetail());
    const layout = layoutTimeline(incident, 1000, NOW);
    const inPlot = (x: number) => x >= layout.plotLeft && x <= layout.plotRight;

    expect(layout.bars.map((bar) => `${bar.name} ${bar.tone}`)).toEqual([
      'run-102 failed',
      'run-103 failed',
      'run-104 aborted',
      'run-105 failed',
    ]);
    expect(layout.bars.every((bar) => inPlot(bar.x) && inPlot(bar.x + bar.width))).toBe(true);
    // One scale for everything: run-104 ran 155 s, run-102 30 s.
    const [run102, , run104] = layout.bars;
    expect((run104?.width ?? 0) / (run102?.width ?? 1)).toBeCloseTo(155 / 30, 1);

    expect(
      layout.alarms.map((lane) => [
        lane.alarmName,
        lane.segments.map((s) => `${s.state}${s.suppressed ? '/suppressed' : ''}`),
      ]),
    ).toEqual([
      ['checkout-charge-card-errors', ['OK', 'ALARM', 'OK']],
      ['checkout-executions-failed', ['OK', 'ALARM', 'OK']],
      ['checkout-health', ['OK', 'ALARM/suppressed', 'OK']],
    ]);
    const [chargeCard] = layout.alarms;
    expect(chargeCard?.segments.map((s) => s.before)).toEqual([true, false, false]);
    // The bands tile the axis: each state starts where the previous one ended.
    const segments = chargeCard?.segments ?? [];
    expect(segments[0]?.x).toBe(layout.plotLeft);
    expect(
      segments.slice(1).map((s, i) => s.x - ((segments[i]?.x ?? 0) + (segments[i]?.width ?? 0))),
    ).toEqual([0, 0]);
    expect(segments[1]?.title).toBe(
      'checkout-charge-card-errors: ALARM from 08:58:30 to 09:19:30 UTC\nThreshold Crossed: 1 out of the last 1 datapoints [4.0 (20/11/26 08:57:00)] was greater than or equal to the threshold (1.0).',
    );

    expect(layout.apiMarkers.map((m) => [m.actor, m.failed])).toEqual([
      ['alice@example.com', false],
      ['bob', false],
      ['alice@example.com', false],
    ]);
    expect(layout.apiMarkers[0]?.x).toBeLessThan(run102?.x ?? 0);
    expect(layout.marks.map((m) => m.kind)).toEqual(['opened', 'resolved']);
    expect(layout.openPeriods).toHaveLength(1);
    expect(layout.openPeriods[0]?.x).toBe(layout.marks[0]?.x);
    expect(layout.ticks.map((t) => t.label)).toEqual([
      '08:40',
      '08:45',
      '08:50',
      '08:55',
      '09:00',
      '09:05',
      '09:10',
      '09:15',
      '09:20',
    ]);
  });

  it('keeps everything inside a narrow chart and shortens labels instead', async () => {
    const incident = detailOf(await demoIncidentDetail());
    const layout = layoutTimeline(incident, 358, NOW);
    expect(layout.plotRight).toBe(346);
    const xs = [
      ...layout.bars.flatMap((b) => [b.x, b.x + b.width]),
      ...layout.alarms.flatMap((a) => a.segments.flatMap((s) => [s.x, s.x + s.width])),
      ...layout.apiMarkers.map((m) => m.x),
      ...layout.ticks.map((t) => t.x),
    ];
    expect(xs.every((x) => x >= layout.plotLeft - 0.001 && x <= layout.plotRight + 0.001)).toBe(true);
    expect(layout.labels.filter((l) => !l.group).map((l) => l.text)).toContain('checkout-c…');
    expect(layout.alarms[2]?.segments[1]?.label).toBeUndefined();
    expect(layout.ticks.length).toBeLessThanOrEqual(4);
  });

  it('shares lanes when there are too many runs for one each, and marks reopenings', async () => {
    const demo = detailOf(await demoIncidentDetail());
    const start = Date.parse('2026-11-20T09:00:00.000Z');
    const executions = Array.from(
      { length: 30 },
      (_, i): ExecutionView => ({
        executionArn: `arn:aws:states:us-east-1:111122223333:execution:checkout:run-${i}`,
        name: `run-${i}`,
        status: i % 3 === 0 ? 'SUCCEEDED' : 'FAILED',
        redriveCount: 0,
        startDate: new Date(start + i * 30_000).toISOString(),
        stopDate: new Date(start + i * 30_000 + 20_000).toISOString(),
        signalId: `run-${i}`,
      }),
    );
    const incident: IncidentDetailView = {
      ...demo,
      status: 'OPEN',
      resolvedAt: null,
      executions,
      timeline: [
        { at: '2026-11-20T09:00:00.000Z', kind: 'incident-opened', summary: 'Incident opened' },
        { at: '2026-11-20T09:05:00.000Z', kind: 'incident-resolved', summary: 'Incident resolved' },
        { at: '2026-11-20T09:10:00.000Z', kind: 'incident-reopened', summary: 'Incident reopened' },
      ],
    };
    const layout = layoutTimeline(incident, 1000, NOW);
    expect(layout.bars).toHaveLength(30);
    expect(new Set(layout.bars.map((b) => b.y)).size).toBe(1);
    expect(layout.labels.map((l) => l.text)).toContain('Executions (30)');
    expect(layout.marks.map((m) => m.kind)).toEqual(['opened', 'resolved', 'reopened']);
    expect(layout.openPeriods).toHaveLength(2);
    expect(layout.openPeriods[1]?.title).toMatch(/^Open since 09:10:00 UTC/);
  });

  it('cuts text with an ellipsis', () => {
    expect(truncate('checkout-charge-card-errors', 10)).toBe('checkout-…');
    expect(truncate('short', 10)).toBe('short');
  });
});
