/**
 * The per-image loops behind `fillBatch`: uint8 HWC in, normalised float32 HWC out, through a
 * per-channel lookup table (see `normalizationTable`). They allocate nothing and trust their
 * arguments; the dataset validates indices and buffer sizes once per batch.
 */
import type { AugmentationDraw } from './augmentation.js';

/** Normalise one image of `pixelCount` pixels × `channels` channels. */
export function writeNormalizedImage(
  src: Uint8Array,
  srcOffset: number,
  out: Float32Array,
  outOffset: number,
  pixelCount: number,
  channels: number,
  table: Float32Array,
): void {
  // Channel counts of our data sets get unrolled loops (about 2× faster than the generic one for RGB).
  if (channels === 1) {
    for (let i = 0; i < pixelCount; i++) out[outOffset + i] = table[src[srcOffset + i]!]!;
    return;
  }
  if (channels === 3) {
    for (let p = 0, s = srcOffset, o = outOffset; p < pixelCount; p++, s += 3, o += 3) {
      out[o] = table[src[s]!]!;
      out[o + 1] = table[256 + src[s + 1]!]!;
      out[o + 2] = table[512 + src[s + 2]!]!;
    }
    return;
  }
  for (let p = 0, s = srcOffset, o = outOffset; p < pixelCount; p++) {
    for (let c = 0; c < channels; c++, s++, o++) out[o] = table[(c << 8) + src[s]!]!;
  }
}

/**
 * Normalise one image after a zero-padded crop and an optional horizontal flip.
 *
 * Output pixel (y, x) is the padded image's pixel (y + top, x' + left) with x' = flip ? W−1−x : x,
 * i.e. source pixel (y + top − padding, x' + left − padding), or zero (before normalisation, so
 * `table[c·256]`) when that lies in the padding. Each row is split into a leading zero run, a copied
 * run and a trailing zero run, so the inner loops carry no bounds tests.
 */
export function writeAugmentedImage(
  src: Uint8Array,
  srcOffset: number,
  out: Float32Array,
  outOffset: number,
  height: number,
  width: number,
  channels: number,
  table: Float32Array,
  padding: number,
  draw: AugmentationDraw,
): void {
  const dy = draw.top - padding;
  const dx = draw.left - padding;
  const rowFloats = width * channels;
  // Valid output columns: source column x + dx (or W−1−x + dx when flipped) inside [0, W).
  const xStart = draw.flip ? Math.max(0, dx) : Math.max(0, -dx);
  const xEnd = draw.flip ? Math.min(width, width + dx) : Math.min(width, width - dx);
  // Source column of output column xStart, and the step as x advances.
  const sxStart = draw.flip ? width - 1 - xStart + dx : xStart + dx;
  const sxStep = draw.flip ? -channels : channels;

  for (let y = 0; y < height; y++) {
    const o = outOffset + y * rowFloats;
    const sy = y + dy;
    if (sy < 0 || sy >= height || xStart >= xEnd) {
      writeZeroPixels(out, o, width, channels, table);
      continue;
    }
    writeZeroPixels(out, o, xStart, channels, table);
    let s = srcOffset + sy * rowFloats + sxStart * channels;
    let d = o + xStart * channels;
    if (channels === 3) {
      for (let x = xStart; x < xEnd; x++, s += sxStep, d += 3) {
        out[d] = table[src[s]!]!;
        out[d + 1] = table[256 + src[s + 1]!]!;
        out[d + 2] = table[512 + src[s + 2]!]!;
      }
    } else {
      for (let x = xStart; x < xEnd; x++, s += sxStep) {
        for (let c = 0; c < channels; c++, d++) out[d] = table[(c << 8) + src[s + c]!]!;
      }
    }
    writeZeroPixels(out, d, width - xEnd, channels, table);
  }
}

/** `count` pixels of zero-valued (padding) input. */
function writeZeroPixels(out: Float32Array, offset: number, count: number, channels: number, table: Float32Array): void {
  for (let i = 0, d = offset; i < count; i++) {
    for (let c = 0; c < channels; c++, d++) out[d] = table[c << 8]!;
  }
}
