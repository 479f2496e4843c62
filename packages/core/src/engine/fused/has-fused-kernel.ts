/** Whether the active tfjs backend implements a fused kernel; core's fused paths are taken only then. */
import * as tf from '@tensorflow/tfjs-core';

export function hasFusedKernel(kernelName: string): boolean {
  return tf.getKernel(kernelName, tf.getBackend()) != null;
}
