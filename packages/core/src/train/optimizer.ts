/** What local training asks of an optimiser (SGD, Adam, AdamW). */
import type * as tf from '@tensorflow/tfjs-core';

/** Each variable's (or variable name's) gradient; the caller keeps ownership of the tensors. */
export type GradientMap = ReadonlyMap<tf.Variable, tf.Tensor> | Readonly<Record<string, tf.Tensor>>;

export interface LocalOptimizer {
  readonly variables: readonly tf.Variable[];
  /** One step from `grads`; variables without a gradient are left untouched, gradients are not disposed. */
  step(grads: GradientMap): void;
  /** Free the optimiser state (momentum or moment buffers). */
  dispose(): void;
}

/** The variables of `variables` that have a gradient in `grads`, with it. */
export function gradientPairs(variables: readonly tf.Variable[], grads: GradientMap): [tf.Variable, tf.Tensor][] {
  const pairs: [tf.Variable, tf.Tensor][] = [];
  for (const v of variables) {
    const g = grads instanceof Map ? grads.get(v) : (grads as Record<string, tf.Tensor>)[v.name];
    if (g) pairs.push([v, g]);
  }
  return pairs;
}
