/**
 * The GPU harness's CPU references (harness/reference.h) are themselves checked on the CPU, so that what the GPU is
 * compared with on a device is not an untested oracle: harness/reference_check.cc (adjoint convolution references,
 * 1×1 convolution = GEMM, transposed storage, max-pool gradient vs finite differences, ToInt32 casts) built with g++
 * and run; and, where nvcc is installed, the lost-device bookkeeping of src/matrix/cuda_common.cuh, which needs the
 * CUDA runtime but no GPU. The harness itself needs a GPU; scripts/gpu-check.sh builds it (also in --dry-run) and runs it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const source = fileURLToPath(new URL('../harness/reference_check.cc', import.meta.url));
const lostCheck = fileURLToPath(new URL('../harness/lost_state_check.cu', import.meta.url));
const hasGxx = spawnSync('g++', ['--version']).status === 0;
const nvcc = process.env['CUDACXX'] ?? 'nvcc';
const hasNvcc = spawnSync(nvcc, ['--version']).status === 0;

/** Builds `args` into a binary in a scratch folder, runs it, and expects "N passed, 0 failed" with N ≥ `atLeast`. */
function buildAndRun(compiler: string, args: readonly string[], atLeast: number): void {
  const dir = mkdtempSync(join(tmpdir(), 'fedkern-check-'));
  try {
    const binary = join(dir, 'check');
    const build = spawnSync(compiler, [...args, '-o', binary], { encoding: 'utf8' });
    expect(build.status, build.stderr).toBe(0);
    const run = spawnSync(binary, { encoding: 'utf8' });
    expect(run.status, run.stdout).toBe(0);
    const summary = /(\d+) passed, (\d+) failed/.exec(run.stdout);
    expect(summary, run.stdout).not.toBeNull();
    expect(Number(summary![1])).toBeGreaterThanOrEqual(atLeast);
    expect(Number(summary![2])).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe.skipIf(!hasGxx)('GPU harness references (harness/reference.h)', () => {
  it('pass their CPU checks', () => {
    buildAndRun('g++', ['-std=c++17', '-O2', '-Wall', '-Wextra', '-Werror', source], 15);
  });
});

describe.skipIf(!hasNvcc)(`the lost-device bookkeeping (harness/lost_state_check.cu)${hasNvcc ? '' : ' [skipped: no nvcc]'}`, () => {
  it('keeps the first sticky error and repeats it', () => {
    buildAndRun(nvcc, ['-std=c++17', '-arch=sm_80', lostCheck], 9);
  });
});
