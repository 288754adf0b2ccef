/**
 * The mix profile: many state machines, each with its Lambda functions and alarms; runs that mostly
 * succeed; failures clustered into outages (a deploy before, alarms firing, an operator stopping a
 * stuck run, alarms recovering, successes after); background alarm noise and API calls; the odd
 * event no rule wants. Exactly `events` events, a few hot state machines carrying most of them.
 */

import {
  type EventSink,
  emitAlarmTransition,
  emitAlarmUpdate,
  emitApiCall,
  emitRun,
  emitSetUp,
} from './emitters.ts';
import { eventBridgeEvent, type JsonObject } from './events.ts';
import { countFamilies, type EventFamily, type GeneratedEvent, type GeneratedMix } from './generated.ts';
import { Random } from './random.ts';
import {
  alarmsOf,
  arnOf,
  DEFAULT_START_MS,
  DOMAINS,
  definitionOf,
  describeMachine,
  envelopeTime,
  GENERATOR_ACCOUNT,
  GENERATOR_REGION,
  HOUR,
  iamUser,
  type Machine,
  MINUTE,
  OPERATORS,
  VERBS,
} from './simulated-account.ts';

export interface MixOptions {
  readonly seed: number;
  /** Exactly this many events are returned. */
  readonly events: number;
  /** Default: one per 250 events, at least 3. */
  readonly stateMachines?: number;
  readonly startMs?: number;
  /** How long the activity lasts in event time (default 6 h: well inside the correlation horizon). */
  readonly spanMs?: number;
  /**
   * Put secret-looking values where real users do (execution input/output, StartExecution input,
   * access keys of callers), for the security checks. Access keys are always present, as in real
   * CloudTrail records.
   */
  readonly secrets?: boolean;
}

function machinesFor(count: number, random: Random): Machine[] {
  return Array.from({ length: count }, (_, index) => {
    const domain = DOMAINS[index % DOMAINS.length] ?? 'flow';
    const verbs = random.shuffle(VERBS).slice(0, random.int(2, 4));
    return describeMachine({
      index,
      name: `${domain}-${index}`,
      verbs,
      composite: random.chance(0.5),
      // Zipf-like: machine k carries 1/(k+1) of the traffic of machine 0, shuffled across names.
      weight: 1 / (1 + random.int(0, count - 1)),
    });
  });
}

/** One machine's events, in the order they were made (sorted with the others at the end). */
class Timeline implements EventSink {
  readonly events: GeneratedEvent[] = [];

  constructor(private readonly random: Random) {}

  id(): string {
    return this.random.uuid();
  }

  add(atMs: number, family: EventFamily, event: JsonObject): void {
    this.events.push({ atMs, family, event });
  }
}

interface Outage {
  readonly fromMs: number;
  readonly toMs: number;
}

/** Everything around one outage except the failing runs themselves, which `activity` produces. */
function outageSurroundings(line: Timeline, machine: Machine, outage: Outage, random: Random): void {
  const alarms = alarmsOf(machine);
  const operator = random.pick(OPERATORS);
  if (random.chance(0.7)) {
    const deployAt = outage.fromMs - random.int(2, 15) * MINUTE;
    emitApiCall(line, deployAt, 'UpdateStateMachine', iamUser(operator, random), {
      stateMachineArn: machine.arn,
      definition: definitionOf(machine),
    });
  }
  const culprit = random.pick(machine.functions);
  const culpritAlarm = alarms.find((alarm) => alarm.name === culprit.alarmName);
  const failuresAlarm = alarms.find((alarm) => alarm.name === machine.failuresAlarm);
  const composite = alarms.find((alarm) => alarm.name === machine.composite);
  const recoverAt = outage.toMs + random.int(1, 4) * MINUTE;
  if (culpritAlarm !== undefined) {
    emitAlarmTransition(line, outage.fromMs + MINUTE, culpritAlarm, 'ALARM', 'OK');
    emitAlarmTransition(line, recoverAt, culpritAlarm, 'OK', 'ALARM');
  }
  if (failuresAlarm !== undefined) {
    emitAlarmTransition(line, outage.fromMs + 2 * MINUTE, failuresAlarm, 'ALARM', 'OK');
    emitAlarmTransition(line, recoverAt + MINUTE, failuresAlarm, 'OK', 'ALARM');
  }
  if (composite !== undefined) {
    const suppressed = random.chance(0.3);
    emitAlarmTransition(line, outage.fromMs + 2 * MINUTE + 30_000, composite, 'ALARM', 'OK', {
      triggering: culprit.alarmName,
      ...(suppressed ? { suppressedBy: 'Alarm' } : {}),
    });
    emitAlarmTransition(line, recoverAt + MINUTE, composite, 'OK', 'ALARM');
  }
  if (failuresAlarm !== undefined && random.chance(0.2)) {
    // Someone raises the threshold mid-incident: a hint the engine should surface.
    emitAlarmUpdate(line, outage.fromMs + 5 * MINUTE, failuresAlarm, { threshold: 10 });
  }
  if (random.chance(0.15)) {
    // An AccessDenied names the state machine only in its message (requestParameters is null).
    const at = outage.fromMs + 3 * MINUTE;
    emitApiCall(line, at, 'DeleteStateMachine', iamUser('intern', random), null, {
      errorCode: 'AccessDenied',
      errorMessage: `User: ${arnOf.user('intern')} is not authorized to perform: states:DeleteStateMachine on resource: ${machine.arn} because no identity-based policy allows the states:DeleteStateMachine action`,
    });
  }
}

