/**
 * Shape and stride math of the `cuda` backend's kernels, on the host: broadcasting strides, merging dimensions so a
 * view fits the device kernels' rank limit, and the strided-copy views of transpose, slice, concat and pad. Pure
 * functions (unit-tested in strides.test.ts); the device only evaluates offset = Σ coordinate·stride.
 */

/** Dimensions the device kernels address directly (kMaxRank in src/cuda/geometry.h). */
export const MAX_RANK = 6;

/** Row-major element strides of a dense tensor. */
export function denseStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d]!;
  }
  return strides;
}

/**
 * Strides to read a dense tensor of `inShape` at each coordinate of `outShape` under numpy broadcasting: the shapes
 * are right-aligned, and a missing or size-1 dimension gets stride 0.
 */
export function broadcastStrides(inShape: readonly number[], outShape: readonly number[]): number[] {
  const dense = denseStrides(inShape);
  const offset = outShape.length - inShape.length;
  if (offset < 0) throw new RangeError(`cannot broadcast shape [${inShape}] to [${outShape}]`);
  return outShape.map((size, d) => {
    const i = d - offset;
    if (i < 0) return 0;
    const s = inShape[i]!;
    if (s === size) return s === 1 ? 0 : dense[i]!;
    if (s === 1) return 0;
    throw new RangeError(`cannot broadcast shape [${inShape}] to [${outShape}]`);
  });
}

/**
 * Drops size-1 dimensions and merges neighbours that every view walks contiguously (stride[d] = stride[d+1]·shape[d+1]
 * for each stride list), so `shape` keeps its element order with as few dimensions as possible.
 */
export function mergeDimensions(
  shape: readonly number[],
  strideLists: readonly (readonly number[])[],
): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = strideLists.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const last = outShape.length - 1;
    const mergeable = last >= 0 && strideLists.every((strides, j) => outStrides[j]![last] === strides[d]! * size);
    if (mergeable) {
      outShape[last] = outShape[last]! * size;
      strideLists.forEach((strides, j) => (outStrides[j]![last] = strides[d]!));
    } else {
      outShape.push(size);
      strideLists.forEach((strides, j) => outStrides[j]!.push(strides[d]!));
    }
  }
  if (outShape.length === 0 && shape.every((s) => s === 1)) {
    return { shape: [1], strides: strideLists.map(() => [0]) };
  }
  return { shape: outShape, strides: outStrides };
}

/** A strided copy y[yOffset + Σ c·yStrides] = x[xOffset + Σ c·xStrides] over `shape` (cudaStridedCopy). */
export interface StridedCopyView {
  readonly shape: number[];
  readonly xStrides: number[];
  readonly yStrides: number[];
  readonly xOffset: number;
  readonly yOffset: number;
}

function merged(
  shape: readonly number[],
  xStrides: readonly number[],
  yStrides: readonly number[],
  xOffset: number,
  yOffset: number,
): StridedCopyView {
  const m = mergeDimensions(shape, [xStrides, yStrides]);
  return { shape: m.shape, xStrides: m.strides[0]!, yStrides: m.strides[1]!, xOffset, yOffset };
}

/** y = transpose(x, perm): y's dimension d is x's dimension perm[d]. */
export function transposeView(xShape: readonly number[], perm: readonly number[]): StridedCopyView {
  const xDense = denseStrides(xShape);
  const yShape = perm.map((p) => xShape[p]!);
  return merged(
    yShape,
    perm.map((p) => xDense[p]!),
    denseStrides(yShape),
    0,
    0,
  );
}

/** y = x[begin .. begin + size) per dimension. */
export function sliceView(xShape: readonly number[], begin: readonly number[], size: readonly number[]): StridedCopyView {
  const xDense = denseStrides(xShape);
  const xOffset = begin.reduce((o, b, d) => o + b * xDense[d]!, 0);
  return merged(size, xDense, denseStrides(size), xOffset, 0);
}

/** Writes x (dense, xShape) into y (dense, yShape) at `begin` per dimension: a concat piece or a pad interior. */
export function placeView(xShape: readonly number[], yShape: readonly number[], begin: readonly number[]): StridedCopyView {
  const yDense = denseStrides(yShape);
  const yOffset = begin.reduce((o, b, d) => o + b * yDense[d]!, 0);
  return merged(xShape, denseStrides(xShape), yDense, 0, yOffset);
}

/** y = broadcastTo(x, yShape): dense y read from x with stride 0 on broadcast dimensions. */
export function broadcastView(xShape: readonly number[], yShape: readonly number[]): StridedCopyView {
  return merged(yShape, broadcastStrides(xShape, yShape), denseStrides(yShape), 0, 0);
}

/**
 * y = tile(x, reps): each dimension d of y splits into (repetition q, position p) with y index q·x_d + p and x index p,
 * so the copy runs over [reps_0, x_0, reps_1, x_1, …] with x stride 0 on the repetition axes.
 */
export function tileView(xShape: readonly number[], reps: readonly number[]): StridedCopyView {
  const yShape = xShape.map((s, d) => s * reps[d]!);
  const xDense = denseStrides(xShape);
  const yDense = denseStrides(yShape);
  const shape = xShape.flatMap((s, d) => [reps[d]!, s]);
  const xStrides = xShape.flatMap((_, d) => [0, xDense[d]!]);
  const yStrides = xShape.flatMap((s, d) => [s * yDense[d]!, yDense[d]!]);
  return merged(shape, xStrides, yStrides, 0, 0);
}
