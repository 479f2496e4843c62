// Which tfjs kernels one training step (forward + backward + SGD) and one evaluation batch of each core model call,
// how often, over how many elements, and how long each takes on the `cpu` backend (synchronous, so the wall time of
// a runKernel call is the kernel's time). The native backend's kernel work is prioritised by this table; run with
//   FEDLOGE_KERNEL_CENSUS=1 npx vitest run test/native-kernel-census.test.ts
// to print it (FEDLOGE_KERNEL_CENSUS=native times the kernels on the native backend, one thread, instead). The assertions check the census itself: every kernel it saw is registered for `native`.
import * as tf from '@tensorflow/tfjs-core';
import {
  crossEntropy,
  initBackend,
  LinearHead,
  minimize,
  registerBackendProvider,
  ResNet,
  RESNET8,
  Rng,
  SGD,
  silentLogger,
  SmallCnn,
} from '@fedloge/core';
import { nativeBackendProvider, nativeRuntime, registerNativeBackend } from '@fedloge/cuda-kernels';
import { describe, expect, it } from 'vitest';

interface KernelTally {
  calls: number;
  inputElements: number;
  outputElements: number;
  ms: number;
}

type RunKernel = (name: string, inputs: Record<string, tf.Tensor>, attrs?: object) => tf.Tensor | tf.Tensor[];

/** Runs `body` with the engine's runKernel wrapped; returns the tally per kernel name. Nested runKernel calls count. */
function census(body: () => void): Map<string, KernelTally> {
  const engine = tf.engine() as unknown as { runKernel: RunKernel };
  const original = engine.runKernel;
  const tally = new Map<string, KernelTally>();
  engine.runKernel = function (this: unknown, name, inputs, attrs) {
    const t0 = performance.now();
    const out = original.call(this, name, inputs, attrs);
    const ms = performance.now() - t0;
    const row = tally.get(name) ?? { calls: 0, inputElements: 0, outputElements: 0, ms: 0 };
    row.calls++;
    row.ms += ms;
    for (const x of Object.values(inputs)) if (x) row.inputElements += x.size;
    for (const y of Array.isArray(out) ? out : [out]) row.outputElements += y.size;
    tally.set(name, row);
    return out;
  };
  try {
    body();
  } finally {
    engine.runKernel = original;
  }
  return tally;
}

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

function format(title: string, tally: Map<string, KernelTally>): string {
  const rows = [...tally.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const lines = rows.map(
    ([name, r]) =>
      `${name.padEnd(22)} ${String(r.calls).padStart(5)} ${String(r.inputElements).padStart(11)} ${String(r.outputElements).padStart(11)} ${r.ms.toFixed(2).padStart(9)}`,
  );
  return [`${title}`, `${'kernel'.padEnd(22)} calls   in-elems   out-elems   ms`, ...lines].join('\n');
}

const models = [
  {
    name: 'small CNN (Fashion-MNIST 28×28×1)',
    shape: [28, 28, 1] as [number, number, number],
    make: (rng: Rng) => new SmallCnn([28, 28, 1], rng),
    dim: 128,
  },
  {
    name: 'ResNet-8 (CIFAR 32×32×3)',
    shape: [32, 32, 3] as [number, number, number],
    make: (rng: Rng) => new ResNet('resnet8', RESNET8, [32, 32, 3], rng),
    dim: 64,
  },
];

describe('kernel census of a training step and an evaluation batch', () => {
  for (const model of models) {
    it(`records the kernels of ${model.name}, all registered for native`, async () => {
      const backend = process.env['FEDLOGE_KERNEL_CENSUS'] === 'native' ? 'native' : 'cpu';
      if (backend === 'native') registerBackendProvider(nativeBackendProvider);
      await initBackend({ backend, threads: 1, logger: silentLogger() });
      const net = model.make(new Rng(1));
      const head = new LinearHead({ inputDim: model.dim, numClasses: 10, rng: new Rng(2) });
      const { x, y } = imageBatch(new Rng(3), 32, model.shape);
      const opt = new SGD([...net.trainableVariables(), ...head.trainableVariables()], { lr: 0.01, momentum: 0.9, weightDecay: 5e-4 });
      minimize(opt, () => crossEntropy(head.apply(net.apply(x, 'train')), y)); // momentum buffers exist from now on
      const train = census(() => minimize(opt, () => crossEntropy(head.apply(net.apply(x, 'train')), y)));
      const evaluate = census(() => tf.tidy(() => tf.argMax(head.apply(net.apply(x, 'eval')), 1).dataSync()));
      if (process.env['FEDLOGE_KERNEL_CENSUS']) {
        console.log(
          `${format(`${model.name}: one SGD step, batch 32 (${backend})`, train)}\n\n${format(`${model.name}: one eval batch of 32 (${backend})`, evaluate)}`,
        );
      }
      expect(train.get('Conv2D')?.calls).toBeGreaterThan(0);
      expect(train.get('Conv2DBackpropFilter')?.calls).toBeGreaterThan(0);
      if ('addon' in nativeRuntime()) {
        registerNativeBackend();
        for (const name of [...train.keys(), ...evaluate.keys()])
          expect([name, tf.getKernel(name, 'native') !== undefined]).toEqual([name, true]);
      }
      opt.dispose();
      tf.dispose([x, y]);
      net.dispose();
      head.dispose();
    });
  }
});
