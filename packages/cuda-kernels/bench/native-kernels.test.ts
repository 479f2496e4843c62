// native-kernels.mjs keeps running: its smoke mode times every conv / matmul / pool kernel and a training step.
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

import { figures, runBenchSmoke } from '../../../test/fixtures/bench-smoke.js';

const SCRIPT = fileURLToPath(new URL('./native-kernels.mjs', import.meta.url));

describe('bench/native-kernels.mjs --smoke', () => {
  it('prints per-step kernel sums and training steps on native and wasm, each with its peak RSS', () => {
    const out = runBenchSmoke(SCRIPT);
    // One sum per model over native (nhwc, the default), native (blocked), native (plain) and wasm.
    figures(out, /^ {2}sum per step +([\d.]+) +([\d.]+) +([\d.]+) +([\d.]+) +peak RSS (\d+) MB$/, 2);
    // min / median ms of a training step, per backend and model.
    figures(out, /^ {2}(?:native|wasm) +(?:cnn|resnet8) +([\d.]+) \/ +([\d.]+) +peak RSS (\d+) MB$/, 4);
  });
});
