/**
 * Adam and AdamW with PyTorch semantics (torch.optim.Adam / AdamW 1.13, no amsgrad), step t from 1:
 *   Adam:  g ← g + wd·w                      (L2 penalty added to the gradient)
 *   AdamW: w ← w·(1 − lr·wd)                 (decoupled weight decay, before the update)
 *   m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
 *   w ← w − (lr / (1−β1^t)) · m / (√v / √(1−β2^t) + ε)
 * The moment buffers live as long as the optimiser: build one per client-round and dispose it.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradientMap, LocalOptimizer } from './optimizer.js';
import { gradientPairs } from './optimizer.js';

export interface AdamOptions {
  readonly lr: number;
  /** @default 0.9 */
  readonly beta1?: number;
  /** @default 0.999 */
  readonly beta2?: number;
  /** @default 1e-8 */
  readonly eps?: number;
  /** Adam: L2 added to the gradient; AdamW: decoupled decay. @default 0 */
  readonly weightDecay?: number;
  /** true: AdamW's decoupled weight decay. @default false */
  readonly decoupled?: boolean;
}

export const ADAM_DEFAULTS = { beta1: 0.9, beta2: 0.999, eps: 1e-8 } as const;

interface Moments {
  m: tf.Tensor;
  v: tf.Tensor;
  step: number;
}

export class Adam implements LocalOptimizer {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  readonly decoupled: boolean;
  private readonly moments = new Map<tf.Variable, Moments>();

  constructor(
    readonly variables: readonly tf.Variable[],
    options: AdamOptions,
  ) {
    const name = options.decoupled ? 'AdamW' : 'Adam';
    if (!(options.lr > 0) || !Number.isFinite(options.lr))
      throw new RangeError(`${name}: expected a finite number > 0 for lr but received ${options.lr}`);
    const beta1 = options.beta1 ?? ADAM_DEFAULTS.beta1;
    const beta2 = options.beta2 ?? ADAM_DEFAULTS.beta2;
    const eps = options.eps ?? ADAM_DEFAULTS.eps;
    const weightDecay = options.weightDecay ?? 0;
    if (!(beta1 >= 0 && beta1 < 1)) throw new RangeError(`${name}: expected beta1 in [0, 1) but received ${beta1}`);
    if (!(beta2 >= 0 && beta2 < 1)) throw new RangeError(`${name}: expected beta2 in [0, 1) but received ${beta2}`);
    if (!(eps > 0)) throw new RangeError(`${name}: expected eps > 0 but received ${eps}`);
    if (!(weightDecay >= 0)) throw new RangeError(`${name}: expected weightDecay >= 0 but received ${weightDecay}`);
    this.lr = options.lr;
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
    this.decoupled = options.decoupled ?? false;
  }

  step(grads: GradientMap): void {
    for (const [w, g] of gradientPairs(this.variables, grads)) {
      const prev = this.moments.get(w);
      const step = (prev?.step ?? 0) + 1;
      const next = tf.tidy(() => {
        let grad = g;
        if (this.weightDecay && this.decoupled) w.assign(tf.mul(w, 1 - this.lr * this.weightDecay));
        else if (this.weightDecay) grad = tf.add(g, tf.mul(w, this.weightDecay));
        const m = prev ? tf.add(tf.mul(prev.m, this.beta1), tf.mul(grad, 1 - this.beta1)) : tf.mul(grad, 1 - this.beta1);
        const v = prev
          ? tf.add(tf.mul(prev.v, this.beta2), tf.mul(tf.square(grad), 1 - this.beta2))
          : tf.mul(tf.square(grad), 1 - this.beta2);
        const stepSize = this.lr / (1 - this.beta1 ** step);
        const denom = tf.add(tf.div(tf.sqrt(v), Math.sqrt(1 - this.beta2 ** step)), this.eps);
        w.assign(tf.sub(w, tf.mul(tf.div(m, denom), stepSize)));
        return { m: tf.keep(m), v: tf.keep(v) };
      });
      prev?.m.dispose();
      prev?.v.dispose();
      this.moments.set(w, { ...next, step });
    }
  }

  /** Free the moment buffers. */
  dispose(): void {
    for (const { m, v } of this.moments.values()) {
      m.dispose();
      v.dispose();
    }
    this.moments.clear();
  }
}
