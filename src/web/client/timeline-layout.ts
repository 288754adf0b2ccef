import { actorName } from '../../core/incident/describe.ts';
import type { AlarmView, ExecutionView, IncidentDetailView } from '../api-schema.ts';

/**
 * Where everything of the incident chart goes, computed without the DOM (so it is unit-tested
 * in Node): one time axis; a lane for the incident itself with its open periods and marks; a
 * lane per execution run (packed when there are many); a state band per linked alarm; one lane
 * of API-call markers with their actors. The renderer only turns this into SVG elements.
 */

export type Tone = 'failed' | 'aborted' | 'succeeded' | 'running' | 'unknown';
export type AlarmStateName = AlarmView['state'];
export type MarkKind = 'opened' | 'resolved' | 'reopened';

export interface Tick {
  readonly x: number;
  readonly label: string;
}
export interface LaneLabel {
  readonly y: number;
  readonly text: string;
  readonly title: string;
  readonly group: boolean;
}
export interface ExecutionBar {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly tone: Tone;
  readonly status: string;
  readonly name: string;
  readonly title: string;
}
export interface AlarmSegment {
  readonly x: number;
  readonly width: number;
  readonly state: AlarmStateName;
  readonly suppressed: boolean;
  /** The state written inside the band, when it fits there. */
  readonly label: string | undefined;
  /** The state before the first transition seen: known from that transition's `from`. */
  readonly before: boolean;
  readonly title: string;
}
export interface AlarmLane {
  readonly alarmName: string;
  readonly y: number;
  readonly height: number;
  readonly segments: readonly AlarmSegment[];
}
export interface ApiMarker {
  readonly x: number;
  readonly y: number;
  readonly label: string;
  readonly labelX: number;
  readonly labelY: number;
  readonly anchor: 'start' | 'end';
  readonly failed: boolean;
  readonly actor: string;
  readonly title: string;
}
export interface IncidentMark {
  readonly x: number;
  readonly kind: MarkKind;
  readonly title: string;
}
export interface OpenPeriod {
  readonly x: number;
  readonly width: number;
  readonly title: string;
}

export interface TimelineLayout {
  readonly width: number;
  readonly height: number;
  readonly labelWidth: number;
  readonly plotLeft: number;
  readonly plotRight: number;
  readonly axisY: number;
  readonly ticks: readonly Tick[];
  readonly labels: readonly LaneLabel[];
  readonly incidentLane: { readonly y: number; readonly height: number };
  readonly openPeriods: readonly OpenPeriod[];
  readonly marks: readonly IncidentMark[];
  readonly bars: readonly ExecutionBar[];
  readonly alarms: readonly AlarmLane[];
  readonly apiMarkers: readonly ApiMarker[];
  /** Where the group separators go. */
  readonly separators: readonly number[];
}

const AXIS_HEIGHT = 26;
const GROUP_HEIGHT = 22;
const LANE_HEIGHT = 22;
const BAR_HEIGHT = 14;
const API_LABEL_ROW = 15;
const MAX_API_LABEL_ROWS = 3;
const CHAR_WIDTH = 6.4;
const MIN_BAR_WIDTH = 3;
/** Beyond this many runs, lanes are shared (packed by time) instead of one per run. */
const MAX_NAMED_LANES = 20;
const BOTTOM_PADDING = 10;

const TONES: Readonly<Record<string, Tone>> = {
  FAILED: 'failed',
  TIMED_OUT: 'failed',
  ABORTED: 'aborted',
  SUCCEEDED: 'succeeded',
  RUNNING: 'running',
  PENDING_REDRIVE: 'running',
};

const TICK_STEPS_MS = [
  1_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000,
  7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000, 172_800_000, 604_800_000,
];

const ms = (iso: string | undefined | null): number | undefined => {
  if (iso === undefined || iso === null) return undefined;
  const value = Date.parse(iso);
  return Number.isNaN(value) ? undefined : value;
};

const clock = (value: number, seconds: boolean) => new Date(value).toISOString().slice(11, seconds ? 19 : 16);

export function truncate(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return maxChars <= 1 ? '…' : `${text.slice(0, maxChars - 1)}…`;
}

