#!/usr/bin/env node
// Training-step benchmark: the framework's own models (@fedloge/core's SmallCnn / ResNets + linear head,
// cross-entropy, SGD with momentum) on the tfjs backends wasm, native and cuda, against PyTorch running the same
// architectures (bench/torch_models.py, a child process of this run) with the same batch and thread count.
//
//   npx nx run cuda-kernels:bench-train [-- flags]   (builds dist/ first), or after `npm run build`:
//   node packages/cuda-kernels/bench/train-step.mjs [--threads 1] [--models cnn@32,resnet8] [--backends wasm,native,cuda,torch]
//        [--steps 20] [--warmup 3] [--max-seconds 60] [--skip native:resnet34,wasm:resnet34] [--profile] [--floor]
//        [--conv-layout nhwc|blocked|plain] [--json FILE]
//   --smoke: one tiny configuration (cnn@4, 2 steps) on every backend, for bench/train-step.test.ts; seconds, not minutes.
//
// A model without @B runs its default batches (cnn, resnet8: 32 and 128; resnet18, resnet34: 32). Each configuration
// warms up (cut short when a step is slow), then times min(--steps, --max-seconds / step) steps, so slow
// backends cost about --max-seconds each. But one step is never cut: ResNet-34 on wasm takes seconds a step, and on
// the native backend's JS fallbacks (tfjs-cpu's convolution gradients) minutes: leave such pairs out with
// --skip backend:model[@batch] (reported as skipped) or whole models with --models.
// Reported: median and p10–p90 per step in ms, and the time ratios native/PyTorch and native/wasm (< 1: native
// faster). --profile adds, per JS backend and configuration, the kernels of one step by total time and the engine/JS
// overhead (step time − Σ kernel time). --floor adds, for cnn and resnet8, the oneDNN primitives-only floor of the step
// (its convolutions in blocked layouts without reorders plus its matmuls, timed by harness/conv_layouts.cc at the same
// batch and thread count; bench/onednn-floor.mjs) and native's step / floor. --conv-layout blocked|plain runs the native
// convolutions in another layout than the default nhwc (setConvLayout; blocked is the layout before issue 16). Every line also gives the peak resident memory (peak RSS): for the JS backends
// the peak of this process so far (they share it, so a later backend's figure includes the earlier ones' peak), for
// PyTorch that of its own child process.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
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
import { nativeAddon } from '../dist/load.js';
import { oneDnnFloor } from './onednn-floor.mjs';

const INPUT_SHAPES = { cnn: [28, 28, 1], resnet8: [32, 32, 3], resnet18: [32, 32, 3], resnet34: [32, 32, 3] };
const DEFAULT_BATCHES = { cnn: [32, 128], resnet8: [32, 128], resnet18: [32], resnet34: [32] };
const NUM_CLASSES = 10;
const PYTHON = '/usr/bin/python3';
const TORCH_SCRIPT = fileURLToPath(new URL('./torch_models.py', import.meta.url));

const { values: flags } = parseArgs({
  options: {
    threads: { type: 'string', default: '1' },
    models: { type: 'string', default: 'cnn,resnet8,resnet34' },
    backends: { type: 'string', default: 'wasm,native,cuda,torch' },
    steps: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    'max-seconds': { type: 'string', default: '60' },
    skip: { type: 'string', default: '' },
    profile: { type: 'boolean', default: false },
    floor: { type: 'boolean', default: false },
    'conv-layout': { type: 'string', default: 'nhwc' },
    json: { type: 'string' },
    smoke: { type: 'boolean', default: false },
  },
});
if (flags.smoke) Object.assign(flags, { models: 'cnn@4', steps: '2', warmup: '1', 'max-seconds': '5' });
const threads = positiveInt('threads', flags.threads);
const steps = positiveInt('steps', flags.steps);
const warmup = positiveInt('warmup', flags.warmup);
const convLayout = flags['conv-layout'];
if (!['nhwc', 'blocked', 'plain'].includes(convLayout))
  throw new Error(`--conv-layout: expected nhwc (the default), blocked (the layout before issue 16) or plain but received '${convLayout}'`);
