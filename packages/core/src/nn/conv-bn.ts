/** conv → BatchNorm, the unit the CNN and the ResNets are built of. */
import type * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random.js';
import { BatchNorm2d } from './batch-norm.js';
import { Conv2d, type Conv2dArgs } from './conv2d.js';
import type { ForwardMode } from './module.js';
import type { ParameterSet } from './parameter-set.js';

export class ConvBn {
  readonly conv: Conv2d;
  readonly bn: BatchNorm2d;

  /**
   * Registers the conv under `<keys.conv>.weight` (drawn from `rng` as `Conv2d` does), then a
   * BatchNorm2d over its `outChannels` under `<keys.bn>.*`.
   */
  constructor(owner: ParameterSet, keys: { readonly conv: string; readonly bn: string }, args: Conv2dArgs, rng: Rng) {
    this.conv = new Conv2d(owner, keys.conv, args, rng);
    this.bn = new BatchNorm2d(owner, keys.bn, { channels: args.outChannels });
  }

  /** bn(conv(x)), no activation. */
  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor4D {
    return this.bn.apply(this.conv.apply(x), mode);
  }
}
