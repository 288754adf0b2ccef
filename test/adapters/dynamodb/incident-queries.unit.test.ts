import { describe, expect, it } from 'vitest';
import {
  IncidentQueries,
  InvalidIncidentQueryError,
} from '../../../src/adapters/dynamodb/incident-queries.ts';
import { fakeDocumentClient } from './fake-dynamodb.ts';

describe('IncidentQueries', () => {
  it.each([
    ['a limit out of range', { limit: 0 }, 'limit must be an integer from 1 to 1000, got 0'],
    ['a since that is no time', { since: 'yesterday' }, 'since must be an ISO time, got "yesterday"'],
  ])('refuses %s with its own error, before asking the table', async (_case, filter, message) => {
    const { documentClient, calls } = fakeDocumentClient(() => ({ body: { Items: [] } }));
    const refusal = new IncidentQueries({ client: documentClient, tableName: 'incidents' }).listIncidents(
      filter,
    );
    await expect(refusal).rejects.toThrow(InvalidIncidentQueryError);
    await expect(refusal).rejects.toThrow(message);
    expect(calls).toEqual([]);
  });

  it('refuses a quarantine day that is not yyyy-mm-dd with its own error', async () => {
    const { documentClient, calls } = fakeDocumentClient(() => ({ body: { Items: [] } }));
    const refusal = new IncidentQueries({ client: documentClient, tableName: 'incidents' }).listQuarantine({
      day: '2026-3-1',
    });
    await expect(refusal).rejects.toThrow(
      new InvalidIncidentQueryError('day must be yyyy-mm-dd, got "2026-3-1"'),
    );
    expect(calls).toEqual([]);
  });
});
