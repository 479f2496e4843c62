// preprocess-speed.mjs keeps running: its smoke mode decodes 12 generated JPEGs at two resolutions and reads them back.
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

import { figures, runBenchSmoke } from '../../../test/fixtures/bench-smoke.js';

const SCRIPT = fileURLToPath(new URL('./preprocess-speed.mjs', import.meta.url));

describe('datasets bench/preprocess-speed.mjs --smoke', () => {
  it('prints decode and batch-read speeds at both resolutions, each with the peak RSS', () => {
    const out = runBenchSmoke(SCRIPT);
    // Decoding: images decoded, s per 1 000 images, peak RSS; at shorter side 256 and 128.
    figures(out, /^shorter side (?:256|128): [\d.]+ s for (\d+) images = ([\d.]+) s per 1 000 images +peak RSS (\d+) MB$/, 2);
    // Reading train batches from the cache: s per 1 000 images, peak RSS.
    figures(out, /^ {2}train batches \(\d+-px .*\): ([\d.]+) s per 1 000 images +peak RSS (\d+) MB$/, 2);
  });
});
