#!/usr/bin/env node
// Benchmark of the sparse-ETF and GLA-FR kernels: tfjs dense ops on the wasm backend vs the native C++ kernels
// (vs CUDA when a device is usable). Run `npx nx run cuda-kernels:bench` (builds dist/ first) or
// `node bench/bench.mjs [--min-ms 1500]` after `npx tsc -b packages/cuda-kernels`. `--smoke`: one tiny case of each
// kernel for ~50 ms (bench/bench.test.ts runs it so the script cannot rot).
//
// Reported per case: median time per call, the speed-up over tfjs, and the effective bandwidth = bytes each
// implementation must at least move (inputs read once + outputs written once; dense S for tfjs, CSR for native)
// divided by the time, and the process's peak resident memory so far (peak RSS).
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { Rng } from '@fedloge/core/data';
import os from 'node:os';

import { cudaInfo, denseToCsr, csrProjectBackward, csrProjectForward, matchRowNorms, nativeStatus } from '../dist/index.js';

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const minMs = smoke ? 50 : Number(args[args.indexOf('--min-ms') + 1] ?? 0) || 1500;
const rng = new Rng(2024).derive('bench');

function randomArray(n, std = 1) {
  const r = rng.derive('array', n);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = r.normal(0, std);
  return out;
}

/** Median ms per call of fn over ≥ minMs (after 3 warm-up calls), at least 5 samples. */
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

const rows = [];
function record(caseName, impl, ms, bytes, baselineMs) {
  // maxRSS is in KiB on Linux.
  rows.push({ caseName, impl, ms, gbs: bytes / (ms * 1e6), ratio: baselineMs / ms, peakRssMb: process.resourceUsage().maxRSS / 1024 });
}

/** A [C × d] ETF-like matrix with FedLoGe's 60 % zeros. */
function sparseEtf(classes, dim) {
  const dense = randomArray(classes * dim, 1 / Math.sqrt(dim));
  const r = rng.derive('mask', classes, dim);
  for (let i = 0; i < dense.length; i++) if (r.float() < 0.6) dense[i] = 0;
  return { dense, csr: denseToCsr(dense, dim) };
}

function benchProjection(B, d, C, devices) {
  const name = `forward+backward B=${B} d=${d} C=${C}`;
  const { dense, csr } = sparseEtf(C, d);
  const f = randomArray(B * d);
  const dy = randomArray(B * C);
  const bias = randomArray(C, 0.05);
  const nnz = csr.values.length;
  const denseBytes = 4 * (B * d + C * d + C + B * C) + 4 * (B * C + C * d + B * d);
  const sparseBytes = 4 * (B * d + 2 * nnz + C + 1 + C + B * C) + 4 * (B * C + 2 * nnz + C + 1 + B * d);

  const fT = tf.tensor2d(f, [B, d]);
  const dyT = tf.tensor2d(dy, [B, C]);
  const sT = tf.tensor2d(dense, [C, d]);
  const bT = tf.tensor1d(bias);
  const tfjsMs = timeIt(() => {
    tf.tidy(() => {
      tf.add(tf.matMul(fT, sT, false, true), bT);
      tf.matMul(dyT, sT);
    });
  });
  tf.dispose([fT, dyT, sT, bT]);
  record(name, 'tfjs dense (wasm)', tfjsMs, denseBytes, tfjsMs);

  const logits = new Float32Array(B * C);
  const gradF = new Float32Array(B * d);
  for (const device of devices) {
    const ms = timeIt(() => {
      csrProjectForward(f, csr, { bias, out: logits, device });
      csrProjectBackward(dy, csr, { out: gradF, device });
    });
    record(name, `native ${device}`, ms, sparseBytes, tfjsMs);
  }
}

function benchRealign(K, C, d, devices) {
  const name = `local realign K=${K} C=${C} d=${d}`;
  const g = randomArray(C * d, 0.1);
  const locals = randomArray(K * C * d, 0.1);
  const bytes = 4 * (C * d + 2 * K * C * d);

  const gT = tf.tensor2d(g, [C, d]);
  const lT = tf.tensor3d(locals, [K, C, d]);
  const tfjsMs = timeIt(() => {
    tf.tidy(() => tf.mul(tf.expandDims(gT, 0), tf.norm(lT, 'euclidean', 2, true)));
  });
  tf.dispose([gT, lT]);
  record(name, 'tfjs dense (wasm)', tfjsMs, bytes, tfjsMs);

  const out = new Float32Array(K * C * d);
  for (const device of devices) {
    const ms = timeIt(() => matchRowNorms(g, locals, d, { out, device }));
    record(name, `native ${device}`, ms, bytes, tfjsMs);
  }
}

await tf.setBackend('wasm');
await tf.ready();
const status = nativeStatus();
const cuda = cudaInfo();
if (!status.loaded) console.warn(`native addon not loaded (${status.reason}); the "native cpu" rows time the TypeScript reference`);
const devices = cuda.available ? ['cpu', 'cuda'] : ['cpu'];

console.log(`# @fedloge/cuda-kernels benchmark`);
console.log(
  `node ${process.version}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
console.log(`tfjs ${tf.version_core} backend ${tf.getBackend()} (SIMD ${await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')}, 1 thread)`);
console.log(
  `native: ${status.loaded ? status.path : 'not loaded'}; CUDA: ${cuda.available ? cuda.deviceNames.join(', ') : `unavailable (${cuda.error})`}`,
);
console.log(`timing: median of ≥ 5 calls over ≥ ${minMs} ms after 3 warm-up calls\n`);

if (smoke) {
  benchProjection(8, 32, 10, devices);
  benchRealign(4, 10, 32, devices);
} else {
  benchProjection(64, 512, 100, devices);
  benchProjection(256, 512, 1000, devices);
  benchRealign(1000, 100, 512, devices);
}

console.log('| case | implementation | ms / call | speed-up vs tfjs | effective GB/s | peak RSS MB (process so far) |');
console.log('|---|---|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.caseName} | ${r.impl} | ${r.ms.toFixed(3)} | ${r.ratio.toFixed(2)}× | ${r.gbs.toFixed(2)} | ${r.peakRssMb.toFixed(0)} |`,
  );
}
