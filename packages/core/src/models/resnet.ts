/**
 * CIFAR-style ResNets (He et al., "Deep Residual Learning for Image Recognition", CVPR 2016), as
 * in the kuangliu/FedLoGe code (specs/fedloge.md §2): a 3×3 stem conv + BN + ReLU with no
 * max-pool, stages of BasicBlocks, global average pooling. The feature is the pooled output of
 * the last stage (non-negative, it follows a ReLU), so any input size works.
 *
 * Convolutions pad 1 on every side like PyTorch's `padding=1` (tfjs 'same' would pad stride-2
 * convs bottom/right only and shift the sampling grid).
 */
import * as tf from '@tensorflow/tfjs';
import { BatchNorm2d } from '../nn/batch_norm.js';
import { Conv2d } from '../nn/conv2d.js';
import type { Backbone, ForwardMode } from '../nn/module.js';
import { ParameterSet } from '../nn/parameter_set.js';
import type { Rng } from '../random.js';
import { assertImageBatch, assertInputShape } from './input_checks.js';

/** An architecture: the stem width, then per stage its width, block count and first stride. */
export interface ResNetConfig {
  readonly stemWidth: number;
  readonly stages: readonly { readonly width: number; readonly blocks: number; readonly stride: number }[];
}

/** ResNet-8: stem 16, one block each of widths 16, 32/s2, 64/s2 → 64-d (the cheap CPU ResNet). */
export const RESNET8: ResNetConfig = {
  stemWidth: 16,
  stages: [
    { width: 16, blocks: 1, stride: 1 },
    { width: 32, blocks: 1, stride: 2 },
    { width: 64, blocks: 1, stride: 2 },
  ],
};

/** ResNet-18: stem 64, [2, 2, 2, 2] blocks of widths 64, 128, 256, 512 → 512-d. */
export const RESNET18: ResNetConfig = {
  stemWidth: 64,
  stages: [
    { width: 64, blocks: 2, stride: 1 },
    { width: 128, blocks: 2, stride: 2 },
    { width: 256, blocks: 2, stride: 2 },
    { width: 512, blocks: 2, stride: 2 },
  ],
};

/** ResNet-34: as ResNet-18 with [3, 4, 6, 3] blocks → 512-d. */
export const RESNET34: ResNetConfig = {
  stemWidth: 64,
  stages: [
    { width: 64, blocks: 3, stride: 1 },
    { width: 128, blocks: 4, stride: 2 },
    { width: 256, blocks: 6, stride: 2 },
    { width: 512, blocks: 3, stride: 2 },
  ],
};

/**
 * conv3×3(stride) → BN → ReLU → conv3×3 → BN, plus the identity, or a 1×1 conv(stride) + BN
 * shortcut when the stride or width changes; then add → ReLU. Keys under `<key>.`: conv1, bn1,
 * conv2, bn2, and shortcut.conv, shortcut.bn when present.
 */
class BasicBlock {
  private readonly conv1: Conv2d;
  private readonly bn1: BatchNorm2d;
  private readonly conv2: Conv2d;
  private readonly bn2: BatchNorm2d;
  private readonly shortcut?: { readonly conv: Conv2d; readonly bn: BatchNorm2d };

  constructor(owner: ParameterSet, key: string, inChannels: number, width: number, stride: number, rng: Rng) {
    this.conv1 = new Conv2d(owner, `${key}.conv1`, { inChannels, outChannels: width, kernelSize: 3, stride, padding: 1 }, rng);
    this.bn1 = new BatchNorm2d(owner, `${key}.bn1`, { channels: width });
    this.conv2 = new Conv2d(owner, `${key}.conv2`, { inChannels: width, outChannels: width, kernelSize: 3, padding: 1 }, rng);
    this.bn2 = new BatchNorm2d(owner, `${key}.bn2`, { channels: width });
    if (stride !== 1 || inChannels !== width) {
      this.shortcut = {
        conv: new Conv2d(owner, `${key}.shortcut.conv`, { inChannels, outChannels: width, kernelSize: 1, stride, padding: 0 }, rng),
        bn: new BatchNorm2d(owner, `${key}.shortcut.bn`, { channels: width }),
      };
    }
  }

  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor4D {
    const h = tf.relu(this.bn1.apply(this.conv1.apply(x), mode));
    const residual = this.bn2.apply(this.conv2.apply(h), mode);
    const skip = this.shortcut ? this.shortcut.bn.apply(this.shortcut.conv.apply(x), mode) : x;
    return tf.relu(tf.add(residual, skip)) as tf.Tensor4D;
  }
}

/**
 * State keys: conv1.weight, bn1.{gamma,beta,runningMean,runningVar}, then
 * layer<s>.<b>.{conv1,bn1,conv2,bn2}[.shortcut.{conv,bn}] for stage s = 1.. and block b = 0..
 */
export class ResNet extends ParameterSet implements Backbone {
  readonly featureDim: number;
  readonly inputShape: readonly [number, number, number];
  private readonly conv1: Conv2d;
  private readonly bn1: BatchNorm2d;
  private readonly blocks: BasicBlock[] = [];

  constructor(name: string, config: ResNetConfig, inputShape: readonly [number, number, number], rng: Rng) {
    super(name);
    assertInputShape(name, inputShape, 1);
    this.inputShape = [...inputShape] as [number, number, number];
    this.conv1 = new Conv2d(this, 'conv1', { inChannels: inputShape[2], outChannels: config.stemWidth, kernelSize: 3, padding: 1 }, rng);
    this.bn1 = new BatchNorm2d(this, 'bn1', { channels: config.stemWidth });
    let channels = config.stemWidth;
    config.stages.forEach((stage, s) => {
      for (let b = 0; b < stage.blocks; b++) {
        const stride = b === 0 ? stage.stride : 1;
        this.blocks.push(new BasicBlock(this, `layer${s + 1}.${b}`, channels, stage.width, stride, rng));
        channels = stage.width;
      }
    });
    this.featureDim = channels;
  }

  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor2D {
    assertImageBatch(this.label, x, this.inputShape, false);
    return tf.tidy(() => {
      let h = tf.relu(this.bn1.apply(this.conv1.apply(x), mode));
      for (const block of this.blocks) h = block.apply(h, mode);
      return tf.mean(h, [1, 2]) as tf.Tensor2D;
    });
  }
}
