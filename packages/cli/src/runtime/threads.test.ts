import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { tempDir } from '../__fixtures__/tiny-run.js';
import { UsageError } from '../config/errors.js';
import { parseConfigArgs } from '../config/flags.js';
import { resolveConfig } from '../config/resolve.js';
import { describeThreads, ompNumThreads, resolveThreads, threadsInUse } from './threads.js';

/** `threads` as `fedloge train <argv>` resolves it (flags over the config file), with `file` as the config. */
function configuredThreads(argv: string[], file?: Record<string, unknown>): number | 'auto' {
  const dir = tempDir('threads');
  if (file) writeFileSync(join(dir, 'run.json'), JSON.stringify(file));
  return resolveConfig(parseConfigArgs([...(file ? ['--config', 'run.json'] : []), ...argv], dir), dir).config.threads;
}

describe('threads: --threads > threads: > OMP_NUM_THREADS > default', () => {
  it('takes --threads over the config file, and the file over the default', () => {
    expect(configuredThreads(['--threads', '3'], { threads: 2 })).toBe(3);
    expect(configuredThreads([], { threads: 2 })).toBe(2);
    expect(configuredThreads(['--threads', 'auto'], { threads: 2 })).toBe('auto');
    expect(configuredThreads([])).toBe('auto');
  });

  it('refuses counts below 1 and words other than auto, naming the setting', () => {
    expect(() => configuredThreads(['--threads', '0'])).toThrow(/threads: received 0; expected a number >= 1. \(set by --threads\)/);
    expect(() => configuredThreads([], { threads: 1.5 })).toThrow(/threads/);
    expect(() => configuredThreads(['--threads', 'many'])).toThrow(/--threads expects a number or "auto" but received 'many'/);
  });

  // [configured, OMP_NUM_THREADS, workers, cores] → [threads, source]; one row per rule.
  const cases: [number | 'auto', string | undefined, number, number, number, string][] = [
    [3, '1', 0, 2, 3, 'threads setting'], // the setting beats the environment
    [3, undefined, 2, 8, 3, 'threads setting'], // ... and the one-per-worker default
    ['auto', '1', 0, 2, 1, 'OMP_NUM_THREADS'], // the environment beats all cores (it used to be ignored)
    ['auto', '4,2', 0, 2, 4, 'OMP_NUM_THREADS'], // a nested list: its first level
    ['auto', ' ', 0, 2, 2, 'default'], // blank is unset
    ['auto', undefined, 0, 2, 2, 'default'], // clients on the main thread: every core
    ['auto', undefined, 0, 16, 16, 'default'],
    ['auto', undefined, 2, 16, 1, 'default'], // worker threads: one each, so they do not compete with OpenMP's
  ];
  it.each(cases)(
    'configured %s, OMP_NUM_THREADS %s, %i workers, %i cores → %i (%s)',
    (configured, omp, workers, cores, threads, source) => {
      const env = omp === undefined ? {} : { OMP_NUM_THREADS: omp };
      expect(resolveThreads({ configured, workers, env, cores })).toEqual({ threads, source });
    },
  );

  it('rejects an OMP_NUM_THREADS that OpenMP would silently ignore, saying how to fix it', () => {
    for (const bad of ['0', 'two', '-1', '1.5', ',2']) {
      expect(() => ompNumThreads({ OMP_NUM_THREADS: bad })).toThrow(UsageError);
      expect(() => ompNumThreads({ OMP_NUM_THREADS: bad })).toThrow(`OMP_NUM_THREADS='${bad}' is not a positive whole number`);
    }
    expect(() => resolveThreads({ configured: 'auto', workers: 0, env: { OMP_NUM_THREADS: 'x' } })).toThrow(/--threads <n>/);
    // A --threads setting makes the environment irrelevant, so a bad value there does not stop the run.
    expect(resolveThreads({ configured: 2, workers: 0, env: { OMP_NUM_THREADS: 'x' } }).threads).toBe(2);
  });

  it('reports 1 on the single-threaded backends whatever was asked', () => {
    const asked = { threads: 4, source: 'threads setting' } as const;
    expect(threadsInUse(asked, 'wasm')).toEqual({ threads: 1, source: 'single-threaded backend' });
    expect(threadsInUse(asked, 'cpu').threads).toBe(1);
    expect(threadsInUse(asked, 'native')).toEqual(asked);
    expect(describeThreads(asked, 0)).toBe('threads: 4 per training thread (from --threads / threads:)');
    // The defaults of the two ways of training differ, and with them the last digits: the line says how to match.
    expect(describeThreads({ threads: 1, source: 'default' }, 2)).toBe(
      'threads: 1 per training thread (default: one per worker thread; a --workers 0 run gives the same numbers with --threads 1)',
    );
    expect(describeThreads({ threads: 2, source: 'default' }, 0)).toBe(
      'threads: 2 per training thread (default: all cores, clients on the main thread; a run on worker threads gives the same numbers with --threads 2)',
    );
    expect(describeThreads({ threads: 1, source: 'default' }, 0)).toBe(
      'threads: 1 per training thread (default: all cores, clients on the main thread)',
    );
  });
});
