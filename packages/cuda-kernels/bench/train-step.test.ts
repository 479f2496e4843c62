// train-step.mjs (`nx run cuda-kernels:bench-train`) keeps running: its smoke mode trains the small CNN at batch 4 for
// two steps on every JS backend this machine has and on PyTorch, and prints times and peak memory of each.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { figures, runBenchSmoke } from '../../../test/fixtures/bench-smoke.js';

const SCRIPT = fileURLToPath(new URL('./train-step.mjs', import.meta.url));
const hasDnnlHeaders = existsSync('/usr/include/dnnl.hpp') && spawnSync('g++', ['--version']).status === 0;
const torchImports = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;

describe('bench/train-step.mjs --smoke', () => {
  it('times native, wasm and PyTorch steps and prints each one’s peak RSS', () => {
    const out = runBenchSmoke(SCRIPT);
    expect(out).toMatch(/^machine: .*, tfjs \d+\.\d+\.\d+$/m);
    const step = (backend: string) =>
      new RegExp(`^ {2}${backend} +median +([\\d.]+) ms/step +p10–p90 ([\\d.]+)–([\\d.]+) ms +\\((\\d+) steps.*\\) +peak RSS (\\d+) MB`);
    figures(out, step('native'), 1);
    figures(out, step('wasm'), 1);
    if (torchImports) {
      const [torch] = figures(out, step('torch'), 1);
      expect(torch?.[3]).toBe(2); // --smoke times 2 steps on PyTorch too
      // The summary row: native/torch ratio and the peak RSS of each backend.
      figures(
        out,
        /^\| cnn \| 4 \| \d+ \| .* \| ([\d.]+) \| ([\d.]+) \| wasm (\d+) \/ native (\d+)(?: \/ cuda \d+)? \/ torch (\d+) \|$/,
        1,
      );
    } else {
      expect(out).toMatch(/^torch: skipped: .*cannot import torch/m);
    }
  });

  it.skipIf(!hasDnnlHeaders)('--floor prints the oneDNN primitives-only floor beside the native step, and their ratio', () => {
    const out = runBenchSmoke(SCRIPT, ['--backends', 'native', '--floor']);
    const [line] = figures(out, /^ {4}oneDNN floor ([\d.]+) ms\/step .*NHWC layout: ([\d.]+) ms\); native median \/ floor = ([\d.]+)$/, 1);
    const [summary] = figures(out, /^cnn B=4: native ([\d.]+) ms\/step = ([\d.]+) × the oneDNN floor of ([\d.]+) ms$/, 1);
    expect(summary![2]).toBe(line![0]);
    // The ratio is the step over the floor, both as printed (rounded to 2 decimals, the step to 1 decimal).
    expect(Math.abs(summary![1]! - summary![0]! / summary![2]!)).toBeLessThan(0.05 * summary![1]! + 0.01);
  });
});