const maxSeconds = Number(flags['max-seconds']);
if (!(maxSeconds > 0)) throw new Error(`--max-seconds: expected a number > 0 but received '${flags['max-seconds']}'`);
const backends = flags.backends
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
for (const b of backends) {
  if (!['wasm', 'native', 'cuda', 'torch', 'cpu'].includes(b))
    throw new Error(`--backends: unknown '${b}'; choose from wasm, native, cuda, torch, cpu`);
}
const configs = flags.models.split(',').flatMap((spec) => {
  const [model, batch] = spec.trim().split('@');
  if (!INPUT_SHAPES[model])
    throw new Error(`--models: unknown model '${model}'; choose from ${Object.keys(INPUT_SHAPES).join(', ')} (optionally name@batch)`);
  return (batch ? [positiveInt(`--models ${spec}`, batch)] : DEFAULT_BATCHES[model]).map((b) => ({ model, batch: b }));
});

/** `backend:model` or `backend:model@batch` pairs not to run. */
const skips = flags.skip
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);
for (const s of skips)
  if (!/^[a-z]+:[a-z0-9]+(@\d+)?$/.test(s)) throw new Error(`--skip: expected backend:model[@batch] but received '${s}'`);
const skipped = (backend, { model, batch }) => skips.includes(`${backend}:${model}`) || skips.includes(`${backend}:${model}@${batch}`);

