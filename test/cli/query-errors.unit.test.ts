import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { captureIo } from './capture-io.ts';

// A deployed target that is never reached: the query library refuses the day before any call.
const DEPLOYED = ['--region', 'us-east-1', '--table', 'incidents', '--endpoint-url', 'http://127.0.0.1:9'];

describe('a query the library refuses', () => {
  it('is a usage error: its message without a stack, exit code 2', async () => {
    const io = captureIo();
    const code = await main(['quarantine', 'list', '--day', '2026-3-1', ...DEPLOYED], io);
    expect(code).toBe(2);
    expect(io.err()).toBe('incidents: day must be yyyy-mm-dd, got "2026-3-1"\n');
  });
});
