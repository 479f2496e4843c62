/**
 * SGD with PyTorch semantics (torch.optim.SGD, dampening 0, no Nesterov):
 *   g ← g + wd·w;  v ← μ·v + g  (v = g on the first step);  w ← w − lr·v.
 * One optimiser holds the momentum buffers of its variables; build a new one per client-round
 * unless a strategy says otherwise, and dispose it afterwards.
 * A backend with the fused FedSgdMomentumUpdate kernel (engine/fused) gets one kernel call for all variables per step.
 */
import * as tf from '@tensorflow/tfjs-core';
import { leanVariableGrads } from './lean-backprop.js';
import { gradientPairs, type GradientMap, type LocalOptimizer } from './optimizer.js';

import { FED_SGD_MOMENTUM_UPDATE, sgdInputName, type FedSgdMomentumUpdateAttrs } from '../engine/fused/kernel-names.js';
import { hasFusedKernel } from '../engine/fused/has-fused-kernel.js';

export interface SgdOptions {
  readonly lr: number;
  /** @default 0 */
  readonly momentum?: number;
  /** L2 penalty added to the gradient. @default 0 */
  readonly weightDecay?: number;
}

export class SGD implements LocalOptimizer {
  readonly lr: number;
  readonly momentum: number;
  readonly weightDecay: number;
  private readonly velocity = new Map<tf.Variable, tf.Tensor>();

  constructor(
    readonly variables: readonly tf.Variable[],
    options: SgdOptions,
  ) {
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
  step(grads: GradientMap): void {
    const pairs = gradientPairs(this.variables, grads);
    const fusable = pairs.every(([v, g]) => v.dtype === 'float32' && g.dtype === 'float32');
    if (fusable && hasFusedKernel(FED_SGD_MOMENTUM_UPDATE)) this.stepFused(pairs);
    else this.stepComposite(pairs);
  }

  /** One FedSgdMomentumUpdate call per group: variables with a velocity, and those on their first step. */
  private stepFused(pairs: readonly [tf.Variable, tf.Tensor][]): void {
    const groups = this.momentum
      ? [
          { group: pairs.filter(([v]) => this.velocity.has(v)), firstStep: false },
          { group: pairs.filter(([v]) => !this.velocity.has(v)), firstStep: true },
        ]
      : [{ group: pairs, firstStep: true }];
    for (const { group, firstStep } of groups) {
      if (group.length === 0) continue;
      const inputs: tf.NamedTensorMap = {};
      group.forEach(([v, g], i) => {
        inputs[sgdInputName('w', i)] = v;
        inputs[sgdInputName('g', i)] = g;
        if (!firstStep) inputs[sgdInputName('v', i)] = this.velocity.get(v)!;
      });
      const attrs: FedSgdMomentumUpdateAttrs = {
        count: group.length,
        lr: this.lr,
        momentum: this.momentum,
        weightDecay: this.weightDecay,
        firstStep,
      };
      tf.tidy(() => {
        const outs = tf.engine().runKernel(FED_SGD_MOMENTUM_UPDATE, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
        group.forEach(([v], i) => {
          v.assign(outs[i]!);
          if (this.momentum) {
            this.velocity.get(v)?.dispose();
            this.velocity.set(v, tf.keep(outs[group.length + i]!));
          }
        });
      });
    }
  }

  private stepComposite(pairs: readonly [tf.Variable, tf.Tensor][]): void {
    for (const [v, g] of pairs) {
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
 * return the loss value. Everything intermediate is disposed, during the backward pass as soon as
 * it is no longer needed (lean-backprop.ts).
 */
export function minimize(
  optimizer: LocalOptimizer,
  loss: () => tf.Scalar,
  variables: readonly tf.Variable[] = optimizer.variables,
): number {
  const { value, grads } = leanVariableGrads(loss, variables);
  try {
    optimizer.step(grads);
    return value.dataSync()[0]!;
  } finally {
    value.dispose();
    for (const g of Object.values(grads)) g.dispose();
  }
}