export function layoutTimeline(incident: IncidentDetailView, width: number, nowMs: number): TimelineLayout {
  const labelWidth = Math.round(Math.min(200, Math.max(84, width * 0.24)));
  const plotLeft = labelWidth + 8;
  const plotRight = width - 12;
  const [startMs, endMs] = domainOf(incident, nowMs);
  const x = (t: number) => plotLeft + ((t - startMs) / (endMs - startMs)) * (plotRight - plotLeft);
  const maxLabelChars = Math.floor((labelWidth - 10) / CHAR_WIDTH);
  const labels: LaneLabel[] = [];
  const separators: number[] = [];
  let y = AXIS_HEIGHT + 6;

  const incidentLane = { y, height: LANE_HEIGHT };
  labels.push({ y: y + LANE_HEIGHT / 2, text: 'Incident', title: incident.title, group: true });
  const marks = marksOf(incident).map((mark) => ({ ...mark, x: x(mark.at) }));
  const openPeriods = openPeriodsOf(marks, endMs, nowMs).map(({ from, to, title }) => ({
    x: x(from),
    width: Math.max(MIN_BAR_WIDTH, x(to) - x(from)),
    title,
  }));
  y += LANE_HEIGHT;

  const group = (text: string) => {
    separators.push(y + 2);
    labels.push({ y: y + GROUP_HEIGHT / 2 + 3, text, title: text, group: true });
    y += GROUP_HEIGHT;
  };

  group(`Executions (${incident.executions.length})`);
  const bars: ExecutionBar[] = [];
  const lanes = executionLanes(incident.executions, endMs);
  for (const lane of lanes) {
    if (lane.label !== undefined) {
      labels.push({
        y: y + LANE_HEIGHT / 2,
        text: truncate(lane.label, maxLabelChars),
        title: lane.label,
        group: false,
      });
    }
    for (const run of lane.runs) {
      const x0 = x(run.from);
      bars.push({
        x: x0,
        y: y + (LANE_HEIGHT - BAR_HEIGHT) / 2,
        width: Math.max(MIN_BAR_WIDTH, x(run.to) - x0),
        height: BAR_HEIGHT,
        tone: TONES[run.execution.status] ?? 'unknown',
        status: run.execution.status,
        name: run.execution.name,
        title: executionTitle(run.execution),
      });
    }
    y += LANE_HEIGHT;
  }

  group(`Alarms (${incident.alarms.length})`);
  const alarms: AlarmLane[] = [];
  for (const alarm of incident.alarms) {
    labels.push({
      y: y + LANE_HEIGHT / 2,
      text: truncate(alarm.alarmName, maxLabelChars),
      title: alarm.alarmName,
      group: false,
    });
    const segments = alarmSegments(alarm, startMs, endMs).map((segment) => {
      const segmentWidth = Math.max(MIN_BAR_WIDTH, x(segment.to) - x(segment.from));
      const text = segment.suppressed ? `${segment.state} (suppressed)` : segment.state;
      return {
        ...segment,
        x: x(segment.from),
        width: segmentWidth,
        label: text.length * CHAR_WIDTH + 8 <= segmentWidth ? text : undefined,
      };
    });
    alarms.push({
      alarmName: alarm.alarmName,
      y: y + (LANE_HEIGHT - BAR_HEIGHT) / 2,
      height: BAR_HEIGHT,
      segments,
    });
    y += LANE_HEIGHT;
  }

  group(`API calls (${incident.apiCalls.length})`);
  const { markers: apiMarkers, rows } = apiMarkersOf(incident, x, y, plotLeft, plotRight);
  y += rows === 0 ? LANE_HEIGHT : 12 + rows * API_LABEL_ROW;

  return {
    width,
    height: y + BOTTOM_PADDING,
    labelWidth,
    plotLeft,
    plotRight,
    axisY: AXIS_HEIGHT,
    ticks: ticksOf(startMs, endMs, x, plotRight - plotLeft),
    labels,
    incidentLane,
    openPeriods,
    marks: marks.map(({ x: markX, kind, title }) => ({ x: markX, kind, title })),
    bars,
    alarms,
    apiMarkers,
    separators,
  };
}

/** Everything the incident names, padded a little; at least a minute, so a lone event has room. */
function domainOf(incident: IncidentDetailView, nowMs: number): [number, number] {
  const times = [
    ms(incident.openedAt),
    ms(incident.resolvedAt),
    ms(incident.lastSignalAt),
    ...incident.executions.flatMap((e) => [ms(e.startDate), ms(e.stopDate)]),
    ...incident.alarms.flatMap((a) => a.transitions.map((t) => ms(t.at))),
    ...incident.apiCalls.map((c) => ms(c.eventTime)),
    ...incident.timeline.map((t) => ms(t.at)),
  ].filter((t): t is number => t !== undefined);
  const first = times.length === 0 ? nowMs : Math.min(...times);
  const last = times.length === 0 ? nowMs : Math.max(...times);
  const span = Math.max(60_000, last - first);
  const pad = span * 0.03;
  return [first - pad, first + span + pad];
}

