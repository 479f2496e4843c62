/**
 * harness/conv_layouts.cc, the oneDNN-only timing of the benchmarked models' convolutions per layout (BENCHMARKS.md),
 * must keep building and running: built with g++ against libdnnl and run at batch 2 for 1 ms per measurement. Its
 * times are not checked (no timed unit tests); what is checked is that every row has its four columns, that the floor
 * lines bench-train --floor reads are there, and that no layout falls back to oneDNN's reference code, which would make
 * the native backend's default layout slow unnoticed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const source = fileURLToPath(new URL('../harness/conv_layouts.cc', import.meta.url));
const hasGxx = spawnSync('g++', ['--version']).status === 0;
const hasDnnl = existsSync('/usr/include/dnnl.hpp') || existsSync('/usr/include/oneapi/dnnl/dnnl.hpp');

describe.skipIf(!hasGxx || !hasDnnl)('the convolution layout harness (harness/conv_layouts.cc)', () => {
  it('builds, times every pass of both models in the four layouts and the matmuls, prints the floor, and uses no reference kernel', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fedkern-layouts-'));
    try {
      const binary = join(dir, 'conv_layouts');
      const build = spawnSync('g++', ['-std=c++17', '-O2', '-Wall', '-Wextra', '-Werror', source, '-ldnnl', '-o', binary], {
        encoding: 'utf8',
      });
      expect(build.status, build.stderr).toBe(0);
      const run = spawnSync(binary, ['2', '1'], { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
      expect(run.status, run.stderr).toBe(0);
      const lines = run.stdout.split('\n');
      const rows = lines.filter((line) => / (fwd|dx|dW) +x\d/.test(line));
      // cnn: 2 convolutions, the first without dx (5 rows); ResNet-8: 8 shapes, the stem without dx (23 rows).
      expect(rows).toHaveLength(28);
      for (const row of rows) {
        const [, numbers, impls] = /x\d+((?: +[\d.]+){4}) +(.*)$/.exec(row) ?? [];
        expect(numbers?.trim().split(/ +/), row).toHaveLength(4);
        expect(impls, row).not.toMatch(/(^|\/ )ref/);
      }
      expect(run.stdout.match(/sum per step/g)).toHaveLength(2);
      // The matmuls: the CNN's fc and head, ResNet-8's head, each forward, dx and dW.
      const matmuls = lines.filter((line) => / (fwd|dx|dW) +matmul +[\d.]+ +\S/.test(line));
      expect(matmuls).toHaveLength(9);
      for (const row of matmuls) expect(row).not.toMatch(/ ref/);
      const floors = lines.flatMap((line) => /^ {2}floor per step .*: ([\d.]+) ms$/.exec(line)?.[1] ?? []);
      expect(floors).toHaveLength(2);
      for (const floor of floors) expect(Number(floor)).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
