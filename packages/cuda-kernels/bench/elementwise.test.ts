// elementwise.mjs keeps running: its smoke mode times three kernels on native, cpu and wasm.
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

import { figures, runBenchSmoke } from '../../../test/fixtures/bench-smoke.js';

const SCRIPT = fileURLToPath(new URL('./elementwise.mjs', import.meta.url));

describe('bench/elementwise.mjs --smoke', () => {
  it('prints ms per call on the three backends, the ratios and the peak RSS of each case', () => {
    figures(
      runBenchSmoke(SCRIPT),
      /native +([\d.]+) ms +cpu +([\d.]+) ms +wasm +([\d.]+) ms +cpu\/native +([\d.]+)× +wasm\/native +([\d.]+)× +peak RSS (\d+) MB$/,
      3,
    );
  });
});
