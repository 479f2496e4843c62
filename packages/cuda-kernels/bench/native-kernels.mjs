#!/usr/bin/env node
// The `native` backend's oneDNN kernels on the layer shapes of the small CNN (28×28×1) and ResNet-8 (32×32×3) at
// batch 32, one thread: ms per kernel call on native (its default NHWC activations with oneDNN's weight layout, oneDNN's
// blocked layouts with reorders around each call, and plain NHWC/HWIO) vs tfjs-wasm, then one
// full training step (forward, backward, SGD with momentum) of each model on native vs wasm.
//
//   npx tsc -b packages/core/tsconfig.json packages/cuda-kernels/tsconfig.json
//   node packages/cuda-kernels/bench/native-kernels.mjs [--batch 32] [--threads 1] [--min-ms 300] [--skip-steps] [--smoke]
//
// Times are the minimum over repeated calls (the least disturbed by other processes on a shared machine). Each table
// and step line ends with the process's peak resident memory so far (peak RSS). --smoke: batch 2, 5 ms per kernel,
// 2 timed steps (bench/native-kernels.test.ts runs it so the script cannot rot).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { parseArgs } from 'node:util';

import { registerNativeBackend } from '../dist/index.js';
import { nativeAddon } from '../dist/load.js';

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '32' },
    threads: { type: 'string', default: '1' },
    'min-ms': { type: 'string', default: '300' },
    'skip-steps': { type: 'boolean', default: false },
    smoke: { type: 'boolean', default: false },
  },
});
if (values.smoke) Object.assign(values, { batch: '2', 'min-ms': '5' });
const timedSteps = values.smoke ? 2 : 10;
/** Peak resident memory of this process so far, MB (maxRSS is in KiB on Linux). */
const peakRss = () => `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`;
const B = Number(values.batch);
const minMs = Number(values['min-ms']);
const addon = nativeAddon();
registerNativeBackend();
addon.setNumThreads(Number(values.threads));
await tf.setBackend('native');
// wasm as the framework runs it: core adds the kernels tfjs-wasm lacks (Conv2DBackpropFilter, …).
const core = await import('@fedloge/core');
core.registerKernelShims('wasm');

const pad1 = [
  [0, 0],
  [1, 1],
  [1, 1],
  [0, 0],
];
// [name, x shape, filter shape, stride, pad, first layer (no dx)]
const CONVS = {
  cnn: [
    ['conv1 28²×1→32', [B, 28, 28, 1], [3, 3, 1, 32], 1, 'same', true],
    ['conv2 14²×32→64', [B, 14, 14, 32], [3, 3, 32, 64], 1, 'same', false],
  ],
  resnet8: [
    ['stem 32²×3→16', [B, 32, 32, 3], [3, 3, 3, 16], 1, pad1, true],
    ['l1 32²×16→16 (×2)', [B, 32, 32, 16], [3, 3, 16, 16], 1, pad1, false, 2],
    ['l2.c1 32²×16→32 s2', [B, 32, 32, 16], [3, 3, 16, 32], 2, pad1, false],
    ['l2.c2 16²×32→32', [B, 16, 16, 32], [3, 3, 32, 32], 1, pad1, false],
    ['l2.sc 1×1 16→32 s2', [B, 32, 32, 16], [1, 1, 16, 32], 2, 'valid', false],
    ['l3.c1 16²×32→64 s2', [B, 16, 16, 32], [3, 3, 32, 64], 2, pad1, false],
    ['l3.c2 8²×64→64', [B, 8, 8, 64], [3, 3, 64, 64], 1, pad1, false],
    ['l3.sc 1×1 32→64 s2', [B, 16, 16, 32], [1, 1, 32, 64], 2, 'valid', false],
  ],
};
// [name, a shape, b shape, transposeA, transposeB]: forward x·Wᵀ, dx = dy·W, dW = dyᵀ·x.
const MATMULS = {
  cnn: [
    ['fc fwd 3136→128', [B, 3136], [128, 3136], false, true],
    ['fc dx', [B, 128], [128, 3136], false, false],
    ['fc dW', [B, 128], [B, 3136], true, false],
  ],
  resnet8: [['head fwd 64→10', [B, 64], [10, 64], false, true]],
};
const POOLS = {
  cnn: [
    ['pool1 28²×32', [B, 28, 28, 32]],
    ['pool2 14²×64', [B, 14, 14, 64]],
  ],
  resnet8: [],
};

function minTime(fn) {
  for (let i = 0; i < 2; i++) fn();
  let best = Infinity;
  const start = performance.now();
  let n = 0;
  while (n < 5 || performance.now() - start < minMs) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
    n++;
  }
  return best;
}

/** ms of one runKernel call (output disposed) with fresh random inputs on the current backend. */
function kernelTime(name, shapes, attrs, inputNames) {
  const inputs = Object.fromEntries(shapes.map((s, i) => [inputNames[i], tf.randomNormal(s)]));
  const ms = minTime(() => tf.dispose(tf.engine().runKernel(name, inputs, attrs)));
  tf.dispose(Object.values(inputs));
  return ms;
}

