/// <reference lib="dom" />
import type { IncidentDetailView } from '../api-schema.ts';
import { h, s } from './dom.ts';
import { layoutTimeline, type TimelineLayout } from './timeline-layout.ts';

/**
 * The incident chart as inline SVG, drawn from the layout. Colours come from the stylesheet
 * (classes only), so the chart follows the page's light or dark scheme; every shape has a
 * `<title>` (a tooltip, and a name for assistive technology), and the tables below the chart
 * carry the same facts as text.
 */

export function timelineChart(incident: IncidentDetailView, width: number, nowMs: number): SVGSVGElement {
  const layout = layoutTimeline(incident, Math.max(300, Math.floor(width)), nowMs);
  const top = layout.axisY;
  const bottom = layout.height - 6;
  return s(
    'svg',
    {
      class: 'timeline-chart',
      width: layout.width,
      height: layout.height,
      viewBox: `0 0 ${layout.width} ${layout.height}`,
      role: 'img',
      'aria-label': `Timeline: ${incident.executions.length} execution runs, ${incident.alarms.length} alarms, ${incident.apiCalls.length} API calls`,
      'data-testid': 'timeline-chart',
    },
    s(
      'defs',
      {},
      s(
        'pattern',
        { id: 'hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
        s('rect', { width: 6, height: 6, class: 'hatch-bg' }),
        s('line', { x1: 0, y1: 0, x2: 0, y2: 6, class: 'hatch-line' }),
      ),
    ),
    grid(layout, top, bottom),
    ...layout.separators.map((y) => s('line', { class: 'separator', x1: 0, x2: layout.width, y1: y, y2: y })),
    ...layout.labels.map((label) =>
      s(
        'text',
        {
          class: label.group ? 'lane-label group' : 'lane-label',
          x: 4,
          y: label.y,
          'dominant-baseline': 'middle',
        },
        s('title', {}, label.title),
        label.text,
      ),
    ),
    ...layout.openPeriods.map((period) =>
      s(
        'rect',
        {
          class: 'open-period',
          x: period.x,
          y: layout.incidentLane.y + 5,
          width: period.width,
          height: layout.incidentLane.height - 10,
          rx: 2,
          'data-testid': 'open-period',
        },
        s('title', {}, period.title),
      ),
    ),
    ...layout.bars.map((bar) =>
      s(
        'rect',
        {
          class: `bar tone-${bar.tone}`,
          x: bar.x,
          y: bar.y,
          width: bar.width,
          height: bar.height,
          rx: 2,
          'data-testid': 'execution-bar',
          'data-status': bar.status,
          'data-name': bar.name,
        },
        s('title', {}, bar.title),
      ),
    ),
    ...layout.alarms.map((lane) =>
      s(
        'g',
        { class: 'alarm-lane', 'data-testid': 'alarm-lane', 'data-alarm': lane.alarmName },
        ...lane.segments.flatMap((segment) => [
          s(
            'rect',
            {
              class: `band state-${segment.state}${segment.before ? ' before' : ''}`,
              x: segment.x,
              y: lane.y,
              width: segment.width,
              height: lane.height,
              'data-testid': 'alarm-segment',
              'data-state': segment.state,
              'data-suppressed': String(segment.suppressed),
            },
            s('title', {}, segment.title),
          ),
          segment.suppressed
            ? s('rect', {
                class: 'suppressed',
                x: segment.x,
                y: lane.y,
                width: segment.width,
                height: lane.height,
                fill: 'url(#hatch)',
                'aria-hidden': 'true',
              })
            : null,
          segment.label === undefined
            ? null
            : s(
                'text',
                {
                  class: `band-label${segment.suppressed ? ' on-hatch' : ''}${segment.before ? ' on-light' : ''}`,
                  x: segment.x + 4,
                  y: lane.y + lane.height / 2,
                  'dominant-baseline': 'middle',
                  'aria-hidden': 'true',
                },
                segment.label,
              ),
        ]),
      ),
    ),
    ...layout.apiMarkers.map((marker) =>
      s(
        'g',
        {
          class: marker.failed ? 'api-marker failed' : 'api-marker',
          'data-testid': 'api-marker',
          'data-actor': marker.actor,
        },
        s('title', {}, marker.title),
        s('path', {
          d: `M${marker.x} ${marker.y - 5} l5 5 l-5 5 l-5 -5 z`,
          class: 'diamond',
        }),
        s('line', { class: 'stem', x1: marker.x, x2: marker.x, y1: marker.y + 5, y2: marker.labelY - 9 }),
        s(
          'text',
          { class: 'api-label', x: marker.labelX, y: marker.labelY, 'text-anchor': marker.anchor },
          marker.label,
        ),
      ),
    ),
    ...layout.marks.map((mark) =>
      s(
        'g',
        { class: `incident-mark mark-${mark.kind}`, 'data-testid': 'incident-mark', 'data-kind': mark.kind },
        s('title', {}, mark.title),
        s('line', { x1: mark.x, x2: mark.x, y1: layout.incidentLane.y + 2, y2: bottom }),
        s('path', { d: `M${mark.x} ${layout.incidentLane.y + 2} l6 4 l-6 4 z` }),
      ),
    ),
  );
}

function grid(layout: TimelineLayout, top: number, bottom: number): SVGGElement {
  return s(
    'g',
    { class: 'axis', 'aria-hidden': 'true' },
    s('line', { class: 'axis-line', x1: layout.plotLeft, x2: layout.plotRight, y1: top, y2: top }),
    ...layout.ticks.flatMap((tick) => [
      s('line', { class: 'tick', x1: tick.x, x2: tick.x, y1: top, y2: bottom }),
      s('text', { class: 'tick-label', x: tick.x, y: top - 8, 'text-anchor': 'middle' }, tick.label),
    ]),
    s('text', { class: 'tick-label unit', x: layout.plotRight, y: 10, 'text-anchor': 'end' }, 'UTC'),
  );
}

/** The key to the chart's colours and shapes, as HTML under it. */
export function chartLegend(): HTMLElement {
  const item = (swatch: string, text: string) =>
    h('li', {}, h('span', { class: `swatch ${swatch}`, 'aria-hidden': 'true' }), text);
  return h(
    'ul',
    { class: 'legend', 'aria-label': 'Legend' },
    item('tone-failed', 'Run failed or timed out'),
    item('tone-aborted', 'Run aborted'),
    item('tone-succeeded', 'Run succeeded'),
    item('tone-running', 'Run still running'),
    item('state-ALARM', 'Alarm in ALARM'),
    item('state-ALARM suppressed-swatch', 'ALARM, actions suppressed'),
    item('state-OK', 'Alarm OK'),
    item('state-INSUFFICIENT_DATA', 'Insufficient data'),
    item('api', 'API call (red: it failed)'),
    item('open', 'Incident open'),
  );
}
