// train-memory.mjs (`nx run cuda-kernels:bench-memory`) keeps running: its smoke mode trains the ImageNet ResNet-18 at
// 32 px, batch 2, for one step on the native backend and on PyTorch, each in its own child process, and prints the
// peak RSS of each side and their ratio.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { figures, runBenchSmoke } from '../../../test/fixtures/bench-smoke.js';

const SCRIPT = fileURLToPath(new URL('./train-memory.mjs', import.meta.url));
const torchImports = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;

describe('bench/train-memory.mjs --smoke', () => {
  it('prints the peak RSS of a native and a PyTorch training step, each from its own process', () => {
    const out = runBenchSmoke(SCRIPT);
    expect(out).toMatch(/^32×32 px, 1 step\(s\) per side, 1 thread\(s\); each side in its own child process$/m);
    const side = (backend: string) =>
      new RegExp(`^ {2}${backend} +peak RSS +(\\d+) MB +\\(model \\+ batch (\\d+) MB; the step adds -?\\d+ MB; ([\\d.]+) s/step`);
    const [[nativePeak, nativeSetup] = []] = figures(out, side('native'), 1);
    // The step itself costs memory: a peak no higher than the set-up would mean the peak was not the step's.
    expect(nativePeak).toBeGreaterThan(nativeSetup!);
    // The native child reports its buffer pool, which holds at least the parameters and momentum (2 × 11.2 M floats).
    const [[inUse] = []] = figures(out, /pool after: (\d+) MB in use, (\d+) MB cached/, 1);
    expect(inUse).toBeGreaterThanOrEqual((2 * 11_181_642 * 4) / 2 ** 20 - 1);
    if (torchImports) {
      const [[torchPeak] = []] = figures(out, side('torch'), 1);
      const [[, , nativeRow, torchRow, ratio] = []] = figures(
        out,
        /^\| resnet18-imagenet \| (32) \| (2) \| (\d+) \| (\d+) \| ([\d.]+) \|$/,
        1,
      );
      expect(nativeRow).toBe(nativePeak);
      expect(torchRow).toBe(torchPeak);
      expect(ratio).toBeCloseTo(nativePeak! / torchPeak!, 1);
    } else {
      expect(out).toMatch(/^ {2}torch: skipped: .*cannot import torch/m);
    }
  });
});
