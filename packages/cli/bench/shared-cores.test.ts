// shared-cores.mjs keeps running: its smoke mode trains the small CNN at batch 4 alone and as two runs at once.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { figures, runBenchSmoke } from '../../../test/fixtures/bench-smoke.js';

const SCRIPT = fileURLToPath(new URL('./shared-cores.mjs', import.meta.url));

describe('cli bench/shared-cores.mjs --smoke', () => {
  it('prints solo and shared throughput with threads and peak RSS, and the ratio to solo', () => {
    // Without the caller's OpenMP settings: what a default run gets.
    const { OMP_WAIT_POLICY: _w, GOMP_SPINCOUNT: _s, OMP_NUM_THREADS: _n, ...env } = process.env;
    const out = runBenchSmoke(SCRIPT, [], env);
    // The runs choose threads as fedloge train does, with the addon's waiting policy in force.
    expect(out).toMatch(/OpenMP env in the runs: \{"OMP_WAIT_POLICY":"passive"/);
    const run =
      /^(?:solo|run [12]\/2) +([\d.]+) steps\/s +([\d.]+) ms\/step +(\d+) steps in ([\d.]+) s, CPU ([\d.]+) cores +threads (\d+) \(default\) +peak RSS (\d+) MB$/;
    figures(out, run, 3);
    const [ratio] = figures(
      out,
      /^ratio +([\d.]+) \/ ([\d.]+) of solo \(worst ([\d.]+); goal ≥ 0\.40: (?:met|NOT met)\) +sum ([\d.]+) × solo$/,
      1,
    );
    expect(ratio?.[2]).toBe(Math.min(ratio?.[0] ?? NaN, ratio?.[1] ?? NaN));
  });
});
