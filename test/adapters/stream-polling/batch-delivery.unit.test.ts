import { describe, expect, it } from 'vitest';
import {
  classifyResponse,
  type DeliveryPort,
  type DiscardDetails,
  deliverBatch,
  type InvocationOutcome,
  type ResolvedBatchPolicy,
} from '../../../src/adapters/stream-polling/batch-delivery.ts';
import type { StreamRecord } from '../../../src/adapters/stream-polling/types.ts';

const policy: ResolvedBatchPolicy = {
  bisectBatchOnFunctionError: true,
  maximumRetryAttempts: 2,
  maximumRecordAgeMs: -1,
  retryDelayMs: 0,
};

function records(...ids: string[]): StreamRecord<string>[] {
  return ids.map((id) => ({ sequenceNumber: id, arrivalMs: 1_000, payload: id }));
}

/** A port that records what happens; `respond` decides each invocation's outcome. */
function recordingPort(respond: (ids: string[]) => InvocationOutcome, now = 2_000) {
  const invocations: string[][] = [];
  const acknowledged: string[] = [];
  const discarded: { ids: string[]; details: DiscardDetails }[] = [];
  let pauses = 0;
  const port: DeliveryPort<string> = {
    invoke: async (batch) => {
      const ids = batch.map((record) => record.payload);
      invocations.push(ids);
      return respond(ids);
    },
    acknowledge: async (record) => {
      acknowledged.push(record.sequenceNumber);
    },
    discard: async (batch, details) => {
      discarded.push({ ids: batch.map((record) => record.payload), details });
    },
    pause: async () => {
      pauses += 1;
      return true;
    },
    stopping: () => false,
    now: () => now,
  };
  return { port, invocations, acknowledged, discarded, pauses: () => pauses };
}

describe('classifying a handler response like Lambda', () => {
  const batch = ['10', '20', '30'];

  it('reads nothing, an empty object and an empty or null list as complete success', () => {
    for (const response of [undefined, null, {}, { batchItemFailures: [] }, { batchItemFailures: null }]) {
      expect(classifyResponse(response, batch)).toEqual({ kind: 'success' });
    }
  });

  it('points at the lowest failed record, whatever the order of the failures', () => {
    const response = { batchItemFailures: [{ itemIdentifier: '30' }, { itemIdentifier: '20' }] };
    expect(classifyResponse(response, batch)).toEqual({ kind: 'partial', firstFailedIndex: 1 });
  });

  it('fails the whole batch on identifiers that are empty, missing or not in the batch', () => {
    for (const failure of [{ itemIdentifier: '' }, {}, { itemIdentifier: '99' }, { id: '10' }, 'x']) {
      expect(classifyResponse({ batchItemFailures: [failure] }, batch).kind).toBe('invalid-response');
    }
    expect(classifyResponse('ok', batch).kind).toBe('invalid-response');
  });
});

describe('delivering a batch with retries, bisect and on-failure', () => {
  it('acknowledges a successful batch once, at its last record', async () => {
    const run = recordingPort(() => ({ kind: 'success' }));
    await expect(deliverBatch(records('1', '2', '3'), policy, run.port)).resolves.toBe('delivered');
    expect(run.invocations).toEqual([['1', '2', '3']]);
    expect(run.acknowledged).toEqual(['3']);
  });

  it('retries from the lowest failed record and acknowledges the records before it', async () => {
    let calls = 0;
    const run = recordingPort(() => {
      calls += 1;
      return calls === 1 ? { kind: 'partial', firstFailedIndex: 2 } : { kind: 'success' };
    });
    await deliverBatch(records('1', '2', '3', '4'), policy, run.port);
    expect(run.invocations).toEqual([
      ['1', '2', '3', '4'],
      ['3', '4'],
    ]);
    expect(run.acknowledged).toEqual(['2', '4']);
    expect(run.discarded).toEqual([]);
  });

  it('bisects on a function error until the poison record is alone, then gives up on it only', async () => {
    const run = recordingPort((ids) =>
      ids.includes('3')
        ? { kind: 'error', error: new TypeError('poison 3'), timedOut: false }
        : { kind: 'success' },
    );
    await deliverBatch(records('1', '2', '3', '4', '5'), policy, run.port);
    expect(run.invocations).toEqual([
      ['1', '2', '3', '4', '5'],
      ['1', '2', '3'],
      ['1', '2'],
      ['3'],
      ['3'],
      ['3'],
      ['4', '5'],
    ]);
    expect(run.discarded).toEqual([
      {
        ids: ['3'],
        details: {
          condition: 'RetryAttemptsExhausted',
          invokeCount: 3,
          functionError: 'Unhandled',
          reason: 'TypeError: poison 3',
        },
      },
    ]);
    expect(run.acknowledged).toEqual(['2', '5']);
    expect(run.pauses()).toBe(2);
  });

  it('retries the whole batch without splitting when bisect is off', async () => {
    const run = recordingPort(() => ({ kind: 'error', error: new Error('down'), timedOut: false }));
    await deliverBatch(records('1', '2'), { ...policy, bisectBatchOnFunctionError: false }, run.port);
    expect(run.invocations).toEqual([
      ['1', '2'],
      ['1', '2'],
      ['1', '2'],
    ]);
    expect(run.discarded.map((entry) => entry.ids)).toEqual([['1', '2']]);
  });

  it('does not bisect on a partial failure, and gives up on the remainder after the retries', async () => {
    const run = recordingPort((ids) => ({ kind: 'partial', firstFailedIndex: ids.indexOf('2') }));
    await deliverBatch(records('1', '2', '3'), policy, run.port);
    expect(run.invocations).toEqual([
      ['1', '2', '3'],
      ['2', '3'],
      ['2', '3'],
    ]);
    expect(run.discarded).toEqual([
      {
        ids: ['2', '3'],
        details: {
          condition: 'RetryAttemptsExhausted',
          invokeCount: 3,
          functionError: 'PartialBatchFailure',
          reason: 'the handler reported batch item failures',
        },
      },
    ]);
  });

  it('sends records older than the maximum age to on-failure without invoking the handler', async () => {
    const run = recordingPort(() => ({ kind: 'success' }), 10_000);
    const batch = [
      { sequenceNumber: '1', arrivalMs: 1_000, payload: '1' },
      { sequenceNumber: '2', arrivalMs: 9_500, payload: '2' },
    ];
    await deliverBatch(batch, { ...policy, maximumRecordAgeMs: 5_000 }, run.port);
    expect(run.discarded.map((entry) => [entry.ids, entry.details.condition])).toEqual([
      [['1'], 'RecordAgeExceeded'],
    ]);
    expect(run.invocations).toEqual([['2']]);
  });

  it('stops without acknowledging when the source stops during a retry pause', async () => {
    const run = recordingPort(() => ({ kind: 'error', error: new Error('down'), timedOut: false }));
    const port = { ...run.port, pause: async () => false };
    await expect(deliverBatch(records('1'), policy, port)).resolves.toBe('stopped');
    expect(run.acknowledged).toEqual([]);
    expect(run.discarded).toEqual([]);
  });

  it('starts no invocation, not even the halves of a split, once the source is stopping', async () => {
    let stopping = false;
    const run = recordingPort(() => {
      stopping = true;
      return { kind: 'error', error: new Error('down'), timedOut: false };
    });
    const port = { ...run.port, stopping: () => stopping };
    await expect(deliverBatch(records('1', '2'), policy, port)).resolves.toBe('stopped');
    expect(run.invocations).toEqual([['1', '2']]);
    expect(run.acknowledged).toEqual([]);
  });
});