function convCalls([, x, w, stride, pad, first]) {
  const y = tf.tidy(() => tf.conv2d(tf.zeros(x), tf.zeros(w), stride, pad).shape);
  const attrs = { strides: stride, pad, dataFormat: 'NHWC', dilations: 1 };
  const calls = [
    ['fwd', 'Conv2D', [x, w], attrs, ['x', 'filter']],
    ['dW', 'Conv2DBackpropFilter', [x, y], { ...attrs, filterShape: w }, ['x', 'dy']],
  ];
  if (!first) calls.splice(1, 0, ['dx', 'Conv2DBackpropInput', [y, w], { ...attrs, inputShape: x }, ['dy', 'filter']]);
  return calls;
}

const CONFIGS = [
  [
    'native',
    async () => {
      await tf.setBackend('native');
      addon.setConvLayout('nhwc');
    },
  ],
  [
    'native-blocked',
    async () => {
      await tf.setBackend('native');
      addon.setConvLayout('blocked');
    },
  ],
  [
    'native-plain',
    async () => {
      await tf.setBackend('native');
      addon.setConvLayout('plain');
    },
  ],
  [
    'wasm',
    async () => {
      await tf.setBackend('wasm');
    },
  ],
];

console.log(`kernels, batch ${B}, ${values.threads} thread(s), ms per call (min):`);
for (const model of ['cnn', 'resnet8']) {
  const rows = [];
  for (const c of CONVS[model])
    for (const [pass, name, shapes, attrs, names] of convCalls(c)) rows.push([`${c[0]} ${pass}`, c[6] ?? 1, name, shapes, attrs, names]);
  for (const [label, a, b, tA, tB] of MATMULS[model])
    rows.push([label, 1, 'BatchMatMul', [a, b], { transposeA: tA, transposeB: tB }, ['a', 'b']]);
  for (const [label, x] of POOLS[model]) {
    const y = [x[0], x[1] / 2, x[2] / 2, x[3]];
    const attrs = { filterSize: 2, strides: 2, pad: 'valid' };
    rows.push([`${label} fwd`, 1, 'MaxPool', [x], attrs, ['x']]);
    rows.push([`${label} grad`, 1, 'MaxPoolGrad', [y, x, y], attrs, ['dy', 'input', 'output']]);
  }
  const totals = Object.fromEntries(CONFIGS.map(([n]) => [n, 0]));
  const results = rows.map(() => ({}));
  for (const [config, activate] of CONFIGS) {
    await activate();
    rows.forEach(([, times, name, shapes, attrs, names], i) => {
      results[i][config] = kernelTime(name, shapes, attrs, names);
      totals[config] += times * results[i][config];
    });
  }
  console.log(`\n${model}:${CONFIGS.map(([n]) => n.padStart(15)).join('')}`);
  rows.forEach(([label, times], i) =>
    console.log(
      `  ${(label + (times > 1 ? ` ×${times}` : '')).padEnd(26)}${CONFIGS.map(([n]) => results[i][n].toFixed(3).padStart(15)).join('')}`,
    ),
  );
  console.log(`  ${'sum per step'.padEnd(26)}${CONFIGS.map(([n]) => totals[n].toFixed(2).padStart(15)).join('')}   ${peakRss()}`);
}
addon.setConvLayout('nhwc');

if (!values['skip-steps']) {
  const { CORE_MODEL_PLUGINS, LinearHead, Rng, SGD, crossEntropy, minimize } = core;
  const shapes = { cnn: [28, 28, 1], resnet8: [32, 32, 3] };
  console.log(`\ntraining step (forward + backward + SGD momentum), batch ${B}, ms (min / median of ${timedSteps}):`);
  for (const backend of ['native', 'wasm']) {
    await tf.setBackend(backend);
    for (const name of ['cnn', 'resnet8']) {
      const rng = new Rng(0);
      const plugin = CORE_MODEL_PLUGINS.find((p) => p.name === name);
      const net = plugin.create({ inputShape: shapes[name], rng: rng.derive('backbone') }, {});
      const head = new LinearHead({ inputDim: net.featureDim, numClasses: 10, rng: rng.derive('head') });
      const opt = new SGD([...net.params.values(), ...head.params.values()], { lr: 0.01, momentum: 0.9 });
      const x = tf.randomNormal([B, ...shapes[name]]);
      const y = tf.tensor1d(
        Int32Array.from({ length: B }, (_, i) => i % 10),
        'int32',
      );
      const step = () => minimize(opt, () => crossEntropy(head.apply(net.apply(x, 'train')), y));
      step();
      const times = [];
      for (let i = 0; i < timedSteps; i++) {
        const t0 = performance.now();
        step();
        times.push(performance.now() - t0);
      }
      times.sort((p, q) => p - q);
      const median = times[Math.floor(times.length / 2)];
      console.log(
        `  ${backend.padEnd(7)} ${name.padEnd(8)} ${times[0].toFixed(1).padStart(7)} / ${median.toFixed(1).padStart(7)}   ${peakRss()}`,
      );
      tf.dispose([x, y]);
      opt.dispose();
      net.dispose();
      head.dispose();
    }
  }
}