function ticksOf(startMs: number, endMs: number, x: (t: number) => number, plotWidth: number): Tick[] {
  const minGap = 70;
  const span = endMs - startMs;
  const step =
    TICK_STEPS_MS.find((candidate) => (candidate / span) * plotWidth >= minGap) ??
    TICK_STEPS_MS.at(-1) ??
    span;
  const seconds = step < 60_000;
  const days = span > 86_400_000;
  const ticks: Tick[] = [];
  for (let t = Math.ceil(startMs / step) * step; t <= endMs; t += step) {
    const label = days ? `${new Date(t).toISOString().slice(5, 10)} ${clock(t, false)}` : clock(t, seconds);
    ticks.push({ x: x(t), label });
  }
  return ticks;
}

interface Mark {
  readonly at: number;
  readonly kind: MarkKind;
  readonly title: string;
}

const MARK_KINDS: Readonly<Record<string, MarkKind>> = {
  'incident-opened': 'opened',
  'incident-resolved': 'resolved',
  'incident-reopened': 'reopened',
};

/** From the timeline; the header's own times stand in when the timeline was cut. */
function marksOf(incident: IncidentDetailView): Mark[] {
  const marks: Mark[] = [];
  for (const entry of incident.timeline) {
    const kind = MARK_KINDS[entry.kind];
    const at = ms(entry.at);
    if (kind !== undefined && at !== undefined) marks.push({ at, kind, title: markTitle(kind, at) });
  }
  const opened = ms(incident.openedAt);
  if (!marks.some((m) => m.kind === 'opened') && opened !== undefined) {
    marks.unshift({ at: opened, kind: 'opened', title: markTitle('opened', opened) });
  }
  const resolved = ms(incident.resolvedAt);
  if (incident.status === 'RESOLVED' && resolved !== undefined && !marks.some((m) => m.at === resolved)) {
    marks.push({ at: resolved, kind: 'resolved', title: markTitle('resolved', resolved) });
  }
  return marks.sort((a, b) => a.at - b.at);
}

const markTitle = (kind: MarkKind, at: number) => `Incident ${kind} at ${clock(at, true)} UTC`;

/** Open from each opening (or reopening) to the next resolution, or to the chart's end. */
function openPeriodsOf(
  marks: readonly Mark[],
  endMs: number,
  nowMs: number,
): { from: number; to: number; title: string }[] {
  const periods: { from: number; to: number; title: string }[] = [];
  let openSince: number | undefined;
  for (const mark of marks) {
    if (mark.kind !== 'resolved' && openSince === undefined) openSince = mark.at;
    if (mark.kind === 'resolved' && openSince !== undefined) {
      periods.push({ from: openSince, to: mark.at, title: periodTitle(openSince, mark.at) });
      openSince = undefined;
    }
  }
  if (openSince !== undefined) {
    periods.push({
      from: openSince,
      to: endMs,
      title: `Open since ${clock(openSince, true)} UTC (${ageOf(openSince, nowMs)})`,
    });
  }
  return periods;
}

const periodTitle = (from: number, to: number) => `Open from ${clock(from, true)} to ${clock(to, true)} UTC`;
const ageOf = (from: number, nowMs: number) =>
  `${Math.max(0, Math.round((nowMs - from) / 60_000))} min so far`;

interface Run {
  readonly execution: ExecutionView;
  readonly from: number;
  readonly to: number;
}

/** One lane per run while they fit; otherwise runs share lanes, each placed in the first free one. */
function executionLanes(
  executions: readonly ExecutionView[],
  endMs: number,
): { label: string | undefined; runs: Run[] }[] {
  const runs = executions
    .map((execution): Run | undefined => {
      const stop = ms(execution.stopDate);
      const start = ms(execution.startDate) ?? stop;
      if (start === undefined) return undefined;
      return { execution, from: start, to: stop ?? endMs };
    })
    .filter((run): run is Run => run !== undefined)
    .sort((a, b) => a.from - b.from || a.to - b.to);
  if (runs.length <= MAX_NAMED_LANES) return runs.map((run) => ({ label: run.execution.name, runs: [run] }));
  const lanes: { label: string | undefined; runs: Run[]; end: number }[] = [];
  for (const run of runs) {
    const free = lanes.find((lane) => lane.end < run.from);
    if (free === undefined) lanes.push({ label: undefined, runs: [run], end: run.to });
    else {
      free.runs.push(run);
      free.end = run.to;
    }
  }
  return lanes;
}

