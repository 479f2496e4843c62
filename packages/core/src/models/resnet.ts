/**
 * CIFAR-style ResNets (He et al., "Deep Residual Learning for Image Recognition", CVPR 2016), as
 * in the kuangliu/FedLoGe code (docs/fedloge.md#model): a 3×3 stem conv + BN + ReLU with no
 * max-pool, stages of BasicBlocks, global average pooling. The feature is the pooled output of
 * the last stage (non-negative, it follows a ReLU), so any input size works.
 *
 * Convolutions pad 1 on every side like PyTorch's `padding=1` (tfjs 'same' would pad stride-2
 * convs bottom/right only and shift the sampling grid).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConvBn } from '../nn/conv-bn.js';
import { addLean, reluLean } from '../nn/lean-gradients.js';
import type { Backbone, ForwardMode } from '../nn/module.js';
import { ParameterSet } from '../nn/parameter-set.js';
import type { Rng } from '../random.js';
import { chain, forwardInChunks } from './bounded-forward.js';
import { assertImageBatch, assertInputShape } from './input-checks.js';

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

/** Stem 64 and four stages of widths 64, 128/s2, 256/s2, 512/s2 with `blocks[s]` blocks each → 512-d. */
function fourStageResNet(blocks: readonly [number, number, number, number]): ResNetConfig {
  return { stemWidth: 64, stages: [64, 128, 256, 512].map((width, s) => ({ width, blocks: blocks[s]!, stride: s === 0 ? 1 : 2 })) };
}

/** ResNet-18: [2, 2, 2, 2] blocks of widths 64, 128, 256, 512 → 512-d. */
export const RESNET18: ResNetConfig = fourStageResNet([2, 2, 2, 2]);

/** ResNet-34: as ResNet-18 with [3, 4, 6, 3] blocks → 512-d. */
export const RESNET34: ResNetConfig = fourStageResNet([3, 4, 6, 3]);

/**
 * conv3×3(stride) → BN → ReLU → conv3×3 → BN, plus the identity, or a 1×1 conv(stride) + BN
 * shortcut when the stride or width changes; then add → ReLU. Keys under `<key>.`: conv1, bn1,
 * conv2, bn2, and shortcut.conv, shortcut.bn when present.
 */
class BasicBlock {
  private readonly first: ConvBn;
  private readonly second: ConvBn;
  private readonly shortcut?: ConvBn;

  constructor(owner: ParameterSet, key: string, inChannels: number, width: number, stride: number, rng: Rng) {
    const keys = (conv: string, bn: string) => ({ conv: `${key}.${conv}`, bn: `${key}.${bn}` });
    this.first = new ConvBn(owner, keys('conv1', 'bn1'), { inChannels, outChannels: width, kernelSize: 3, stride, padding: 1 }, rng);
    this.second = new ConvBn(owner, keys('conv2', 'bn2'), { inChannels: width, outChannels: width, kernelSize: 3, padding: 1 }, rng);
    if (stride !== 1 || inChannels !== width) {
      const projection = { inChannels, outChannels: width, kernelSize: 1, stride, padding: 0 };
      this.shortcut = new ConvBn(owner, keys('shortcut.conv', 'shortcut.bn'), projection, rng);
    }
  }

  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor4D {
    const residual = this.second.apply(reluLean(this.first.apply(x, mode)), mode);
    const skip = this.shortcut ? this.shortcut.apply(x, mode) : x;
    return reluLean(addLean(residual, skip));
  }
}

/**
 * State keys: conv1.weight, bn1.{gamma,beta,runningMean,runningVar}, then
 * layer<s>.<b>.{conv1,bn1,conv2,bn2}[.shortcut.{conv,bn}] for stage s = 1.. and block b = 0..
 */
export class ResNet extends ParameterSet implements Backbone {
  readonly featureDim: number;
  readonly inputShape: readonly [number, number, number];
  private readonly stem: ConvBn;
  private readonly blocks: BasicBlock[] = [];

  constructor(name: string, config: ResNetConfig, inputShape: readonly [number, number, number], rng: Rng) {
    super(name);
    assertInputShape(name, inputShape, 1);
    this.inputShape = [...inputShape] as [number, number, number];
    const stem = { inChannels: inputShape[2], outChannels: config.stemWidth, kernelSize: 3, padding: 1 };
    this.stem = new ConvBn(this, { conv: 'conv1', bn: 'bn1' }, stem, rng);
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
    // Block by block, each freeing its input, and evaluation batches in slices (bounded-forward.ts).
    return forwardInChunks(x, mode, (images) => {
      let h = tf.tidy(() => reluLean(this.stem.apply(images, mode)));
      for (const block of this.blocks) h = chain(h, (input) => block.apply(input, mode));
      return chain(h, (input) => tf.mean(input, [1, 2]) as tf.Tensor2D);
    });
  }
}
