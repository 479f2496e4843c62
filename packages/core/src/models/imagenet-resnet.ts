/**
 * ImageNet ResNets in torchvision's layout (He et al., "Deep Residual Learning for Image
 * Recognition", CVPR 2016; torchvision's "v1.5" variant, which strides the 3×3 conv of a bottleneck
 * rather than its first 1×1): a 7×7/2 stem conv + BN + ReLU, a 3×3/2 max-pool, four stages of basic
 * (ResNet-18) or bottleneck (ResNet-50) blocks, global average pooling. Meant for 224-pixel inputs
 * (ImageNet-LT, iNaturalist); any size of at least 32 pixels works because of the pooling.
 *
 * State keys follow torchvision's module tree (`conv1`, `bn1`, `layer<s>.<b>.conv<i>`, `bn<i>`,
 * `downsample.0` / `downsample.1`), so weights can be mapped one to one. The classifier (`fc`) is
 * the run's head, not part of the backbone.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConvBn } from '../nn/conv-bn.js';
import { addLean, reluLean } from '../nn/lean-gradients.js';
import type { Backbone, ForwardMode } from '../nn/module.js';
import { ParameterSet } from '../nn/parameter-set.js';
import type { Rng } from '../random.js';
import { chain, forwardInChunks } from './bounded-forward.js';
import { assertImageBatch, assertInputShape } from './input-checks.js';

/** Block type and blocks per stage; stage widths are always 64, 128, 256, 512. */
export interface ImageNetResNetConfig {
  readonly block: 'basic' | 'bottleneck';
  readonly blocks: readonly [number, number, number, number];
}

/** ResNet-18: basic blocks [2, 2, 2, 2] → 512-d feature (11 689 512 parameters with a 1 000-class fc). */
export const IMAGENET_RESNET18: ImageNetResNetConfig = { block: 'basic', blocks: [2, 2, 2, 2] };
/** ResNet-50: bottleneck blocks [3, 4, 6, 3] → 2 048-d feature (25 557 032 parameters with a 1 000-class fc). */
export const IMAGENET_RESNET50: ImageNetResNetConfig = { block: 'bottleneck', blocks: [3, 4, 6, 3] };

/** Output channels of a bottleneck block per unit of stage width. */
const BOTTLENECK_EXPANSION = 4;

interface Block {
  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor4D;
}

/** The projection shortcut: 1×1 conv(stride) + BN under `<key>.downsample.0` / `.1`, or none. */
function downsample(
  owner: ParameterSet,
  key: string,
  inChannels: number,
  outChannels: number,
  stride: number,
  rng: Rng,
): ConvBn | undefined {
  if (stride === 1 && inChannels === outChannels) return undefined;
  const args = { inChannels, outChannels, kernelSize: 1, stride, padding: 0 };
  return new ConvBn(owner, { conv: `${key}.downsample.0`, bn: `${key}.downsample.1` }, args, rng);
}

/** relu(residual + shortcut), the end of both block types. */
function addShortcut(residual: tf.Tensor4D, x: tf.Tensor4D, shortcut: ConvBn | undefined, mode: ForwardMode): tf.Tensor4D {
  return reluLean(addLean(residual, shortcut ? shortcut.apply(x, mode) : x));
}

/** conv3×3(stride) → BN → ReLU → conv3×3 → BN, plus the shortcut; output `width` channels. */
class BasicBlock implements Block {
  private readonly convs: ConvBn[];
  private readonly shortcut: ConvBn | undefined;

  constructor(owner: ParameterSet, key: string, inChannels: number, width: number, stride: number, rng: Rng) {
    const conv = (i: number, args: { inChannels: number; outChannels: number; kernelSize: number; stride?: number; padding: number }) =>
      new ConvBn(owner, { conv: `${key}.conv${i}`, bn: `${key}.bn${i}` }, args, rng);
    this.convs = [
      conv(1, { inChannels, outChannels: width, kernelSize: 3, stride, padding: 1 }),
      conv(2, { inChannels: width, outChannels: width, kernelSize: 3, padding: 1 }),
    ];
    this.shortcut = downsample(owner, key, inChannels, width, stride, rng);
  }

  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor4D {
    const [first, second] = this.convs as [ConvBn, ConvBn];
    return addShortcut(second.apply(reluLean(first.apply(x, mode)), mode), x, this.shortcut, mode);
  }
}

