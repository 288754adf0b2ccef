import { describe, expect, it } from 'vitest';
import { MemoryIncidentStore } from '../../../src/adapters/memory-store.ts';
import { withConfig } from '../../../src/core/config.ts';
import { processBatch } from '../../../src/core/pipeline/process-batch.ts';
import type { Link } from '../../../src/core/topology/links.ts';
import { incidentsAfter, pipelineDeps, signalRecords } from '../../builders/pipeline.ts';
import {
  alarmArn,
  alarmState,
  execution,
  functionArn,
  metricAlarmConfiguration,
  minutes,
  stateMachineArn,
} from '../../builders/signals.ts';
import { referenceIncidents } from '../../reference/reference-model.ts';

const ORDERS = stateMachineArn();
const chargeCardInOrders: Link = { from: functionArn('charge-card'), to: ORDERS, source: 'definition' };

/**
 * Another consumer stores `link` right after this batch walked the topology and filed its signals,
 * just before the batch checks the topology version again: the race the check is there for.
 */
class LinkLandsAfterTheWalk extends MemoryIncidentStore {
  private versionReads = 0;

  constructor(private readonly link: Link) {
    super();
  }

  override async topologyVersion(): Promise<number> {
    this.versionReads += 1;
    if (this.versionReads === 2) await super.saveLinks([this.link]);
    return super.topologyVersion();
  }
}

describe('preparing a batch', () => {
  it('files a signal under the scope a link stored during the batch gives it', async () => {
    const store = new LinkLandsAfterTheWalk(chargeCardInOrders);
    const fired = alarmState(
      'charge-errors',
      minutes(0),
      'charge-card-errors',
      'ALARM',
      'OK',
      metricAlarmConfiguration('AWS/Lambda', { FunctionName: 'charge-card' }),
    );
    const report = await processBatch(signalRecords([fired]), pipelineDeps(store));

    expect(report.counts.failed).toBe(0);
    // Scoped by the second walk: the first one knew no way from the function to the state machine.
    expect(report.scopes.map((scope) => scope.stateMachineArn)).toEqual([ORDERS]);
    const filed = await store.contextBetween({
      scope: ORDERS,
      contextClass: 'decisive',
      fromMs: Number.NEGATIVE_INFINITY,
    });
    expect(filed.signals.map((signal) => signal.signalId)).toEqual([fired.signalId]);
    // And still under its own subject, for scopes that learn of the alarm later.
    const own = await store.contextBetween({
      subjects: [alarmArn('charge-card-errors')],
      contextClass: 'decisive',
      fromMs: Number.NEGATIVE_INFINITY,
    });
    expect(own.signals.map((signal) => signal.signalId)).toEqual([fired.signalId]);
  });

  it('files nothing twice and walks once when the topology holds still', async () => {
    const store = new MemoryIncidentStore();
    await store.saveLinks([chargeCardInOrders]);
    let versionReads = 0;
    const counting = Object.assign(Object.create(store) as MemoryIncidentStore, {
      topologyVersion: async () => {
        versionReads += 1;
        return store.topologyVersion();
      },
    });
    const fired = alarmState(
      'charge-errors',
      minutes(0),
      'charge-card-errors',
      'ALARM',
      'OK',
      metricAlarmConfiguration('AWS/Lambda', { FunctionName: 'charge-card' }),
    );
    const report = await processBatch(signalRecords([fired]), pipelineDeps(counting));
    expect(report.scopes.map((scope) => scope.stateMachineArn)).toEqual([ORDERS]);
    // Once before the walk, once after filing: no second walk.
    expect(versionReads).toBe(2);
  });
});

describe('configured links', () => {
  it('put a configured function’s alarm on its state machine’s incident, as the reference model does', async () => {
    const config = withConfig({
      staticLinks: [{ resourceArn: functionArn('charge-card'), stateMachineArn: ORDERS }],
    });
    const signals = [
      alarmState(
        'charge-errors',
        minutes(0),
        'charge-card-errors',
        'ALARM',
        'OK',
        metricAlarmConfiguration('AWS/Lambda', { FunctionName: 'charge-card' }),
      ),
      execution('bad', minutes(1), 'FAILED', { error: 'PaymentGatewayTimeout' }),
    ];
    const alarmsOf = (incidents: readonly { alarms: readonly { alarmName: string }[] }[]) =>
      incidents.map((incident) => incident.alarms.map((alarm) => alarm.alarmName));
    const expected = alarmsOf(referenceIncidents(signals, config));
    expect(expected).toEqual([['charge-card-errors']]);
    expect(alarmsOf(await incidentsAfter([signalRecords(signals)], config))).toEqual(expected);
  });
});
