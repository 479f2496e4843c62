/**
 * The geometry both conv shims share: the forward convolution's output size and padding, as tfjs
 * computes them (`backend_util.computeConv2DInfo`), so 'same', 'valid' and explicit paddings all
 * go through one path.
 */
import * as tf from '@tensorflow/tfjs-core';

export interface Conv2DGeometry {
  readonly batch: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly outChannels: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly padTop: number;
  readonly padLeft: number;
}

/** The forward conv's geometry; rejects what the shims do not implement (NCHW, dilation). */
export function conv2DGeometry(
  kernelName: string,
  xShape: readonly number[],
  filterShape: readonly number[],
  strides: number | [number, number],
  pad: tf.Conv2DBackpropFilterAttrs['pad'],
  dimRoundingMode: tf.Conv2DBackpropFilterAttrs['dimRoundingMode'],
  dataFormat: 'NHWC' | 'NCHW',
): Conv2DGeometry {
  if (dataFormat !== 'NHWC') {
    throw new Error(`${kernelName} shim: only NHWC is implemented but dataFormat is '${dataFormat}'; use NHWC tensors`);
  }
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}