function positiveInt(name, text) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: expected a positive integer but received '${text}'`);
  return n;
}

// ---- the machine --------------------------------------------------------------------------------------------------
const cpus = os.cpus();
const machine = {
  cpu: cpus[0]?.model.trim() ?? 'unknown',
  cores: cpus.length,
  loadavg: os.loadavg().map((l) => Number(l.toFixed(2))),
  node: process.version,
  tfjs: tf.version_core, // tfjs-core's own version: the umbrella package's `tf.version` is gone since the move to tfjs-core
};
console.log(
  `machine: ${machine.cpu}, ${machine.cores} cores, load average ${machine.loadavg.join(' / ')} (1/5/15 min), node ${machine.node}, tfjs ${machine.tfjs}`,
);
console.log(`native convolutions: ${convLayout} layout (--conv-layout)`);
console.log(`threads ${threads}; ${steps} timed steps max per configuration after ≤ ${warmup} warm-up steps, ≤ ~${maxSeconds} s each`);

// ---- statistics ---------------------------------------------------------------------------------------------------
function quantile(sorted, q) {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (pos - lo);
}

function summarise(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return { steps: sorted.length, median: quantile(sorted, 0.5), p10: quantile(sorted, 0.1), p90: quantile(sorted, 0.9) };
}

/** Peak resident memory of this process so far, MB (maxRSS is in KiB on Linux). */
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

/** Warm up (stopping early when a step takes > maxSeconds/4), then time as many steps as fit in maxSeconds. */
function timeSteps(step) {
  let last = 0;
  for (let i = 0; i < warmup; i++) {
    const t0 = performance.now();
    step();
    last = performance.now() - t0;
    if (last > (maxSeconds * 1000) / 4) break;
  }
  const n = Math.max(1, Math.min(steps, Math.floor((maxSeconds * 1000) / Math.max(last, 1e-6))));
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  return times;
}

// ---- tfjs backends ------------------------------------------------------------------------------------------------
registerBackendProvider(kernels.nativeBackendProvider);
if (kernels.cudaBackendProvider) registerBackendProvider(kernels.cudaBackendProvider);

const backendState = new Map(); // name → { info } | { skip }
async function useBackend(name) {
  if (!backendState.has(name)) {
    try {
      const info = await initBackend({ backend: name, logger: silentLogger(), threads });
      backendState.set(name, { info });
      const note = name === 'wasm' && threads > 1 ? ' (tfjs-wasm is single-threaded in Node: --threads does not apply)' : '';
      console.log(`${name}: ${info.detail}${note}`);
    } catch (e) {
      backendState.set(name, { skip: e instanceof Error ? e.message : String(e) });
      console.log(`${name}: skipped: ${backendState.get(name).skip}`);
    }
  }
  const state = backendState.get(name);
  if (state.info) await initBackend({ backend: name, logger: silentLogger(), threads });
  // The native backend's convolutions run on this thread, so the layout set here is the one they use.
  if (state.info && name === 'native') nativeAddon()?.setConvLayout?.(convLayout);
  return state;
}

/** The core model + linear head, SGD momentum 0.9, a fixed random batch; `step` = forward + backward + update. */
function buildTraining({ model, batch }) {
  const plugin = CORE_MODEL_PLUGINS.find((p) => p.name === model);
  const rng = new Rng(0);
  const shape = INPUT_SHAPES[model];
  const net = plugin.create({ inputShape: shape, rng: rng.derive('backbone') }, {});
  const head = new LinearHead({ inputDim: net.featureDim, numClasses: NUM_CLASSES, rng: rng.derive('head') });
  const variables = [...net.params.values(), ...head.params.values()];
  const params = variables.reduce((s, v) => s + v.size, 0);
  const opt = new SGD(variables, { lr: 0.01, momentum: 0.9 });
  const data = rng.derive('data');
  const pixels = new Float32Array(batch * shape[0] * shape[1] * shape[2]);
  for (let i = 0; i < pixels.length; i++) pixels[i] = data.normal();
  const x = tf.tensor4d(pixels, [batch, ...shape]);
  const y = tf.tensor1d(
    Int32Array.from({ length: batch }, () => data.int(NUM_CLASSES)),
    'int32',
  );
  const step = () => minimize(opt, () => crossEntropy(head.apply(net.apply(x, 'train')), y));
  const dispose = () => {
    tf.dispose([x, y]);
    opt.dispose();
    net.dispose();
    head.dispose();
  };
  return { params, step, dispose };
}

/** Kernels of `repeats` steps on the active backend, per step: [{ name, calls, ms }], Σ ms and the step wall time. */
function profileStep(step, backendName, repeats) {
  const recorder = kernels.recordKernels(backendName);
  let wall = 0;
  try {
    for (let i = 0; i < repeats; i++) {
      const t0 = performance.now();
      step();
      wall += performance.now() - t0;
    }
  } finally {
    recorder.stop();
  }
  const rows = [...recorder.kernels]
    .map(([name, r]) => ({ name, calls: r.calls / repeats, ms: r.ms / repeats }))
    .sort((a, b) => b.ms - a.ms);
  const kernelMs = rows.reduce((s, r) => s + r.ms, 0);
  return { rows, kernelMs, stepMs: wall / repeats };
}

function printProfile(label, profile) {
  const { rows, kernelMs, stepMs } = profile;
  console.log(
    `    profile ${label}: step ${stepMs.toFixed(1)} ms = kernels ${kernelMs.toFixed(1)} ms + engine/JS overhead ${(stepMs - kernelMs).toFixed(1)} ms (${(100 * (1 - kernelMs / stepMs)).toFixed(0)} %)`,
  );
  console.log(`      ${'kernel'.padEnd(26)} ${'calls'.padStart(6)} ${'ms'.padStart(9)} ${'%step'.padStart(6)}`);
  for (const r of rows.slice(0, 15)) {
    console.log(
      `      ${r.name.padEnd(26)} ${String(r.calls).padStart(6)} ${r.ms.toFixed(2).padStart(9)} ${((100 * r.ms) / stepMs).toFixed(1).padStart(6)}`,
    );
  }
  if (rows.length > 15) {
    const rest = rows.slice(15);
    console.log(
      `      ${`(${rest.length} more kernels)`.padEnd(26)} ${String(rest.reduce((s, r) => s + r.calls, 0)).padStart(6)} ${rest
        .reduce((s, r) => s + r.ms, 0)
        .toFixed(2)
        .padStart(9)}`,
    );
  }
}

// ---- PyTorch ------------------------------------------------------------------------------------------------------
let torchSkip = null;
function runTorch({ model, batch }, countOnly = false) {
  if (torchSkip) return { skip: torchSkip };
  const args = [
    TORCH_SCRIPT,
    '--model',
    model,
    '--batch',
    String(batch),
    '--threads',
    String(threads),
    '--steps',
    String(steps),
    '--warmup',
    String(warmup),
    '--max-seconds',
    String(maxSeconds),
  ];
  if (countOnly) args.push('--count-only');
  const r = spawnSync(PYTHON, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`);
    // No torch at all: skip PyTorch for the rest of the run; anything else is a bug in the twin models.
    if (r.error || /No module named 'torch'/.test(r.stderr)) {
      torchSkip = `${PYTHON} cannot import torch (${why})`;
      console.log(`torch: skipped: ${torchSkip}`);
      return { skip: torchSkip };
    }
    throw new Error(`PyTorch ${model} B=${batch} failed: ${r.stderr}`);
  }
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

