#!/usr/bin/env node
// Evaluation vs training cost per image, measured side by side: the forward pass an evaluation runs once per test
// image (BatchNorm in eval mode, outside any gradient scope, the evaluator's batch of 256) against a training step
// (forward + backward + SGD at the local batch size), on the native backend, timed in alternation so that load from
// other processes falls on both alike. It then projects one evaluated round of a job: `--test-images` forward passes
// against `--train-images` trained images (see BENCHMARKS.md, "Evaluation vs training").
//
//   node packages/cuda-kernels/bench/eval-vs-train.mjs [--model resnet8] [--threads 2] [--eval-batch 256]
//        [--train-batch 32] [--reps 7] [--test-images 10000] [--train-images 1736]
//   --smoke: a tiny configuration (batches 8 and 4, 2 repetitions), for bench/eval-vs-train.test.ts.
import os from 'node:os';
import { parseArgs } from 'node:util';

import * as tf from '@tensorflow/tfjs-core';
import {
  CORE_MODEL_PLUGINS,
  LinearHead,
  Rng,
  SGD,
  crossEntropy,
  initBackend,
  minimize,
  registerBackendProvider,
  silentLogger,
} from '@fedloge/core';

import * as kernels from '../dist/index.js';

const INPUT_SHAPES = { cnn: [28, 28, 1], resnet8: [32, 32, 3], resnet18: [32, 32, 3], resnet34: [32, 32, 3] };
const NUM_CLASSES = 10;

const { values: flags } = parseArgs({
  options: {
    model: { type: 'string', default: 'resnet8' },
    threads: { type: 'string', default: '2' },
    'eval-batch': { type: 'string', default: '256' },
    'train-batch': { type: 'string', default: '32' },
    reps: { type: 'string', default: '7' },
    'test-images': { type: 'string', default: '10000' },
    // Σ n_k of the 5 sampled clients, mean of rounds 1–3 (2167, 1161, 1881) of the CIFAR-10-LT, 40-client, seed-3407 job.
    'train-images': { type: 'string', default: '1736' },
    smoke: { type: 'boolean', default: false },
  },
});
if (flags.smoke) Object.assign(flags, { 'eval-batch': '8', 'train-batch': '4', reps: '2' });
const shape = INPUT_SHAPES[flags.model];
if (!shape) throw new Error(`--model: unknown '${flags.model}'; choose from ${Object.keys(INPUT_SHAPES).join(', ')}`);
const threads = positiveInt('--threads', flags.threads);
const evalBatch = positiveInt('--eval-batch', flags['eval-batch']);
const trainBatch = positiveInt('--train-batch', flags['train-batch']);
const reps = positiveInt('--reps', flags.reps);
const testImages = positiveInt('--test-images', flags['test-images']);
const trainImages = positiveInt('--train-images', flags['train-images']);

function positiveInt(name, text) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: expected a positive integer but received '${text}'`);
  return n;
}

registerBackendProvider(kernels.nativeBackendProvider);
const info = await initBackend({ backend: 'native', logger: silentLogger(), threads });
const cpus = os.cpus();
console.log(
  `machine: ${cpus[0]?.model.trim() ?? 'unknown'}, ${cpus.length} cores, load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ')} (1/5/15 min)`,
);
console.log(`native: ${info.detail}`);

const rng = new Rng(0);
const net = CORE_MODEL_PLUGINS.find((p) => p.name === flags.model).create({ inputShape: shape, rng: rng.derive('backbone') }, {});
const head = new LinearHead({ inputDim: net.featureDim, numClasses: NUM_CLASSES, rng: rng.derive('head') });
const opt = new SGD([...net.params.values(), ...head.params.values()], { lr: 0.01, momentum: 0.5 });
const images = (n) => {
  const draw = rng.derive('images', n);
  return tf.tensor4d(
    Float32Array.from({ length: n * shape[0] * shape[1] * shape[2] }, () => draw.normal()),
    [n, ...shape],
  );
};
const xEval = images(evalBatch);
const xTrain = images(trainBatch);
const y = tf.tensor1d(
  Int32Array.from({ length: trainBatch }, (_, i) => i % NUM_CLASSES),
  'int32',
);
// What the evaluator does per batch: features, then the head's logits, read back.
const evaluate = () => tf.tidy(() => head.apply(net.apply(xEval, 'eval')).dataSync());
const trainStep = () => minimize(opt, () => crossEntropy(head.apply(net.apply(xTrain, 'train')), y));

const timed = (f) => {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
};
evaluate();
trainStep();
const before = tf.memory().numTensors;
const evalMs = [];
const trainMs = [];
for (let r = 0; r < reps; r++) {
  evalMs.push(timed(evaluate) / evalBatch);
  trainMs.push(timed(trainStep) / trainBatch);
}
if (tf.memory().numTensors !== before)
  throw new Error(`tensors leaked: ${before} live before the timed loop, ${tf.memory().numTensors} after`);
tf.dispose([xEval, xTrain, y]);
opt.dispose();
net.dispose();
head.dispose();

const median = (a) => {
  const s = [...a].sort((p, q) => p - q);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const range = (a) => `${Math.min(...a).toFixed(3)}–${Math.max(...a).toFixed(3)}`;
const ev = median(evalMs);
const tr = median(trainMs);
console.log(`${flags.model} eval forward B=${evalBatch}: median ${ev.toFixed(3)} ms/image (min–max ${range(evalMs)}, ${reps} reps)`);
console.log(`${flags.model} train step B=${trainBatch}: median ${tr.toFixed(3)} ms/image (min–max ${range(trainMs)}, ${reps} reps)`);
console.log(`eval / train per image = ${(ev / tr).toFixed(3)}`);
const evalSeconds = (ev * testImages) / 1000;
const trainSeconds = (tr * trainImages) / 1000;
console.log(
  `projected round: evaluation ${evalSeconds.toFixed(2)} s (${testImages} test images) vs training ${trainSeconds.toFixed(2)} s ` +
    `(${trainImages} training images) = ${(evalSeconds / trainSeconds).toFixed(2)} of training`,
);
