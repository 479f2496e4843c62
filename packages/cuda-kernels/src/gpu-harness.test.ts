/**
 * The GPU harness's CPU references (harness/reference.h) are themselves checked on the CPU, so that what the GPU is
 * compared with on a device is not an untested oracle: harness/reference_check.cc (adjoint convolution references,
 * 1×1 convolution = GEMM, transposed storage, max-pool gradient vs finite differences, ToInt32 casts) built with g++
 * and run. The harness itself needs nvcc and a GPU; scripts/gpu-check.sh builds it (also in --dry-run) and runs it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const source = fileURLToPath(new URL('../harness/reference_check.cc', import.meta.url));
const hasGxx = spawnSync('g++', ['--version']).status === 0;

describe.skipIf(!hasGxx)('GPU harness references (harness/reference.h)', () => {
  it('pass their CPU checks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fedkern-ref-'));
    try {
      const binary = join(dir, 'reference_check');
      const build = spawnSync('g++', ['-std=c++17', '-O2', '-Wall', '-Wextra', '-Werror', source, '-o', binary], { encoding: 'utf8' });
      expect(build.status, build.stderr).toBe(0);
      const run = spawnSync(binary, { encoding: 'utf8' });
      expect(run.status, run.stdout).toBe(0);
      const summary = /(\d+) passed, (\d+) failed/.exec(run.stdout);
      expect(summary, run.stdout).not.toBeNull();
      expect(Number(summary![1])).toBeGreaterThanOrEqual(15);
      expect(Number(summary![2])).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
