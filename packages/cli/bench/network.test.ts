// network.mjs (`nx run cli:bench-network`) keeps running: its smoke mode runs one round of two echo clients over the
// Fleet API on loopback with the small CNN's payload.
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

import { figures, runBenchSmoke } from '../../../test/fixtures/bench-smoke.js';

const SCRIPT = fileURLToPath(new URL('./network.mjs', import.meta.url));

describe('cli bench/network.mjs --smoke', () => {
  it('prints the payload size, round times, throughput and peak RSS', () => {
    // MB, (in-process ms/round: an echo, can print as 0.00), network ms/round, overhead ms, MB/s, peak RSS MB.
    figures(runBenchSmoke(SCRIPT), /^small CNN +([\d.]+) +[\d.]+ +([\d.]+) +([\d.]+) +([\d.]+) +(\d+)$/, 1);
  });
});
