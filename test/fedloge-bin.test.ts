/**
 * The installed `fedloge` command (node_modules/.bin/fedloge, what `npx fedloge` runs): it works
 * from the build that `npm install` makes (root `prepare`), prints its own help, and keeps the
 * CLI's exit codes (2 for bad input), which `nx run` would turn into 1.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../node_modules/.bin/fedloge', import.meta.url));
const run = (...args: string[]) => spawnSync(BIN, args, { encoding: 'utf8', timeout: 60_000 });

describe('the fedloge bin', () => {
  it('prints the train help and exits 0', () => {
    const result = run('train', '--help');
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^Usage: fedloge train /);
    expect(result.stdout).toContain('--rounds <n>');
    expect(result.status).toBe(0);
  });

  it('exits 2 with the reason for a bad flag value', () => {
    const result = run('train', '--rounds', 'abc');
    expect(result.stderr).toContain("--rounds expects a number but received 'abc'.");
    expect(result.status).toBe(2);
  });
});
