// train-step.mjs keeps running: its smoke mode trains the small CNN at batch 4 for two steps on wasm.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { figures, runBenchSmoke } from '../../../test/fixtures/bench-smoke.js';

const SCRIPT = fileURLToPath(new URL('./train-step.mjs', import.meta.url));

describe('core bench/train-step.mjs --smoke', () => {
  it('prints median and min ms per step and the peak RSS', () => {
    const out = runBenchSmoke(SCRIPT);
    expect(out).toMatch(/^wasm: tfjs-backend-wasm/m);
    const [row] = figures(out, /^ {2}cnn +B=(\d+) +median +([\d.]+) ms\/step, min +([\d.]+) ms +\((\d+) steps\) +peak RSS (\d+) MB$/, 1);
    expect(row?.[0]).toBe(4);
    expect(row?.[3]).toBe(2);
  });
});