function executionTitle(execution: ExecutionView): string {
  const lines = [`${execution.name}: ${execution.status}`];
  if (execution.startDate !== undefined)
    lines.push(`started ${clock(Date.parse(execution.startDate), true)} UTC`);
  if (execution.stopDate !== undefined)
    lines.push(`stopped ${clock(Date.parse(execution.stopDate), true)} UTC`);
  if (execution.error !== undefined) lines.push(`error: ${execution.error}`);
  if (execution.redriveCount > 0) lines.push(`redriven ${execution.redriveCount}×`);
  return lines.join('\n');
}

/** The alarm's state over time, from its transitions (sorted by the alarm's own timestamps). */
function alarmSegments(
  alarm: AlarmView,
  startMs: number,
  endMs: number,
): {
  from: number;
  to: number;
  state: AlarmStateName;
  suppressed: boolean;
  before: boolean;
  title: string;
}[] {
  const transitions = alarm.transitions
    .map((transition) => ({ transition, at: ms(transition.at) }))
    .filter((t): t is { transition: (typeof alarm.transitions)[number]; at: number } => t.at !== undefined)
    .sort((a, b) => a.at - b.at);
  const segments: {
    from: number;
    to: number;
    state: AlarmStateName;
    suppressed: boolean;
    before: boolean;
    title: string;
  }[] = [];
  const first = transitions[0];
  if (first?.transition.from !== undefined) {
    segments.push({
      from: startMs,
      to: first.at,
      state: first.transition.from,
      suppressed: false,
      before: true,
      title: `${alarm.alarmName}: ${first.transition.from} until ${clock(first.at, true)} UTC`,
    });
  }
  transitions.forEach(({ transition, at }, index) => {
    const next = transitions[index + 1]?.at ?? endMs;
    const suppressed = transition.suppressedBy !== undefined && transition.to === 'ALARM';
    const lines = [
      `${alarm.alarmName}: ${transition.to} from ${clock(at, true)}${next === endMs ? '' : ` to ${clock(next, true)}`} UTC`,
    ];
    if (suppressed)
      lines.push(
        `actions suppressed (${transition.suppressedBy ?? ''}${alarm.suppressor === undefined ? '' : ` by ${alarm.suppressor}`})`,
      );
    if (transition.reason !== undefined) lines.push(transition.reason);
    segments.push({
      from: at,
      to: next,
      state: transition.to,
      suppressed,
      before: false,
      title: lines.join('\n'),
    });
  });
  return segments;
}

/** Markers on one line; labels below in up to three rows, each placed where it overlaps nothing. */
function apiMarkersOf(
  incident: IncidentDetailView,
  x: (t: number) => number,
  laneY: number,
  plotLeft: number,
  plotRight: number,
): { markers: ApiMarker[]; rows: number } {
  const rowEnds: number[] = [];
  const markerY = laneY + 6;
  const markers = incident.apiCalls
    .map((call) => ({ call, at: ms(call.eventTime) }))
    .filter((c): c is { call: (typeof incident.apiCalls)[number]; at: number } => c.at !== undefined)
    .sort((a, b) => a.at - b.at)
    .map(({ call, at }): ApiMarker => {
      const markerX = x(at);
      const actor = actorName(call.actor);
      const maxChars = Math.max(8, Math.floor((plotRight - plotLeft) / 2 / CHAR_WIDTH));
      // The actor first: on a narrow chart the label is cut, and who acted matters most.
      const label = truncate(`${actor} · ${call.eventName}`, maxChars);
      const labelWidth = label.length * CHAR_WIDTH;
      const anchor: ApiMarker['anchor'] = markerX + 6 + labelWidth > plotRight ? 'end' : 'start';
      const left = anchor === 'start' ? markerX + 4 : markerX - 4 - labelWidth;
      let row = rowEnds.findIndex((end) => end < left);
      if (row === -1 && rowEnds.length < MAX_API_LABEL_ROWS) row = rowEnds.push(0) - 1;
      if (row === -1) row = rowEnds.indexOf(Math.min(...rowEnds));
      rowEnds[row] = left + labelWidth + 8;
      const failed = call.errorCode !== undefined;
      const lines = [`${call.eventName} by ${actor} at ${clock(at, true)} UTC`];
      if (call.sourceIPAddress !== undefined) lines.push(`from ${call.sourceIPAddress}`);
      if (failed) lines.push(`error: ${call.errorCode ?? ''}`);
      return {
        x: markerX,
        y: markerY,
        label,
        labelX: anchor === 'start' ? markerX + 4 : markerX - 4,
        labelY: laneY + 12 + (row + 1) * API_LABEL_ROW - 4,
        anchor,
        failed,
        actor,
        title: lines.join('\n'),
      };
    });
  return { markers, rows: rowEnds.length };
}
