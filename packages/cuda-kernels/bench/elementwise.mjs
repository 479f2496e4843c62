#!/usr/bin/env node
// Per-kernel benchmark of the native backend's elementwise / broadcast / reduction kernels against tfjs-cpu and
// tfjs-wasm on the large shapes one training step of the core models produces (test/native-kernel-census.test.ts),
// one thread each. Times are whole tfjs op calls (engine overhead included), median ms per call.
//   npx tsc -b packages/cuda-kernels && node packages/cuda-kernels/bench/elementwise.mjs [--min-ms 400] [--smoke]
// Each line ends with the process's peak resident memory so far (peak RSS). --smoke: three cases on small shapes for
// ~20 ms each (bench/elementwise.test.ts runs it so the script cannot rot).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';

import { nativeAddon } from '../dist/load.js';
import { registerNativeBackend } from '../dist/index.js';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const minMs = smoke ? 20 : Number(args[args.indexOf('--min-ms') + 1] ?? 0) || 400;

registerNativeBackend();
nativeAddon().setNumThreads(1);

function random(shape, seed) {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    v[i] = (s / 4294967296) * 2 - 1;
  }
  return tf.tensor(v, shape);
}

function timeIt(fn) {
  for (let i = 0; i < 3; i++) fn();
  const samples = [];
  const start = performance.now();
  while (samples.length < 5 || performance.now() - start < minMs) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const ACT = [32, 28, 28, 32]; // small CNN conv1 activation (802,816 elements)
const RES = [32, 32, 32, 16]; // ResNet-8 stage-1 activation (524,288 elements)
const CASES = [
  ['Relu', 'relu [32,28,28,32]', [ACT], (x) => tf.relu(x)],
  ['Step', 'step [32,28,28,32]', [ACT], (x) => tf.step(x)],
  ['Multiply', 'mul same shape (Step·dy) [32,28,28,32]', [ACT, ACT], (a, b) => tf.mul(a, b)],
  ['Add', 'add [32,28,28,32] + [32] (bias row)', [ACT, [32]], (a, b) => tf.add(a, b)],
  ['Multiply', 'mul [32,28,28,32] · [1,1,1,32] (BN scale)', [ACT, [1, 1, 1, 32]], (a, b) => tf.mul(a, b)],
  ['Sub', 'sub [32,28,28,32] − [1,1,1,32] (BN centre)', [ACT, [1, 1, 1, 32]], (a, b) => tf.sub(a, b)],
  ['Add', 'add residual [32,32,32,16] + same', [RES, RES], (a, b) => tf.add(a, b)],
  ['Multiply', 'mul by scalar (SGD lr) [32,28,28,32]', [ACT, []], (a, b) => tf.mul(a, b)],
  ['Square', 'square [32,28,28,32]', [ACT], (x) => tf.square(x)],
  ['Sum', 'sum over [0,1,2] of [32,28,28,32] (bias grad)', [ACT], (x) => tf.sum(x, [0, 1, 2])],
  ['Sum', 'sum over all of [32,28,28,32]', [ACT], (x) => tf.sum(x)],
  ['Mean', 'mean over [1,2] of [32,8,8,64] (GAP)', [[32, 8, 8, 64]], (x) => tf.mean(x, [1, 2])],
  ['Max', 'max over -1 of [32,10] (logSoftmax)', [[32, 10]], (x) => tf.max(x, -1, true)],
  ['Softmax', 'softmax [32,10]', [[32, 10]], (x) => tf.softmax(x)],
];

// Smoke: a unary, a broadcast binary and a reduction kernel, on a batch of 2 instead of 32.
const SMOKE_CASES = [CASES[0], CASES[3], CASES[9]].map(([kernel, label, shapes, op]) => [
  kernel,
  label.replace('[32,', '[2,'),
  shapes.map((s) => (s.length === 4 ? [2, ...s.slice(1)] : s)),
  op,
]);

const results = [];
for (const [kernel, label, shapes, op] of smoke ? SMOKE_CASES : CASES) {
  const row = { kernel, label };
  for (const backend of ['native', 'cpu', 'wasm']) {
    await tf.setBackend(backend);
    const xs = shapes.map((s, i) => random(s, 17 + i));
    row[backend] = timeIt(() => tf.dispose(op(...xs)));
    tf.dispose(xs);
  }
  results.push(row);
  console.log(
    `${label.padEnd(48)} native ${row.native.toFixed(3).padStart(8)} ms   cpu ${row.cpu.toFixed(3).padStart(8)} ms   wasm ${row.wasm
      .toFixed(3)
      .padStart(
        8,
      )} ms   cpu/native ${(row.cpu / row.native).toFixed(1).padStart(5)}×   wasm/native ${(row.wasm / row.native).toFixed(1).padStart(5)}×   peak RSS ${(
      process.resourceUsage().maxRSS / 1024
    ).toFixed(0)} MB`,
  );
}
