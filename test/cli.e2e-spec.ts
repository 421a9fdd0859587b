/**
 * The operator CLI (dist/apps/cli/src/main.js) on bad input: an unknown or malformed option names itself and shows
 * the usage with exit code 2 (no stack trace); --help prints the usage with exit 0; a minted token is a JWT.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './support/server';

const CLI = path.join(ROOT, 'dist/apps/cli/src/main.js');

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await promisify(execFile)(process.execPath, [CLI, ...args], { env: { ...process.env, EVENT_STORE: 'embedded' } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

describe('operator CLI', () => {
  it('refuses an unknown option with its name and the usage, exit 2, no stack trace', async () => {
    const r = await cli('token', '--role', 'adjudicator', '--bogus');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'--bogus'");
    expect(r.stderr).toContain('usage: npm run cli');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('refuses an option without its value, exit 2', async () => {
    const r = await cli('token', '--role');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage: npm run cli');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints the usage for --help (top level and per command), exit 0', async () => {
    for (const args of [['--help'], ['help'], ['token', '--help'], ['rebuild', '-h']]) {
      const r = await cli(...args);
      expect({ args, code: r.code }).toEqual({ args, code: 0 });
      expect(r.stdout).toContain('usage: npm run cli');
    }
  });

  it('refuses an unknown command with the usage, exit 2', async () => {
    const r = await cli('frobnicate');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('usage: npm run cli');
  });

  it('mints a JWT for a valid request', async () => {
    const r = await cli('token', '--role', 'adjudicator', '--expires', '30m');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });
});
