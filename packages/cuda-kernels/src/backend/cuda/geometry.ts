/**
 * The integer lists the addon's convolution and pooling launchers take (ConvGeometry / PoolGeometry in
 * src/cuda/geometry.h, in field order), from tfjs's Conv2DInfo — so the cuda backend shares tfjs's argument handling
 * (computeConv2DInfo / computePool2DInfo: padding, rounding, output sizes) with every other backend.
 */
import type { backend_util } from '@tensorflow/tfjs-core';

/** [batch, inH, inW, inC, outH, outW, outC, filterH, filterW, strideH, strideW, dilationH, dilationW, padTop, padLeft] */
export function convGeometry(info: backend_util.Conv2DInfo): number[] {
  return [
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    info.padInfo.top,
    info.padInfo.left,
  ];
}

/** [batch, inH, inW, channels, outH, outW, filterH, filterW, strideH, strideW, dilationH, dilationW, padTop, padLeft] */
export function poolGeometry(info: backend_util.Conv2DInfo): number[] {
  return [
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.dilationHeight,
    info.dilationWidth,
    info.padInfo.top,
    info.padInfo.left,
  ];
}
