/**
 * SGD with PyTorch semantics (torch.optim.SGD, dampening 0, no Nesterov):
 *   g ← g + wd·w;  v ← μ·v + g  (v = g on the first step);  w ← w − lr·v.
 * One optimiser holds the momentum buffers of its variables; build a new one per client-round
 * unless a strategy says otherwise, and dispose it afterwards.
 */
import * as tf from '@tensorflow/tfjs';

export interface SgdOptions {
  readonly lr: number;
  /** @default 0 */
  readonly momentum?: number;
  /** L2 penalty added to the gradient. @default 0 */
  readonly weightDecay?: number;
}

export class SGD {
  readonly lr: number;
  readonly momentum: number;
  readonly weightDecay: number;
  private readonly velocity = new Map<tf.Variable, tf.Tensor>();

  constructor(readonly variables: readonly tf.Variable[], options: SgdOptions) {
    if (!(options.lr > 0) || !Number.isFinite(options.lr)) {
      throw new RangeError(`Expected a finite number > 0 for lr but received ${options.lr}`);
    }
    const momentum = options.momentum ?? 0;
    if (!(momentum >= 0 && momentum < 1)) throw new RangeError(`Expected momentum in [0, 1) but received ${momentum}`);
    const weightDecay = options.weightDecay ?? 0;
    if (!(weightDecay >= 0)) throw new RangeError(`Expected weightDecay >= 0 but received ${weightDecay}`);
    this.lr = options.lr;
    this.momentum = momentum;
    this.weightDecay = weightDecay;
  }

  /**
   * Apply one step. `grads` maps each variable (or its `name`) to its gradient; variables without
   * a gradient are left untouched. The gradients are not disposed (the caller owns them).
   */
  step(grads: ReadonlyMap<tf.Variable, tf.Tensor> | Readonly<Record<string, tf.Tensor>>): void {
    for (const v of this.variables) {
      const g = grads instanceof Map ? grads.get(v) : (grads as Record<string, tf.Tensor>)[v.name];
      if (!g) continue;
      tf.tidy(() => {
        let d: tf.Tensor = this.weightDecay ? tf.add(g, tf.mul(v, this.weightDecay)) : g;
        if (this.momentum) {
          const prev = this.velocity.get(v);
          const next = prev ? tf.add(tf.mul(prev, this.momentum), d) : tf.clone(d);
          tf.keep(next);
          prev?.dispose();
          this.velocity.set(v, next);
          d = next;
        }
        v.assign(tf.sub(v, tf.mul(d, this.lr)));
      });
    }
  }

  /** Free the momentum buffers. */
  dispose(): void {
    for (const t of this.velocity.values()) t.dispose();
    this.velocity.clear();
  }
}

/**
 * Compute `loss()` and its gradient with respect to `variables`, apply one optimiser step, and
 * return the loss value. Everything intermediate is disposed.
 */
export function minimize(optimizer: SGD, loss: () => tf.Scalar, variables: readonly tf.Variable[] = optimizer.variables): number {
  const { value, grads } = tf.variableGrads(loss, [...variables]);
  try {
    optimizer.step(grads);
    return value.dataSync()[0]!;
  } finally {
    value.dispose();
    for (const g of Object.values(grads)) g.dispose();
  }
}