interface ActivityPlan {
  readonly machine: Machine;
  readonly startMs: number;
  readonly spanMs: number;
  /** Stop once this many events were produced for the machine. */
  readonly budget: number;
  readonly secrets: boolean;
}

/** One machine's traffic: runs at a steady pace, outages now and then, background noise. */
function activity(line: Timeline, plan: ActivityPlan, random: Random): void {
  const { machine, secrets } = plan;
  // About 2.3 events per step (two status events, sometimes an API call or an alarm).
  const steps = Math.max(1, Math.ceil(plan.budget / 2.3));
  const stepMs = Math.max(1_000, Math.floor(plan.spanMs / steps));
  const outages: Outage[] = [];
  const alarms = alarmsOf(machine);
  let runs = 0;
  for (let at = plan.startMs; line.events.length < plan.budget; at += random.int(stepMs / 2, stepMs * 1.5)) {
    const current = outages.find((outage) => at >= outage.fromMs && at <= outage.toMs);
    if (current === undefined && random.chance(1 / Math.max(40, steps / 2))) {
      const outage = { fromMs: at, toMs: at + random.int(8, 25) * MINUTE };
      outages.push(outage);
      outageSurroundings(line, machine, outage, random);
    }
    const inOutage = outages.some((outage) => at >= outage.fromMs && at <= outage.toMs);
    const roll = random.next();
    if (roll < 0.9) {
      runs += 1;
      const runName = `run-${machine.index}-${runs}`;
      const failing = inOutage ? random.chance(0.8) : random.chance(0.005);
      const terminal = failing ? (random.chance(0.85) ? 'FAILED' : 'TIMED_OUT') : 'SUCCEEDED';
      const durationMs = random.int(800, 45_000);
      emitRun(
        line,
        machine,
        runName,
        at,
        {
          terminal,
          durationMs,
          dropRunning: random.chance(0.03),
          startCall: random.chance(0.1),
          secrets,
        },
        random,
      );
      if (inOutage && random.chance(0.08)) {
        // A stuck run an operator stops: StopExecution, then ABORTED.
        runs += 1;
        const stuck = `run-${machine.index}-${runs}`;
        const stopAt = at + random.int(1, 3) * MINUTE;
        emitApiCall(line, stopAt, 'StopExecution', iamUser(random.pick(OPERATORS), random), {
          executionArn: arnOf.execution(machine.name, stuck),
          cause: 'stuck on downstream',
        });
        emitRun(
          line,
          machine,
          stuck,
          at,
          {
            terminal: 'ABORTED',
            durationMs: stopAt - at + 200,
            dropRunning: false,
            startCall: false,
            secrets,
          },
          random,
        );
      }
    } else if (roll < 0.95) {
      const alarm = random.pick(alarms);
      // Alarm noise that is not an outage: data going missing and coming back.
      const [to, from] = random.chance(0.5) ? ['INSUFFICIENT_DATA', 'OK'] : ['OK', 'INSUFFICIENT_DATA'];
      emitAlarmTransition(line, at, alarm, to, from);
    } else if (roll < 0.995) {
      emitApiCall(line, at, 'TagResource', iamUser(random.pick(OPERATORS), random), {
        resourceArn: machine.arn,
        tags: [{ key: 'team', value: machine.name.split('-')[0] }],
      });
    } else {
      line.add(
        at,
        'other',
        eventBridgeEvent(
          'aws.cloudwatch',
          'CloudWatch Alarm Contributor State Change',
          { alarmName: machine.failuresAlarm, alarmContributor: { id: random.hex(8), attributes: {} } },
          { id: line.id(), time: envelopeTime(at), account: GENERATOR_ACCOUNT, region: GENERATOR_REGION },
        ),
      );
    }
  }
}

/** A realistic mix of exactly `options.events` events. */
export function generateEvents(options: MixOptions): GeneratedMix {
  const random = new Random(options.seed);
  const startMs = options.startMs ?? DEFAULT_START_MS;
  const spanMs = options.spanMs ?? 6 * HOUR;
  const count = options.stateMachines ?? Math.max(3, Math.round(options.events / 250));
  const machines = machinesFor(count, random);
  const totalWeight = machines.reduce((sum, machine) => sum + machine.weight, 0);
  const all: GeneratedEvent[] = [];
  for (const machine of machines) {
    const line = new Timeline(random);
    emitSetUp(line, machine, startMs - 30 * MINUTE + machine.index * 2_000, random);
    // 10% over the share, so the merged list always has enough to cut exactly `events` from.
    const budget = line.events.length + Math.ceil((options.events * 1.1 * machine.weight) / totalWeight) + 4;
    activity(line, { machine, startMs, spanMs, budget, secrets: options.secrets ?? false }, random);
    for (const event of line.events) all.push(event);
  }
  const ordered = all
    .map((event, order) => ({ event, order }))
    .sort((a, b) => a.event.atMs - b.event.atMs || a.order - b.order)
    .map(({ event }) => event);
  // Set-up events come first in time, so the cut only ever drops the tail of the activity.
  const events = ordered.slice(0, options.events);
  return { events, stateMachineArns: machines.map((machine) => machine.arn), counts: countFamilies(events) };
}
