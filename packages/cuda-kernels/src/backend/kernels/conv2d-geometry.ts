/**
 * The geometry array the addon's convolution bindings take, from tfjs's resolved Conv2DInfo (computeConv2DInfo): pads
 * per side, strides, dilations. Null when oneDNN cannot express the case (NCHW, empty tensors, an output size that
 * oneDNN's rule does not give, e.g. dimRoundingMode 'ceil'); the kernel then runs tfjs-cpu's.
 */
import type { backend_util } from '@tensorflow/tfjs-core';

/** Field order of src/native/dnnl_conv.h Conv2dGeometry. */
export function conv2dGeometry(info: backend_util.Conv2DInfo): Int32Array | null {
  if (info.dataFormat !== 'channelsLast') return null;
  const { top, left, bottom, right } = info.padInfo;
  const fields = [
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
    top,
    left,
    bottom,
    right,
  ];
  if (fields.some((v) => !Number.isInteger(v))) return null;
  if (fields.slice(0, 13).some((v) => v < 1) || fields.slice(13).some((v) => v < 0)) return null;
  // oneDNN's output size: (in + padBefore + padAfter − span) / stride + 1, span = (k − 1)·dilation + 1.
  const expected = (size: number, a: number, b: number, k: number, d: number, s: number) => {
    const reach = size + a + b - ((k - 1) * d + 1);
    return reach < 0 ? -1 : Math.floor(reach / s) + 1;
  };
  if (expected(info.inHeight, top, bottom, info.filterHeight, info.dilationHeight, info.strideHeight) !== info.outHeight) return null;
  if (expected(info.inWidth, left, right, info.filterWidth, info.dilationWidth, info.strideWidth) !== info.outWidth) return null;
  return Int32Array.from(fields);
}
