// The TypeScript side of the cuda backend's GPU kernels (op codes, broadcast/transposed strides, convolution and
// pooling geometry lists, output shapes, temporaries disposed), run on machines without a GPU: the kernels call a host
// emulation of the addon's cuda* functions (./__fixtures__/host-device.ts) over host memory, through every parity
// case. The CUDA code itself is checked on a GPU by cuda-parity.test.ts.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { nativeAddon } from '../../load.js';
import { hostKernels } from './__fixtures__/host-device.js';
import { HostMemory } from './__fixtures__/host-memory.js';
import { expectCaseParity, PARITY_CASES } from './__fixtures__/parity-cases.js';
import { CudaBackend } from './cuda-backend.js';
import type { CudaBackendAddon } from './device.js';
import { CUDA_KERNELS } from './kernels/index.js';
import { registerCudaBackendVariant } from './register.js';

const NAME = 'cuda-emulated-test';
const addon = nativeAddon();
const probe = addon?.cudaConvIndexMap;
const note = probe ? '' : ' (skipped: fedkern.node is not built or predates the cuda backend; its index maps are needed)';
let memory: HostMemory | undefined;
if (probe) {
  registerCudaBackendVariant(
    NAME,
    () => {
      memory = new HostMemory();
      return new CudaBackend(memory, hostKernels(memory, probe.bind(addon)) as unknown as CudaBackendAddon);
    },
    CUDA_KERNELS,
  );
}

describe(`cuda backend GPU kernels over an emulated device${note}`, () => {
  it.skipIf(!probe).each(PARITY_CASES.map((c) => [c.name, c] as const))('%s matches the cpu backend', async (_name, c) => {
    await expectCaseParity(NAME, c);
  });

  it.skipIf(!probe)(
    'a CNN training step runs its conv, pool, matmul and reduction kernels without falling back, and frees every intermediate buffer',
    async () => {
      await tf.setBackend(NAME);
      const backend = tf.backend() as CudaBackend;
      const before = backend.fallbackCounts();
      const w = tf.variable(tf.randomNormal([3, 3, 2, 4], 0, 0.3, 'float32', 1));
      const d = tf.variable(tf.randomNormal([4 * 4 * 4, 3], 0, 0.3, 'float32', 2));
      const optimizer = tf.train.sgd(0.1);
      const liveBefore = memory!.liveBuffers;
      tf.tidy(() => {
        const x = tf.randomNormal([2, 8, 8, 2], 0, 1, 'float32', 3);
        const labels = tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3);
        optimizer.minimize(() => {
          const h = tf.maxPool(tf.relu(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same')), 2, 2, 'valid');
          return tf.losses.softmaxCrossEntropy(labels, tf.matMul(tf.reshape(h, [2, 64]), d)) as tf.Scalar;
        });
      });
      const after = backend.fallbackCounts();
      for (const name of [
        'Conv2D',
        'Conv2DBackpropFilter',
        'Conv2DBackpropInput',
        'MaxPool',
        'MaxPoolGrad',
        'BatchMatMul',
        'Relu',
        'Softmax',
        'Sum',
        'Multiply',
        'Sub',
      ]) {
        expect(after[name] ?? 0, name).toBe(before[name] ?? 0);
      }
      // Every device buffer belongs to a live tensor (tfjs itself keeps a few tensors across the step).
      expect(memory!.liveBuffers).toBe(backend.numDataIds());
      w.dispose();
      d.dispose();
      optimizer.dispose();
      expect(memory!.liveBuffers).toBe(backend.numDataIds());
      expect(memory!.liveBuffers).toBeLessThan(liveBefore + 3);
    },
  );
});