/** conv1×1 → BN → ReLU → conv3×3(stride) → BN → ReLU → conv1×1 (4·width) → BN, plus the shortcut. */
class BottleneckBlock implements Block {
  private readonly convs: ConvBn[];
  private readonly shortcut: ConvBn | undefined;

  constructor(owner: ParameterSet, key: string, inChannels: number, width: number, stride: number, rng: Rng) {
    const out = width * BOTTLENECK_EXPANSION;
    const conv = (i: number, args: { inChannels: number; outChannels: number; kernelSize: number; stride?: number; padding: number }) =>
      new ConvBn(owner, { conv: `${key}.conv${i}`, bn: `${key}.bn${i}` }, args, rng);
    this.convs = [
      conv(1, { inChannels, outChannels: width, kernelSize: 1, padding: 0 }),
      conv(2, { inChannels: width, outChannels: width, kernelSize: 3, stride, padding: 1 }),
      conv(3, { inChannels: width, outChannels: out, kernelSize: 1, padding: 0 }),
    ];
    this.shortcut = downsample(owner, key, inChannels, out, stride, rng);
  }

  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor4D {
    const [a, b, c] = this.convs as [ConvBn, ConvBn, ConvBn];
    const residual = c.apply(reluLean(b.apply(reluLean(a.apply(x, mode)), mode)), mode);
    return addShortcut(residual, x, this.shortcut, mode);
  }
}

export class ImageNetResNet extends ParameterSet implements Backbone {
  readonly featureDim: number;
  readonly inputShape: readonly [number, number, number];
  private readonly stem: ConvBn;
  private readonly blocks: Block[] = [];

  constructor(name: string, config: ImageNetResNetConfig, inputShape: readonly [number, number, number], rng: Rng) {
    super(name);
    // The stem and max-pool divide the side by 4 and the stages by 8 more: below 32 pixels the last stage is 1×1 of padding.
    assertInputShape(name, inputShape, 32);
    this.inputShape = [...inputShape] as [number, number, number];
    this.stem = new ConvBn(
      this,
      { conv: 'conv1', bn: 'bn1' },
      { inChannels: inputShape[2], outChannels: 64, kernelSize: 7, stride: 2, padding: 3 },
      rng,
    );
    const Block = config.block === 'basic' ? BasicBlock : BottleneckBlock;
    const expansion = config.block === 'basic' ? 1 : BOTTLENECK_EXPANSION;
    let channels = 64;
    [64, 128, 256, 512].forEach((width, s) => {
      for (let b = 0; b < config.blocks[s]!; b++) {
        const stride = b === 0 && s > 0 ? 2 : 1;
        this.blocks.push(new Block(this, `layer${s + 1}.${b}`, channels, width, stride, rng));
        channels = width * expansion;
      }
    });
    this.featureDim = channels;
  }

  apply(x: tf.Tensor4D, mode: ForwardMode): tf.Tensor2D {
    assertImageBatch(this.label, x, this.inputShape, false);
    // Stage by stage, each freeing its input, and evaluation batches in slices (bounded-forward.ts).
    return forwardInChunks(x, mode, (images) => {
      const stem = tf.tidy(() => reluLean(this.stem.apply(images, mode)));
      // MaxPool2d(3, 2, padding=1): zero padding equals PyTorch's −∞ padding here because the input follows a ReLU.
      let h = chain(stem, (s) =>
        tf.maxPool(
          tf.pad(s, [
            [0, 0],
            [1, 1],
            [1, 1],
            [0, 0],
          ]),
          3,
          2,
          'valid',
        ),
      );
      for (const block of this.blocks) h = chain(h, (input) => block.apply(input, mode));
      return chain(h, (input) => tf.mean(input, [1, 2]) as tf.Tensor2D);
    });
  }
}
