// Parity inputs and the error measure shared by the parity harnesses, free of vitest and of any backend registration,
// so the GPU check's bundled Node stage (cuda/__fixtures__/node-stage.ts) can use them without a test runner.

/** Plain inputs of a parity case: values with shapes and dtypes, rebuilt as tensors on each backend. */
export interface HostTensor {
  readonly values: Float32Array | Int32Array | Uint8Array;
  readonly shape: readonly number[];
  readonly dtype?: 'float32' | 'int32' | 'bool';
}

/** Deterministic pseudo-random floats in [-scale, scale) (an LCG: no dependency on core). */
export function randomTensor(shape: readonly number[], seed: number, scale = 1): HostTensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    values[i] = ((s / 4294967296) * 2 - 1) * scale;
  }
  return { values, shape };
}

/** max |a − b| / max(1, |b|) over all elements. */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!));
    if (!(d <= worst)) worst = Number.isNaN(d) ? Infinity : d;
  }
  return worst;
}
