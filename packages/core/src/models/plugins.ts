/**
 * The built-in backbone plugins (`cnn`, `resnet8`, `resnet18`, `resnet34`, and the 224-pixel
 * `resnet18-imagenet`, `resnet50-imagenet`) and head plugins (`linear`).
 */
import { z } from 'zod';
import { linearHeadPlugin } from '../nn/linear-head.js';
import type { HeadPlugin, ModelPlugin } from '../plugins/types.js';
import { IMAGENET_RESNET18, IMAGENET_RESNET50, ImageNetResNet, type ImageNetResNetConfig } from './imagenet-resnet.js';
import { RESNET18, RESNET34, RESNET8, ResNet, type ResNetConfig } from './resnet.js';
import { SmallCnn } from './small-cnn.js';

const noOptions = z.strictObject({});

export const cnnModelPlugin: ModelPlugin<z.infer<typeof noOptions>> = {
  kind: 'model',
  name: 'cnn',
  description: 'Small CNN for 28×28×1: 2× (conv3×3 + BN + ReLU + maxpool), dense 128 → 128-d feature',
  options: noOptions,
  create: ({ inputShape, rng }) => new SmallCnn(inputShape, rng),
};

function resnetPlugin(name: string, config: ResNetConfig, description: string): ModelPlugin<z.infer<typeof noOptions>> {
  return {
    kind: 'model',
    name,
    description,
    options: noOptions,
    create: ({ inputShape, rng }) => new ResNet(name, config, inputShape, rng),
  };
}

export const resnet8ModelPlugin = resnetPlugin('resnet8', RESNET8, 'CIFAR ResNet-8: stem 16, blocks 16, 32/s2, 64/s2, GAP → 64-d feature');
export const resnet18ModelPlugin = resnetPlugin(
  'resnet18',
  RESNET18,
  'CIFAR ResNet-18 (kuangliu, no max-pool): [2,2,2,2] blocks, GAP → 512-d feature',
);
export const resnet34ModelPlugin = resnetPlugin(
  'resnet34',
  RESNET34,
  'CIFAR ResNet-34 (kuangliu, no max-pool): [3,4,6,3] blocks, GAP → 512-d feature',
);

function imageNetResNetPlugin(name: string, config: ImageNetResNetConfig, description: string): ModelPlugin<z.infer<typeof noOptions>> {
  return {
    kind: 'model',
    name,
    description,
    options: noOptions,
    create: ({ inputShape, rng }) => new ImageNetResNet(name, config, inputShape, rng),
  };
}

export const resnet18ImageNetModelPlugin = imageNetResNetPlugin(
  'resnet18-imagenet',
  IMAGENET_RESNET18,
  'torchvision ResNet-18 for 224-pixel images (ImageNet-LT, iNaturalist): 7×7/2 stem + max-pool, [2,2,2,2] basic blocks, GAP → 512-d feature',
);
export const resnet50ImageNetModelPlugin = imageNetResNetPlugin(
  'resnet50-imagenet',
  IMAGENET_RESNET50,
  'torchvision ResNet-50 for 224-pixel images (ImageNet-LT, iNaturalist): 7×7/2 stem + max-pool, [3,4,6,3] bottleneck blocks, GAP → 2048-d feature',
);

/** Every built-in backbone, for `registerCorePlugins`. */
export const CORE_MODEL_PLUGINS: readonly ModelPlugin[] = [
  cnnModelPlugin,
  resnet8ModelPlugin,
  resnet18ModelPlugin,
  resnet34ModelPlugin,
  resnet18ImageNetModelPlugin,
  resnet50ImageNetModelPlugin,
];

/** Every built-in head, for `registerCorePlugins`. */
export const CORE_HEAD_PLUGINS: readonly HeadPlugin[] = [linearHeadPlugin];
