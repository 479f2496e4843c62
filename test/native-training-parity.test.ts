// One training step of each core model on the `native` backend (its native elementwise / reduction kernels plus
// tfjs-cpu for the rest) against the `cpu` backend: same loss and gradients from the same initial weights.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, LinearHead, ResNet, RESNET8, Rng, silentLogger, SmallCnn } from '@fedloge/core';
import { nativeBackendProvider, nativeRuntime } from '@fedloge/cuda-kernels';
import { describe, expect, it } from 'vitest';

import { lossAndGrads, relativeMaxError } from '../packages/core/src/models/__fixtures__/grad-check.js';

const runtime = nativeRuntime();
const skip = 'addon' in runtime ? '' : ` (skipped: ${runtime.reason})`;

function imageBatch(rng: Rng, n: number, shape: [number, number, number]): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const data = new Float32Array(n * shape[0] * shape[1] * shape[2]);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return {
    x: tf.tensor4d(data, [n, ...shape]),
    y: tf.tensor1d(
      Int32Array.from({ length: n }, () => rng.int(10)),
      'int32',
    ),
  };
}

const MODELS = [
  { name: 'small CNN', shape: [12, 12, 1] as [number, number, number], dim: 128, make: (rng: Rng) => new SmallCnn([12, 12, 1], rng) },
  {
    name: 'ResNet-8',
    shape: [16, 16, 3] as [number, number, number],
    dim: 64,
    make: (rng: Rng) => new ResNet('resnet8', RESNET8, [16, 16, 3], rng),
  },
];

describe(`native backend trains the core models as tfjs-cpu does${skip}`, () => {
  for (const model of MODELS) {
    it.skipIf(!('addon' in runtime))(`${model.name}: loss and every gradient match cpu`, async () => {
      const { registerBackendProvider } = await import('@fedloge/core');
      registerBackendProvider(nativeBackendProvider);
      const losses: Record<string, number> = {};
      const grads: Record<string, Record<string, Float32Array>> = {};
      for (const backend of ['cpu', 'native'] as const) {
        await initBackend({ backend, threads: 1, logger: silentLogger() });
        expect(tf.getBackend()).toBe(backend);
        const net = model.make(new Rng(3));
        const head = new LinearHead({ inputDim: model.dim, numClasses: 10, rng: new Rng(4) });
        const { x, y } = imageBatch(new Rng(5), 6, model.shape);
        ({ loss: losses[backend]!, grads: grads[backend]! } = lossAndGrads(net, head, x, y));
        tf.dispose([x, y]);
        net.dispose();
        head.dispose();
      }
      expect(losses['native']).toBeCloseTo(losses['cpu']!, 4);
      expect(Object.keys(grads['native']!).sort()).toEqual(Object.keys(grads['cpu']!).sort());
      for (const [key, g] of Object.entries(grads['cpu']!)) {
        expect([key, relativeMaxError(grads['native']![key]!, g)]).toEqual([key, expect.closeTo(0, 4)]);
      }
    });
  }
});
