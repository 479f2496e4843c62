import { Rng } from '@fedloge/core/data';
import { describe, expect, it } from 'vitest';
import { IMAGENET_RESIZED_CROP, centreCrop, drawResizedCrop, roundHalfEven, writeResizedCrop } from './random-resized-crop.js';

/** Identity normalisation (value = byte), so outputs can be compared with hand-computed bytes. */
const IDENTITY = { scale: Float64Array.of(1, 1, 1), offset: Float64Array.of(0, 0, 0) };

/** A side × side × 3 image whose byte at (y, x, c) is 10·y + x + 100·c (small sides only). */
function ramp(side: number): Uint8Array {
  const img = new Uint8Array(side * side * 3);
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++) for (let c = 0; c < 3; c++) img[(y * side + x) * 3 + c] = 10 * y + x + 100 * c;
  return img;
}

describe('random-resized-crop', () => {
  it('rounds halves to even, as Python does', () => {
    expect([0.5, 1.5, 2.5, -0.5, 2.4, 2.6].map(roundHalfEven)).toEqual([0, 2, 2, -0, 2, 3]);
  });

  it('copies a window of the output size unchanged, and mirrors it with flip', () => {
    const img = ramp(6);
    const window = { top: 1, left: 2, height: 3, width: 3 };
    const out = new Float32Array(27);
    writeResizedCrop(img, 0, 6, window, 3, false, IDENTITY, out, 0);
    const at = (o: Float32Array, y: number, x: number, c: number) => o[(y * 3 + x) * 3 + c];
    for (let y = 0; y < 3; y++)
      for (let x = 0; x < 3; x++) for (let c = 0; c < 3; c++) expect(at(out, y, x, c)).toBe(10 * (y + 1) + (x + 2) + 100 * c);
    const flipped = new Float32Array(27);
    writeResizedCrop(img, 0, 6, window, 3, true, IDENTITY, flipped, 0);
    for (let y = 0; y < 3; y++) for (let x = 0; x < 3; x++) expect(at(flipped, y, x, 1)).toBe(at(out, y, 2 - x, 1));
  });

  it('halves a window by averaging 2 × 2 blocks (bilinear, align_corners = false) and doubles by interpolating', () => {
    const img = ramp(4);
    const half = new Float32Array(2 * 2 * 3);
    writeResizedCrop(img, 0, 4, { top: 0, left: 0, height: 4, width: 4 }, 2, false, IDENTITY, half, 0);
    // Output (i, j) samples source (2i + 0.5, 2j + 0.5): the mean of rows 2i, 2i+1 and columns 2j, 2j+1.
    expect(Array.from(half.filter((_, k) => k % 3 === 0))).toEqual([5.5, 7.5, 25.5, 27.5]);
    const double = new Float32Array(4 * 4 * 3);
    writeResizedCrop(img, 0, 4, { top: 1, left: 1, height: 2, width: 2 }, 4, false, IDENTITY, double, 0);
    // Row positions (o + 0.5)/2 − 0.5 → 0 (clamped), 0.25, 0.75, 1 (clamped high): 11 + 10·pos, likewise columns.
    const pos = [0, 0.25, 0.75, 1];
    const want = pos.flatMap((py) => pos.map((px) => 11 + 10 * py + px));
    double.filter((_, k) => k % 3 === 0).forEach((v, k) => expect(v).toBeCloseTo(want[k]!, 5));
  });

  it('normalises as (byte / 255 − mean) / std', () => {
    const img = Uint8Array.of(255, 0, 51);
    const out = new Float32Array(3);
    const affine = {
      scale: Float64Array.from([0.229, 0.224, 0.225], (s) => 1 / (255 * s)),
      offset: Float64Array.from([0.485, 0.456, 0.406], (m, c) => -m / [0.229, 0.224, 0.225][c]!),
    };
    writeResizedCrop(img, 0, 1, { top: 0, left: 0, height: 1, width: 1 }, 1, false, affine, out, 0);
    expect(out[0]).toBeCloseTo((1 - 0.485) / 0.229, 5);
    expect(out[1]).toBeCloseTo((0 - 0.456) / 0.224, 5);
    expect(out[2]).toBeCloseTo((0.2 - 0.406) / 0.225, 5);
  });

  it('draws windows inside the image with area fraction in [0.08, 1] and aspect ratio in [3/4, 4/3] (up to rounding)', () => {
    const rng = new Rng(11);
    const areas: number[] = [];
    for (let k = 0; k < 2000; k++) {
      const w = drawResizedCrop(IMAGENET_RESIZED_CROP, 64, 64, rng);
      expect(w.top >= 0 && w.left >= 0 && w.top + w.height <= 64 && w.left + w.width <= 64).toBe(true);
      const area = (w.height * w.width) / 4096;
      areas.push(area);
      expect(area).toBeGreaterThanOrEqual(0.07);
      expect(w.width / w.height).toBeGreaterThan(0.7);
      expect(w.width / w.height).toBeLessThan(1.4);
    }
    // Kept windows are smaller on average than U(0.08, 1)'s 0.54 because large non-square ones do not fit:
    // a Monte-Carlo run of torchvision's procedure in Python (400 000 draws, 64 × 64) gives a mean of 0.484.
    expect(Math.abs(areas.reduce((a, b) => a + b, 0) / areas.length - 0.484)).toBeLessThan(0.02);
    expect(drawResizedCrop(IMAGENET_RESIZED_CROP, 64, 64, new Rng(5))).toEqual(drawResizedCrop(IMAGENET_RESIZED_CROP, 64, 64, new Rng(5)));
  });

  it('falls back to the centred window with the ratio clamped when no try fits (a 1-pixel-high strip)', () => {
    // Height 1: every try needs h ≥ 1 with w/h ≤ 4/3 and area ≥ 0.08·W, which cannot fit for W = 100.
    expect(drawResizedCrop(IMAGENET_RESIZED_CROP, 1, 100, new Rng(1))).toEqual({ top: 0, left: 49, height: 1, width: 1 });
  });

  it("centre-crops as torchvision's CenterCrop", () => {
    expect(centreCrop(256, 256, 224)).toEqual({ top: 16, left: 16, height: 224, width: 224 });
    expect(centreCrop(37, 37, 32)).toEqual({ top: 2, left: 2, height: 32, width: 32 });
  });
});
