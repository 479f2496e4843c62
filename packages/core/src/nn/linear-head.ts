/** The linear classifier head: logits = f·Wᵀ + b (torch.nn.Linear(d, C), as FedLoGe's heads). */
import type * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { HeadArgs, HeadPlugin } from '../plugins/types.js';
import { Linear } from './linear.js';
import type { Head } from './module.js';
import { ParameterSet } from './parameter-set.js';

/**
 * A `Head` with state keys `weight` ([C, d], PyTorch orientation, so row c is class c's
 * prototype) and `bias` ([C]), both initialised from U(±1/√d) as PyTorch does.
 */
export class LinearHead extends ParameterSet implements Head {
  readonly inputDim: number;
  readonly numClasses: number;
  private readonly linear: Linear;

  constructor(args: HeadArgs) {
    super('linear-head');
    this.inputDim = args.inputDim;
    this.numClasses = args.numClasses;
    // Empty key: the head's state is `weight`/`bias`; callers prefix it (e.g. `head.`).
    this.linear = new Linear(this, '', { inFeatures: args.inputDim, outFeatures: args.numClasses }, args.rng);
  }

  get weight(): tf.Variable {
    return this.linear.weight;
  }

  get bias(): tf.Variable {
    return this.linear.bias;
  }

  apply(features: tf.Tensor2D): tf.Tensor2D {
    if (features.rank !== 2 || features.shape[1] !== this.inputDim) {
      throw new Error(`LinearHead.apply: expected features of shape [batch, ${this.inputDim}] but received [${features.shape.join(', ')}]`);
    }
    return this.linear.apply(features);
  }
}

const linearHeadOptions = z.strictObject({});

/** Head plugin `linear`. */
export const linearHeadPlugin: HeadPlugin<z.infer<typeof linearHeadOptions>> = {
  kind: 'head',
  name: 'linear',
  description: 'Linear classifier f·Wᵀ + b (W: [classes, d]), PyTorch default init U(±1/√d)',
  options: linearHeadOptions,
  create: (args) => new LinearHead(args),
};
