#!/usr/bin/env node
// Milliseconds per training step (forward, backward, SGD update) of the built-in backbones with a
// linear head, per backend. Not a test: run after `npx tsc -b packages/core/tsconfig.json`.
//
//   node packages/core/bench/train-step.mjs [--backend wasm,cpu] [--model cnn,resnet8]
//        [--batch 32] [--steps 10] [--profile] [--smoke]
//
// --profile prints, per configuration, the kernels of one step sorted by total time (tf.profile). Every line gives
// the process's peak resident memory so far (peak RSS). --smoke: the small CNN at batch 4 on wasm for 2 steps
// (bench/train-step.test.ts runs it so the script cannot rot).
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { CORE_MODEL_PLUGINS, LinearHead, Rng, SGD, crossEntropy, initBackend, minimize, silentLogger } from '../dist/index.js';

const INPUT_SHAPES = { cnn: [28, 28, 1], resnet8: [32, 32, 3], resnet18: [32, 32, 3], resnet34: [32, 32, 3] };

const { values } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm,cpu' },
    model: { type: 'string', default: 'cnn,resnet8' },
    batch: { type: 'string', default: '32' },
    steps: { type: 'string' },
    profile: { type: 'boolean', default: false },
    smoke: { type: 'boolean', default: false },
  },
});
if (values.smoke) Object.assign(values, { backend: 'wasm', model: 'cnn', batch: '4', steps: '2' });
const batch = Number(values.batch);

function randomBatch(rng, shape) {
  const data = new Float32Array(batch * shape[0] * shape[1] * shape[2]);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  const labels = Int32Array.from({ length: batch }, () => rng.int(10));
  return { x: tf.tensor4d(data, [batch, ...shape]), y: tf.tensor1d(labels, 'int32') };
}

async function profileStep(step) {
  const info = await tf.profile(step);
  const byKernel = new Map();
  for (const k of info.kernels) {
    const ms = await k.kernelTimeMs;
    const e = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += typeof ms === 'number' ? ms : 0;
    e.calls += 1;
    byKernel.set(k.name, e);
  }
  const rows = [...byKernel].sort((a, b) => b[1].ms - a[1].ms);
  const total = rows.reduce((s, [, e]) => s + e.ms, 0);
  console.log(`    kernel time ${total.toFixed(0)} ms:`);
  for (const [name, e] of rows.slice(0, 12)) console.log(`      ${name.padEnd(24)} ${e.ms.toFixed(1).padStart(8)} ms  (${e.calls} calls)`);
}

for (const backend of values.backend.split(',')) {
  const info = await initBackend({ backend, logger: silentLogger() });
  console.log(`${info.name}: ${info.detail}`);
  for (const name of values.model.split(',')) {
    const plugin = CORE_MODEL_PLUGINS.find((p) => p.name === name);
    if (!plugin) throw new Error(`Unknown model '${name}'; choose from ${CORE_MODEL_PLUGINS.map((p) => p.name).join(', ')}`);
    const rng = new Rng(0);
    const shape = INPUT_SHAPES[name];
    const net = plugin.create({ inputShape: shape, rng: rng.derive('backbone') }, {});
    const head = new LinearHead({ inputDim: net.featureDim, numClasses: 10, rng: rng.derive('head') });
    const opt = new SGD([...net.params.values(), ...head.params.values()], { lr: 0.01, momentum: 0.9 });
    const { x, y } = randomBatch(rng.derive('data'), shape);
    const step = () => minimize(opt, () => crossEntropy(head.apply(net.apply(x, 'train')), y));
    const steps = Number(values.steps ?? (backend === 'cpu' ? 3 : 10));
    step(); // warm-up: XNNPACK operator creation, momentum buffers
    const times = [];
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      step();
      times.push(performance.now() - t0);
    }
    times.sort((p, q) => p - q);
    const median = times[Math.floor(times.length / 2)];
    // The minimum is the least disturbed by other processes on a shared machine.
    console.log(
      `  ${name.padEnd(9)} B=${batch}  median ${median.toFixed(1).padStart(7)} ms/step, min ${times[0].toFixed(1).padStart(7)} ms  (${steps} steps)  peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
    );
    if (values.profile) await profileStep(step);
    tf.dispose([x, y]);
    opt.dispose();
    net.dispose();
    head.dispose();
  }
}
