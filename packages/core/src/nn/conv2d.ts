/** A bias-free 2-D convolution layer (NHWC), as used before BatchNorm in the CNN and ResNets. */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../random.js';
import { kaimingUniformBound, uniformInit } from './init.js';
import { stateKey, type ParameterSet } from './parameter-set.js';

export interface Conv2dArgs {
  readonly inChannels: number;
  readonly outChannels: number;
  /** Square kernel size (1 or 3 in the model zoo). */
  readonly kernelSize: number;
  /** @default 1 */
  readonly stride?: number;
  /**
   * `same`/`valid` as in tfjs, or a number p: p zeros on every side, as PyTorch's `padding=p`
   * (tfjs `same` pads stride-2 convs bottom/right only; PyTorch pads both sides).
   * @default 'same'
   */
  readonly padding?: 'same' | 'valid' | number;
}

type ConvPad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

export class Conv2d {
  /** `[kh, kw, in, out]` (tfjs HWIO layout), state key `<key>.weight`. */
  readonly weight: tf.Variable;
  readonly stride: number;
  private readonly pad: ConvPad;

  /** Registers `<key>.weight` in `owner`, drawn from `rng.derive(key)` with PyTorch's default bound. */
  constructor(owner: ParameterSet, key: string, args: Conv2dArgs, rng: Rng) {
    const { inChannels, outChannels, kernelSize } = args;
    for (const [name, value] of Object.entries({ inChannels, outChannels, kernelSize })) {
      if (!(Number.isInteger(value) && value > 0))
        throw new RangeError(`Conv2d '${key}': expected a positive integer ${name} but received ${value}`);
    }
    this.stride = args.stride ?? 1;
    const padding = args.padding ?? 'same';
    this.pad =
      typeof padding === 'number'
        ? [
            [0, 0],
            [padding, padding],
            [padding, padding],
            [0, 0],
          ]
        : padding;
    const shape = [kernelSize, kernelSize, inChannels, outChannels];
    const bound = kaimingUniformBound(inChannels * kernelSize * kernelSize);
    this.weight = owner.addParam(stateKey(key, 'weight'), shape, uniformInit(rng.derive(key), shape, bound));
  }

  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.conv2d(x, this.weight as tf.Tensor4D, this.stride, this.pad);
  }
}
