export { SMALL_CNN_FEATURE_DIM, SmallCnn } from './small-cnn.js';
export { RESNET18, RESNET34, RESNET8, ResNet } from './resnet.js';
export type { ResNetConfig } from './resnet.js';
export { IMAGENET_RESNET18, IMAGENET_RESNET50, ImageNetResNet } from './imagenet-resnet.js';
export type { ImageNetResNetConfig } from './imagenet-resnet.js';
export {
  CORE_HEAD_PLUGINS,
  CORE_MODEL_PLUGINS,
  cnnModelPlugin,
  resnet18ModelPlugin,
  resnet18ImageNetModelPlugin,
  resnet50ImageNetModelPlugin,
  resnet34ModelPlugin,
  resnet8ModelPlugin,
} from './plugins.js';
