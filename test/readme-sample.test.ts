/**
 * The README's sample results table is what its command prints now (scripts/readme-sample.mjs runs
 * the command and compares); a change that moves the numbers must regenerate the table with
 * `node scripts/readme-sample.mjs --write`, so the README cannot drift from the code.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../scripts/readme-sample.mjs', import.meta.url));

describe('README sample table', () => {
  it('matches what its command prints', () => {
    const run = spawnSync(process.execPath, [SCRIPT, '--check'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('README.md sample table: matches');
    expect(run.status).toBe(0);
  }, 300_000);
});
