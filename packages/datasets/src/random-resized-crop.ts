/**
 * The ImageNet train-time augmentation: torchvision's RandomResizedCrop(size, scale = (0.08, 1),
 * ratio = (3/4, 4/3)) followed by RandomHorizontalFlip(0.5), and the eval-time centre crop. They
 * read one stored uint8 image (side × side × 3) and write normalised float32 pixels.
 */
import type { Rng } from '@fedloge/core/data';
import type { Normalization } from './normalization.js';

/** The crop window in the stored image, in pixels. */
export interface CropWindow {
  readonly top: number;
  readonly left: number;
  readonly height: number;
  readonly width: number;
}

/** RandomResizedCrop's ranges: area fraction and aspect ratio (width / height). */
export interface ResizedCropSpec {
  readonly scale: readonly [number, number];
  readonly ratio: readonly [number, number];
}

export const IMAGENET_RESIZED_CROP: ResizedCropSpec = { scale: [0.08, 1], ratio: [3 / 4, 4 / 3] };

/** Python's round(): halves go to the even neighbour. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Draw a crop window as torchvision does: up to 10 tries of an area fraction U(scale) and a
 * log-uniform aspect ratio, kept when the window fits; otherwise the largest centred window whose
 * ratio is clamped into `ratio`. Draws per try: area, log-ratio, then (when it fits) row and column.
 */
export function drawResizedCrop(spec: ResizedCropSpec, height: number, width: number, rng: Rng): CropWindow {
  const area = height * width;
  const [logLo, logHi] = [Math.log(spec.ratio[0]), Math.log(spec.ratio[1])];
  for (let attempt = 0; attempt < 10; attempt++) {
    const targetArea = area * (spec.scale[0] + (spec.scale[1] - spec.scale[0]) * rng.float());
    const aspect = Math.exp(logLo + (logHi - logLo) * rng.float());
    const w = roundHalfEven(Math.sqrt(targetArea * aspect));
    const h = roundHalfEven(Math.sqrt(targetArea / aspect));
    if (w > 0 && w <= width && h > 0 && h <= height) {
      const top = rng.int(height - h + 1);
      const left = rng.int(width - w + 1);
      return { top, left, height: h, width: w };
    }
  }
  const inRatio = width / height;
  let w = width;
  let h = height;
  if (inRatio < spec.ratio[0]) h = roundHalfEven(w / spec.ratio[0]);
  else if (inRatio > spec.ratio[1]) w = roundHalfEven(h * spec.ratio[1]);
  return { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
}

/** torchvision's CenterCrop window of `size` × `size` in a height × width image (size ≤ both). */
export function centreCrop(height: number, width: number, size: number): CropWindow {
  return { top: roundHalfEven((height - size) / 2), left: roundHalfEven((width - size) / 2), height: size, width: size };
}

/** Per-channel affine form of the normalisation: value = byte · scale[c] + offset[c]. */
export function normalizationAffine(normalization: Normalization): { scale: Float64Array; offset: Float64Array } {
  const { mean, std } = normalization;
  return {
    scale: Float64Array.from(std, (s) => 1 / (255 * s)),
    offset: Float64Array.from(mean, (m, c) => -m / std[c]!),
  };
}

/** Source sample positions of a 1-D bilinear resize from `inSize` to `outSize` (align_corners = false). */
function bilinearTaps(inSize: number, outSize: number): { lo: Int32Array; hi: Int32Array; weight: Float64Array } {
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const weight = new Float64Array(outSize);
  const step = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const src = Math.max((o + 0.5) * step - 0.5, 0);
    const i0 = Math.min(Math.floor(src), inSize - 1);
    lo[o] = i0;
    hi[o] = Math.min(i0 + 1, inSize - 1);
    weight[o] = src - i0;
  }
  return { lo, hi, weight };
}

/**
 * Resize the `window` of the stored `side` × `side` × 3 image at `src[srcOffset…]` to `size` ×
 * `size` with bilinear interpolation (align_corners = false, no antialiasing), mirror it left-right
 * when `flip`, normalise and write it at `out[outOffset…]` (HWC). A window of exactly `size` pixels
 * copies the bytes unchanged (before normalisation).
 */
export function writeResizedCrop(
  src: Uint8Array,
  srcOffset: number,
  side: number,
  window: CropWindow,
  size: number,
  flip: boolean,
  affine: { scale: Float64Array; offset: Float64Array },
  out: Float32Array,
  outOffset: number,
): void {
  const rows = bilinearTaps(window.height, size);
  const cols = bilinearTaps(window.width, size);
  const { scale, offset } = affine;
  for (let y = 0; y < size; y++) {
    const r0 = srcOffset + (window.top + rows.lo[y]!) * side * 3;
    const r1 = srcOffset + (window.top + rows.hi[y]!) * side * 3;
    const wy = rows.weight[y]!;
    for (let x = 0; x < size; x++) {
      const sx = flip ? size - 1 - x : x;
      const c0 = (window.left + cols.lo[sx]!) * 3;
      const c1 = (window.left + cols.hi[sx]!) * 3;
      const wx = cols.weight[sx]!;
      const o = outOffset + (y * size + x) * 3;
      for (let c = 0; c < 3; c++) {
        const top = src[r0 + c0 + c]! * (1 - wx) + src[r0 + c1 + c]! * wx;
        const bottom = src[r1 + c0 + c]! * (1 - wx) + src[r1 + c1 + c]! * wx;
        out[o + c] = (top * (1 - wy) + bottom * wy) * scale[c]! + offset[c]!;
      }
    }
  }
}