// ---- the run ------------------------------------------------------------------------------------------------------
const results = [];
const profiles = [];
const floors = [];
const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));

for (const config of configs) {
  const label = `${config.model} B=${config.batch}`;
  console.log(`\n${label}`);
  let tsParams = null;
  for (const backend of backends.filter((b) => b !== 'torch')) {
    if (skipped(backend, config)) {
      results.push({ ...config, backend, skip: 'left out with --skip' });
      console.log(`  ${backend.padEnd(7)} skipped (--skip)`);
      continue;
    }
    const state = await useBackend(backend);
    if (state.skip) {
      results.push({ ...config, backend, skip: state.skip });
      continue;
    }
    const training = buildTraining(config);
    tsParams = training.params;
    try {
      const stats = summarise(timeSteps(training.step));
      const peakRss = peakRssMb();
      results.push({ ...config, backend, params: training.params, ...stats, peakRssMb: peakRss });
      console.log(
        `  ${backend.padEnd(7)} median ${fmt(stats.median).padStart(7)} ms/step  p10–p90 ${fmt(stats.p10)}–${fmt(stats.p90)} ms  (${stats.steps} steps)  peak RSS ${peakRss.toFixed(0)} MB (this process so far)`,
      );
      if (flags.floor && backend === 'native') {
        const floor = oneDnnFloor(config.model, config.batch, threads, flags.smoke ? 5 : 150);
        floors.push({ ...config, ...floor, nativeMedian: stats.median });
        console.log(
          floor.skip
            ? `    floor: skipped: ${floor.skip}`
            : `    oneDNN floor ${floor.ms.toFixed(2)} ms/step (blocked convolutions without reorders + matmuls; the convolutions in native's NHWC layout: ${floor.convNhwcMs.toFixed(2)} ms); native median / floor = ${(stats.median / floor.ms).toFixed(2)}`,
        );
      }
      if (flags.profile) {
        const profile = profileStep(training.step, backend, stats.median > 2000 ? 1 : 3);
        profiles.push({ ...config, backend, ...profile });
        printProfile(`${backend} ${label}`, profile);
      }
    } finally {
      training.dispose();
    }
  }
  if (backends.includes('torch') && skipped('torch', config)) {
    results.push({ ...config, backend: 'torch', skip: 'left out with --skip' });
  } else if (backends.includes('torch')) {
    const torch = runTorch(config);
    if (torch.skip) {
      results.push({ ...config, backend: 'torch', skip: torch.skip });
      continue;
    }
    if (tsParams === null) tsParams = countTsParams(config);
    if (torch.params !== tsParams) {
      throw new Error(
        `${label}: the PyTorch twin has ${torch.params} parameters, the TS model ${tsParams}: bench/torch_models.py no longer mirrors core's model`,
      );
    }
    const stats = summarise(torch.times_ms);
    const peakRss = torch.peak_rss_kb / 1024;
    results.push({
      ...config,
      backend: 'torch',
      params: torch.params,
      torchVersion: torch.torch,
      torchThreads: torch.threads,
      ...stats,
      peakRssMb: peakRss,
    });
    console.log(
      `  ${'torch'.padEnd(7)} median ${fmt(stats.median).padStart(7)} ms/step  p10–p90 ${fmt(stats.p10)}–${fmt(stats.p90)} ms  (${stats.steps} steps; torch ${torch.torch}, ${torch.threads} thread(s); ${torch.params} parameters = TS model)  peak RSS ${peakRss.toFixed(0)} MB (its process)`,
    );
  }
}

