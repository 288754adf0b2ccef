import { describe, expect, it } from 'vitest';
import { MemoryIncidentStore } from '../../../src/adapters/memory-store.ts';
import { DEFAULT_CONFIG } from '../../../src/core/config.ts';
import { processBatch } from '../../../src/core/pipeline/process-batch.ts';
import type { Signal } from '../../../src/core/signals/types.ts';
import { pipelineDeps, signalRecords } from '../../builders/pipeline.ts';
import { execution, minutes } from '../../builders/signals.ts';
import { referenceIncidents } from '../../reference/reference-model.ts';

/**
 * Past the allowed lateness (an hour by default): a healthy run is counted as late and changes
 * nothing, a failure is still recorded on the incident whose window it falls in, and no incident is
 * superseded or invented because of either.
 */
async function deliverInBatches(batches: readonly (readonly Signal[])[]) {
  const store = new MemoryIncidentStore();
  let late = 0;
  for (const [index, batch] of batches.entries()) {
    const report = await processBatch(signalRecords(batch, `b${index}`), pipelineDeps(store, DEFAULT_CONFIG));
    expect(report.counts.failed).toBe(0);
    late += report.counts.lateSignals;
  }
  return { incidents: store.allIncidents(), late };
}

describe('events later than the allowed lateness', () => {
  const failures = [execution('bad-1', minutes(0), 'FAILED'), execution('bad-2', minutes(1), 'FAILED')];
  const resolving = execution('ok-1', minutes(3), 'SUCCEEDED');
  const lateSuccess = execution('ok-late', minutes(2), 'SUCCEEDED');
  const traffic = Array.from({ length: 30 }, (_, index) =>
    execution(`ok-after-${index}`, minutes(70 + index), 'SUCCEEDED'),
  );

  it('count a late healthy run as late and leave the incident as it was', async () => {
    const onTime = await deliverInBatches([failures, [resolving], traffic]);
    const withLate = await deliverInBatches([failures, [resolving], traffic, [lateSuccess]]);
    expect(withLate.late).toBe(1);
    expect(onTime.late).toBe(0);
    expect(withLate.incidents).toEqual(onTime.incidents);
  });

  it('keep a late failure on the incident whose window it falls in, without superseding it', async () => {
    const lateFailure = execution('bad-late', minutes(2), 'FAILED');
    const { incidents } = await deliverInBatches([failures, [resolving], traffic, [lateFailure]]);
    expect(incidents).toHaveLength(1);
    expect(incidents[0]?.executions.map((run) => run.name)).toEqual(['bad-1', 'bad-2', 'bad-late']);
    // Failures are never late inside the horizon: the result is the reference's for all events.
    expect(incidents).toEqual(referenceIncidents([...failures, resolving, ...traffic, lateFailure]));
  });

  it('fold the same runs when they arrive within the lateness, in any order', async () => {
    const reordered = await deliverInBatches([[resolving], failures, [lateSuccess], traffic]);
    expect(reordered.late).toBe(0);
    expect(reordered.incidents).toEqual(
      referenceIncidents([...failures, resolving, lateSuccess, ...traffic]),
    );
  });
});
