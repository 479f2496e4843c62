// scale.mjs keeps running: its smoke mode is a 20-client FedLoGe run of 2 rounds through runFederation.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import { figures, runBenchSmoke } from '../../../test/fixtures/bench-smoke.js';

const SCRIPT = fileURLToPath(new URL('./scale.mjs', import.meta.url));

describe('cli bench/scale.mjs --smoke', () => {
  it('prints round, training and overhead time per round, the evaluation apart, and the peak RSS', () => {
    const out = runBenchSmoke(SCRIPT);
    expect(out).toMatch(/^scale: 20 clients, 2 a round, 2 rounds/m);
    const rounds = figures(
      out,
      /^ {2}round +(\d+) +round +([\d.]+) s +training +([\d.]+) s +overhead +-?\d+ ms \(-?[\d.]+ %\).* +states (\d+) +peak RSS (\d+) MB$/,
      2,
    );
    expect(rounds.map((r) => r[0])).toEqual([1, 2]);
    // every sampled client keeps its local head: 2 a round
    expect(rounds[0]![3]).toBe(2);
    expect(out).toMatch(/^ {2}round +2 .* eval [\d.]+ s/m);
    figures(out, /^total ([\d.]+) s .* clients with state (\d+) .* peak RSS (\d+) MB$/, 1);
  });
});