/** Parameters of the TS model when no tfjs backend ran (built on whatever backend is active, then dropped). */
function countTsParams(config) {
  const training = buildTraining({ ...config, batch: 1 });
  training.dispose();
  return training.params;
}

// ---- summary ------------------------------------------------------------------------------------------------------
const cell = (r) =>
  !r ? '—' : r.skip ? (r.skip.startsWith('left out') ? 'not run' : 'skipped') : `${fmt(r.median)} (${fmt(r.p10)}–${fmt(r.p90)})`;
const ratio = (a, b) => (a && b && !a.skip && !b.skip ? (a.median / b.median).toFixed(2) : '—');
const peakCell = (row) =>
  backends
    .filter((b) => row[b]?.peakRssMb !== undefined)
    .map((b) => `${b} ${row[b].peakRssMb.toFixed(0)}`)
    .join(' / ') || '—';
const header = ['model', 'B', 'params', ...backends.map((b) => `${b} ms`), 'native/torch', 'native/wasm', 'peak RSS MB'];
console.log(
  `\nms per training step, median (p10–p90), ${threads} thread(s); ratios are native time / other time (< 1: native faster); ` +
    'peak RSS: JS backends = this process so far, torch = its child process\n',
);
console.log(`| ${header.join(' | ')} |`);
console.log(`|${header.map(() => '---').join('|')}|`);
const summary = [];
for (const config of configs) {
  const row = Object.fromEntries(results.filter((r) => r.model === config.model && r.batch === config.batch).map((r) => [r.backend, r]));
  const params = Object.values(row).find((r) => r.params)?.params ?? '—';
  summary.push({ ...config, nativeOverTorch: ratio(row.native, row.torch), nativeOverWasm: ratio(row.native, row.wasm) });
  console.log(
    `| ${[config.model, config.batch, params, ...backends.map((b) => cell(row[b])), ratio(row.native, row.torch), ratio(row.native, row.wasm), peakCell(row)].join(' | ')} |`,
  );
}
for (const f of floors.filter((f) => !f.skip)) {
  console.log(
    `\n${f.model} B=${f.batch}: native ${fmt(f.nativeMedian)} ms/step = ${(f.nativeMedian / f.ms).toFixed(2)} × the oneDNN floor of ${f.ms.toFixed(2)} ms`,
  );
}
for (const [name, state] of backendState) if (state.skip) console.log(`\n${name} skipped: ${state.skip}`);
if (torchSkip) console.log(`torch skipped: ${torchSkip}`);

if (flags.json) {
  writeFileSync(
    flags.json,
    `${JSON.stringify({ machine, loadavgAfter: os.loadavg(), threads, steps, warmup, maxSeconds, results, summary, profiles, floors }, null, 2)}\n`,
  );
  console.log(`\nwrote ${flags.json}`);
}
