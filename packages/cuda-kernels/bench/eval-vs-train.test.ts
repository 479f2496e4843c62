// eval-vs-train.mjs keeps running: its smoke mode times a few ResNet-8 eval forward passes and training steps on the
// native backend and prints the per-image costs, their ratio and the projected round.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { figures, runBenchSmoke } from '../../../test/fixtures/bench-smoke.js';

const SCRIPT = fileURLToPath(new URL('./eval-vs-train.mjs', import.meta.url));

describe('bench/eval-vs-train.mjs --smoke', () => {
  it('prints the eval and train cost per image, their ratio and the projected round', () => {
    const out = runBenchSmoke(SCRIPT);
    const [[evalMs]] = figures(out, /^resnet8 eval forward B=8: median ([\d.]+) ms\/image/) as [[number]];
    const [[trainMs]] = figures(out, /^resnet8 train step B=4: median ([\d.]+) ms\/image/) as [[number]];
    const [[ratio]] = figures(out, /^eval \/ train per image = ([\d.]+)$/) as [[number]];
    expect(ratio).toBeCloseTo(evalMs / trainMs, 2);
    const [[evalS, testImages, trainS, trainImages, share]] = figures(
      out,
      /^projected round: evaluation ([\d.]+) s \((\d+) test images\) vs training ([\d.]+) s \((\d+) training images\) = ([\d.]+) of training$/,
    ) as [[number, number, number, number, number]];
    expect(testImages).toBe(10000);
    expect(evalS).toBeCloseTo((evalMs * testImages) / 1000, 1);
    expect(trainS).toBeCloseTo((trainMs * trainImages) / 1000, 1);
    expect(share).toBeCloseTo(evalS / trainS, 1);
  });
});
