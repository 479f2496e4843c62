/**
 * The CIFAR "binary version" record layout (Krizhevsky, 2009; https://www.cs.toronto.edu/~kriz/cifar.html):
 * each record is `labelBytes` label bytes followed by 3 072 pixel bytes, the 32×32 red, green and blue
 * planes in turn, each row-major. CIFAR-10 has one label byte; CIFAR-100 has two (coarse, then fine).
 */
import type { RawImageSplit } from './in-memory-image-dataset.js';

/** How labels sit in a record. */
export interface CifarRecordLayout {
  /** Label bytes before the pixels: 1 (CIFAR-10) or 2 (CIFAR-100). */
  readonly labelBytes: number;
  /** Which label byte to use: 0 for CIFAR-10, 1 (fine label) for CIFAR-100. */
  readonly labelIndex: number;
  readonly numClasses: number;
}

/** One record file's contents and the name to report in errors. */
export interface CifarRecordFile {
  readonly source: string;
  readonly bytes: Uint8Array;
}

const SIDE = 32;
const PLANE = SIDE * SIDE;
const PIXEL_BYTES = 3 * PLANE;

/**
 * Parse and concatenate record files into one split, converting the CHW planes to NHWC once here so
 * batches never transpose. Every file's size must be a whole number of records and every label in range.
 */
export function parseCifarRecords(files: readonly CifarRecordFile[], layout: CifarRecordLayout): RawImageSplit {
  const recordBytes = layout.labelBytes + PIXEL_BYTES;
  let count = 0;
  for (const { source, bytes } of files) {
    if (bytes.length === 0 || bytes.length % recordBytes !== 0) {
      throw new Error(
        `${source}: ${bytes.length} bytes is not a whole number of ${recordBytes}-byte CIFAR records ` +
          `(${layout.labelBytes} label byte(s) + ${PIXEL_BYTES} pixels); the file is truncated or of another CIFAR version`,
      );
    }
    count += bytes.length / recordBytes;
  }
  const labels = new Uint8Array(count);
  const pixels = new Uint8Array(count * PIXEL_BYTES);
  let image = 0;
  for (const { source, bytes } of files) {
    for (let r = 0; r < bytes.length; r += recordBytes, image++) {
      const label = bytes[r + layout.labelIndex]!;
      if (label >= layout.numClasses) {
        throw new Error(`${source}: record ${r / recordBytes} has label ${label} but there are only ${layout.numClasses} classes`);
      }
      labels[image] = label;
      interleavePlanes(bytes, r + layout.labelBytes, pixels, image * PIXEL_BYTES);
    }
  }
  return { count, labels, pixels };
}

/** One image's R, G, B planes (CHW) starting at `src[from]` → HWC at `out[to]`. Kept small so V8 optimises it on its own. */
function interleavePlanes(src: Uint8Array, from: number, out: Uint8Array, to: number): void {
  for (let p = 0, o = to; p < PLANE; p++, o += 3) {
    out[o] = src[from + p]!;
    out[o + 1] = src[from + PLANE + p]!;
    out[o + 2] = src[from + 2 * PLANE + p]!;
  }
}
