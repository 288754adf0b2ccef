import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { loadConfigOptionOrEnvironment } from '../../src/cli/config-option.ts';
import { main } from '../../src/cli/main.ts';
import { DEFAULT_CONFIG } from '../../src/core/config.ts';
import { UsageError } from '../../src/errors.ts';
import { captureIo } from './capture-io.ts';

const scratch = mkdtempSync(join(tmpdir(), 'config-option-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
afterEach(() => {
  vi.unstubAllEnvs();
});

function configFile(name: string, content: unknown): string {
  const file = join(scratch, name);
  writeFileSync(file, JSON.stringify(content));
  return file;
}

const MINUTE = 60_000;

describe('the configuration `incidents start` correlates with', () => {
  it('is the --config file when one is given, even with CORRELATION_CONFIG set', () => {
    const file = configFile('timed-out.json', { triggerStatuses: ['TIMED_OUT'] });
    const env = { CORRELATION_CONFIG: '{"windowsMinutes":{"incidentGap":5}}' };
    const { config, origin } = loadConfigOptionOrEnvironment(file, env);
    expect(origin).toBe(file);
    expect(config.triggerStatuses).toEqual(['TIMED_OUT']);
    expect(config.incidentGapMs).toBe(DEFAULT_CONFIG.incidentGapMs);
  });

  it('is CORRELATION_CONFIG without --config, as in Lambda', () => {
    const { config, origin } = loadConfigOptionOrEnvironment(undefined, {
      CORRELATION_CONFIG: '{"windowsMinutes":{"incidentGap":5}}',
    });
    expect(origin).toBe('CORRELATION_CONFIG');
    expect(config.incidentGapMs).toBe(5 * MINUTE);
  });

  it('is the defaults without either, a blank variable counting as unset', () => {
    for (const env of [{}, { CORRELATION_CONFIG: '  ' }]) {
      expect(loadConfigOptionOrEnvironment(undefined, env)).toEqual({
        config: DEFAULT_CONFIG,
        origin: undefined,
      });
    }
  });

  it('refuses a broken file or variable as bad usage, naming where it came from', () => {
    const broken = configFile('broken.json', { windowsMinutes: { quiet: 5 } });
    expect(() => loadConfigOptionOrEnvironment(broken, {})).toThrow(UsageError);
    expect(() => loadConfigOptionOrEnvironment(broken, {})).toThrow(/broken\.json: windowsMinutes/);
    expect(() =>
      loadConfigOptionOrEnvironment(undefined, { CORRELATION_CONFIG: '{"triggerStatuses":[]}' }),
    ).toThrow(/^CORRELATION_CONFIG: triggerStatuses/);
  });

  it('is read by `start` before any emulator starts: a broken one exits 2 with the reason', async () => {
    vi.stubEnv('CORRELATION_CONFIG', '{"nope":1}');
    const io = captureIo();
    expect(await main(['start', '--data-dir', join(scratch, 'data'), '--no-demo'], io)).toBe(2);
    expect(io.err()).toMatch(/^incidents: CORRELATION_CONFIG: \(root\)/);
    expect(io.out()).toBe('');
  });
});
