/** The geometry array the addon's max-pool bindings take, from tfjs's resolved Conv2DInfo (computePool2DInfo). */
import type { backend_util } from '@tensorflow/tfjs-core';

/** Field order of src/native/max_pool.h Pool2dGeometry; null for cases the native loops do not cover. */
export function pool2dGeometry(info: backend_util.Conv2DInfo): Int32Array | null {
  if (info.dataFormat !== 'channelsLast' || info.dilationHeight !== 1 || info.dilationWidth !== 1) return null;
  const fields = [
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
    info.padInfo.top,
    info.padInfo.left,
  ];
  if (fields.some((v) => !Number.isInteger(v)) || fields.slice(0, 10).some((v) => v < 1) || fields.slice(10).some((v) => v < 0))
    return null;
  return Int32Array.from(fields);
}
