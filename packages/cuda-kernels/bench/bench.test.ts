// bench.mjs keeps running: its smoke mode times each head kernel once on tfjs and natively and prints the table.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { figures, runBenchSmoke } from '../../../test/fixtures/bench-smoke.js';

const SCRIPT = fileURLToPath(new URL('./bench.mjs', import.meta.url));

describe('bench/bench.mjs --smoke', () => {
  it('prints ms per call, speed-up, GB/s and peak RSS for tfjs and native on both kernels', () => {
    const out = runBenchSmoke(SCRIPT);
    // | case | implementation | ms / call | speed-up× | GB/s | peak RSS MB |
    figures(
      out,
      /^\| (?:forward\+backward|local realign) .* \| (?:tfjs dense \(wasm\)|native cpu|native cuda) \| ([\d.]+) \| ([\d.]+)× \| ([\d.]+) \| (\d+) \|$/,
      4,
    );
    for (const kernel of ['forward\\+backward', 'local realign']) {
      expect(out).toMatch(new RegExp(`^\\| ${kernel} .* \\| native cpu \\|`, 'm'));
      // tfjs is the baseline of its own row: a speed-up of exactly 1.
      expect(out).toMatch(new RegExp(`^\\| ${kernel} .* \\| tfjs dense \\(wasm\\) \\| [\\d.]+ \\| 1\\.00× \\|`, 'm'));
    }
  });
});
