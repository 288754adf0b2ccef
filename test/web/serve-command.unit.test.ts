import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { captureIo } from '../cli/capture-io.ts';
import { temporaryDirectory } from '../local/helpers.ts';

describe('incidents serve', () => {
  const dir = temporaryDirectory('serve-command');
  afterAll(() => dir.remove());

  it('says how to start a stack when none runs', async () => {
    const io = captureIo();
    expect(await main(['serve', '--port', '0', '--data-dir', path.join(dir.path, 'nowhere')], io)).toBe(2);
    expect(io.err()).toContain('start one with `npm start`; or pass --region and --table');
    expect(io.out()).toBe('');
  });

  it('refuses a port that is not one', async () => {
    for (const port of ['http', '65536', '-1', '80.5']) {
      const io = captureIo();
      expect(await main(['serve', '--port', port, '--data-dir', dir.path], io)).toBe(2);
      expect(io.err()).toContain(
        `--port must be a whole number from 0 (any free port) to 65535; got "${port}"`,
      );
    }
  });

  it('needs a table in AWS mode', async () => {
    const io = captureIo();
    expect(await main(['serve', '--region', 'eu-west-1'], io)).toBe(2);
    expect(io.err()).toContain('--table is required with --region');
  });

  it('is listed with its options', async () => {
    const io = captureIo();
    expect(await main(['serve', '--help'], io)).toBe(0);
    expect(io.out()).toMatch(/--port <n>/);
    expect(io.out()).toMatch(/--host <address>\s+address to bind; anything but loopback exposes the page/);
    expect(io.out()).toContain('--region <region>');
  });
});
