import { type ArrayData, type ArrayDType, dtypeInfo } from './dtype.js';

/** A dense, C-ordered tensor as it travels in an ArrayRecord. */
export interface FleetArray {
  readonly dtype: ArrayDType;
  /** Dimensions; `[]` is a scalar (one element). */
  readonly shape: readonly number[];
  /** Elements in row-major order; length = product of shape. */
  readonly data: ArrayData;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/** Build a FleetArray, checking that shape and data agree. */
export function fleetArray(dtype: ArrayDType, shape: readonly number[], data: ArrayData): FleetArray {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new Error(`array shape [${shape.join(', ')}] must hold non-negative integers`);
  }
  const info = dtypeInfo(dtype);
  if (data.BYTES_PER_ELEMENT !== info.itemBytes) {
    throw new Error(`a ${dtype} array needs ${info.itemBytes}-byte elements, got a ${data.constructor.name}`);
  }
  const n = elementCount(shape);
  if (data.length !== n) throw new Error(`array of shape [${shape.join(', ')}] needs ${n} elements, got ${data.length}`);
  return { dtype, shape: [...shape], data };
}

/** The raw little-endian bytes of the elements (no copy). */
export function arrayBytes(array: FleetArray): Uint8Array {
  return new Uint8Array(array.data.buffer, array.data.byteOffset, array.data.byteLength);
}
