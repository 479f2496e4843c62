/** Argument checks shared by the backbones, with messages that say what was expected. */
import type * as tf from '@tensorflow/tfjs-core';

/** `inputShape` must be three positive integers [h, w, c] with h, w ≥ `minSide`. */
export function assertInputShape(model: string, inputShape: readonly number[], minSide: number): void {
  const ok =
    inputShape.length === 3 &&
    inputShape.every((s) => Number.isInteger(s) && s > 0) &&
    inputShape[0]! >= minSide &&
    inputShape[1]! >= minSide;
  if (!ok) {
    throw new RangeError(
      `${model}: expected inputShape [height, width, channels] of positive integers with height, width ≥ ${minSide} ` +
        `but received [${inputShape.join(', ')}]`,
    );
  }
}

/**
 * `x` must be an NHWC batch with the backbone's channel count, and with its exact height and
 * width when `exactSize` (models with a dense layer after the convolutions).
 */
export function assertImageBatch(model: string, x: tf.Tensor, inputShape: readonly [number, number, number], exactSize: boolean): void {
  const [h, w, c] = inputShape;
  const ok = x.rank === 4 && x.shape[3] === c && (!exactSize || (x.shape[1] === h && x.shape[2] === w));
  if (!ok) {
    const want = exactSize ? `[batch, ${h}, ${w}, ${c}]` : `[batch, height, width, ${c}]`;
    throw new Error(`${model}.apply: expected an NHWC batch of shape ${want} but received [${x.shape.join(', ')}]`);
  }
}
