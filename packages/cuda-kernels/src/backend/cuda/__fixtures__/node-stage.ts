/**
 * The Node stage of the GPU check (scripts/gpu-check.sh), bundled with tfjs-core, tfjs-cpu, @fedloge/core and this
 * package into one script by scripts/gpu-bundle.mjs, so it runs on a GPU machine that has no node_modules:
 *
 *   node gpu-node-stage.mjs [--emulated] [--expect-cc 90] [--batch 32] [--steps 5] [--bench] [--json FILE]
 *
 * Checks, each counted: the device status (compiled, available, the expected compute capability, not lost); the
 * start-up self-test; every parity case against tfjs-cpu in TF32 and FP32; the FedLoGe head kernels with
 * `device: 'cuda'` against their TypeScript references; `--steps` SGD steps of the small CNN and ResNet-8 on cuda vs
 * cpu from one seed (loss per step within 1e-4 in FP32, 1e-2 in TF32); no CPU fallback of the kernels a training step
 * must run on the device. Prints the fallback report and "N passed, N failed"; exits 0 only when all passed.
 * `--bench` adds training-step timings (B = 128: small CNN, ResNet-8, ResNet-34) and a 4096³ matMul, as medians.
 *
 * `--emulated` runs everything that does not need a GPU against the host emulation of the device functions
 * (./host-device.ts over host memory), so the dry run proves on a CPU machine that the bundle loads and works; the
 * head kernels' CUDA checks and the device status need the real device and are left out there (said so).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import * as tf from '@tensorflow/tfjs-core';
import {
  CORE_MODEL_PLUGINS,
  crossEntropy,
  initBackend,
  LinearHead,
  minimize,
  registerBackendProvider,
  Rng,
  SGD,
  silentLogger,
} from '@fedloge/core';

import { denseToCsr } from '../../../csr.js';
import { csrCrossEntropy } from '../../../csr-cross-entropy.js';
import { csrCrossEntropyImpl } from '../../../csr-cross-entropy.impl.js';
import { csrProjectBackward, csrProjectForward } from '../../../csr-project.js';
import { csrProjectBackwardImpl, csrProjectForwardImpl } from '../../../csr-project.impl.js';
import { nativeAddon } from '../../../load.js';
import { matchRowNorms } from '../../../match-row-norms.js';
import { matchRowNormsImpl } from '../../../match-row-norms.impl.js';
import { renormRows } from '../../../renorm-rows.js';
import { renormRowsImpl } from '../../../renorm-rows.impl.js';
import { CudaBackend } from '../cuda-backend.js';
import type { CudaBackendAddon } from '../device.js';
import { CUDA_KERNELS } from '../kernels/index.js';
import {
  CUDA_BACKEND_NAME,
  cudaBackendProvider,
  cudaFallbackCounts,
  describeFallbacks,
  registerCudaBackend,
  registerCudaBackendVariant,
} from '../register.js';
import { cudaSelfTest } from '../self-test.js';
import { hostKernels } from './host-device.js';
import { HostMemory } from './host-memory.js';
import { caseMismatches, PARITY_CASES } from './parity-cases.js';

const { values: flags } = parseArgs({
  options: {
    emulated: { type: 'boolean', default: false },
    'expect-cc': { type: 'string' },
    batch: { type: 'string', default: '32' },
    steps: { type: 'string', default: '5' },
    bench: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const batch = Number(flags.batch);
const steps = Number(flags.steps);

interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly detail: string;
}
const checks: Check[] = [];
const notes: string[] = [];
const bench: Record<string, number> = {};

function record(name: string, ok: boolean, detail = ''): void {
  checks.push({ name, ok, detail });
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? `  ${detail}` : ''}`);
}

async function guarded(name: string, body: () => Promise<void> | void): Promise<void> {
  try {
    await body();
  } catch (e) {
    record(name, false, `threw: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The kernels a training step must run on the device; a fallback of any of them fails the check. */
const MUST_NOT_FALL_BACK =
  /^(Conv2D|Conv2DBackprop(Input|Filter)|FusedConv2D|BatchMatMul|_FusedMatMul|MatMul|MaxPool|MaxPoolGrad|Sum|Mean|Relu)$/;

/** The addon's device functions (real) or their host emulation (--emulated), registered as the `cuda` backend. */
async function startBackend(): Promise<CudaBackendAddon | null> {
  // cpu first: core registers its kernel shims for it, and the cuda backend inherits cpu's kernels when registered.
  await initBackend({ backend: 'cpu', logger: silentLogger() });
  if (flags.emulated) {
    const addon = nativeAddon();
    if (!addon?.cudaConvIndexMap) throw new Error('--emulated needs a fedkern.node with the CPU probes (cudaConvIndexMap)');
    const probe = addon.cudaConvIndexMap.bind(addon);
    registerCudaBackendVariant(
      CUDA_BACKEND_NAME,
      () => {
        const memory = new HostMemory();
        return new CudaBackend(memory, hostKernels(memory, probe) as unknown as CudaBackendAddon);
      },
      CUDA_KERNELS,
    );
    notes.push('emulated device: the GPU kernels’ TypeScript side over host memory; no CUDA code ran');
    return null;
  }
  const reason = cudaBackendProvider.unavailableReason();
  const addon = nativeAddon() as unknown as CudaBackendAddon | null;
  const status = addon?.cudaDeviceStatus?.();
  const expected = flags['expect-cc'] ? Number(flags['expect-cc']) : null;
  const statusOk =
    reason === null &&
    status !== undefined &&
    status.compiled &&
    status.available &&
    !status.lost &&
    (expected === null || status.computeCapability === expected);
  record(
    'device status: compiled, available, expected compute capability',
    statusOk,
    status ? `${JSON.stringify(status)}${expected === null ? '' : ` (expected ${expected})`}` : (reason ?? 'no addon'),
  );
  if (!statusOk) return null;
  // initBackend runs the start-up self-test through the provider, as `--backend cuda` does. When it refuses, the
  // backend is still registered and the checks below run, so the log says which kernels are wrong.
  registerBackendProvider(cudaBackendProvider);
  try {
    await initBackend({ backend: 'cuda', logger: silentLogger() });
    record('initBackend cuda (provider, self-test)', true);
  } catch (e) {
    record('initBackend cuda (provider, self-test)', false, e instanceof Error ? e.message : String(e));
    registerCudaBackend();
  }
  return addon;
}

async function parity(addon: CudaBackendAddon | null): Promise<void> {
  const modes = addon ? (['tf32', 'fp32'] as const) : (['fp32'] as const);
  for (const mode of modes) {
    const previous = addon?.cudaSetTf32(mode === 'tf32');
    try {
      for (const c of PARITY_CASES) {
        const name = `parity ${mode}: ${c.name}`;
        await guarded(name, async () => {
          const problems = await caseMismatches(CUDA_BACKEND_NAME, c, mode === 'tf32' && c.tf32 ? 1e-2 : (c.tolerance ?? 1e-4));
          record(name, problems.length === 0, problems.join('; '));
        });
      }
    } finally {
      if (previous !== undefined) addon?.cudaSetTf32(previous);
    }
  }
}

/** |a − e| ≤ rtol·(|e| + max|e|), the head kernels' test measure; returns the worst excess (≤ 0 passes). */
function closeness(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol = 1e-4): number {
  if (actual.length !== expected.length) return Infinity;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  let worst = -Infinity;
  for (let i = 0; i < expected.length; i++) {
    const excess = Math.abs(actual[i]! - expected[i]!) - rtol * (Math.abs(expected[i]!) + scale);
    if (!(excess <= worst)) worst = Number.isNaN(excess) ? Infinity : excess;
  }
  return expected.length === 0 ? 0 : worst;
}

function headKernels(): void {
  const rng = new Rng(17);
  const normals = (n: number, std = 1) => Float32Array.from({ length: n }, () => rng.normal(0, std));
  // (batch, dim, classes): one element, odd sizes, a FedLoGe-sized head, an empty batch
  for (const [b, d, c] of [
    [1, 1, 1],
    [37, 65, 10],
    [128, 512, 100],
    [300, 513, 1000],
    [0, 8, 4],
  ] as const) {
    const dense = new Float32Array(c * d);
    for (let i = 0; i < dense.length; i++) if (rng.float() >= 0.6) dense[i] = rng.normal(0, 1 / Math.sqrt(d));
    const s = denseToCsr(dense, d);
    const f = normals(b * d);
    const bias = normals(c);
    const gradLogits = normals(b * c);
    const labels = Int32Array.from({ length: b }, () => rng.int(c));
    const size = `${b}×${d}, ${c} classes`;
    const check = (name: string, actual: () => ArrayLike<number>, expected: () => ArrayLike<number>) => {
      try {
        const excess = closeness(actual(), expected());
        record(`${name} device cuda (${size})`, excess <= 0, `worst excess over 1e-4: ${excess.toExponential(2)}`);
      } catch (e) {
        record(`${name} device cuda (${size})`, false, `threw: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
    check(
      'csrProjectForward',
      () => csrProjectForward(f, s, { bias, device: 'cuda' }),
      () => csrProjectForwardImpl(f, b, s, bias, new Float32Array(b * c)),
    );
    check(
      'csrProjectBackward',
      () => csrProjectBackward(gradLogits, s, { device: 'cuda' }),
      () => csrProjectBackwardImpl(gradLogits, b, s, new Float32Array(b * d)),
    );
    check(
      'csrCrossEntropy',
      () => {
        const r = csrCrossEntropy(f, s, labels, { bias, device: 'cuda' });
        return [r.loss, ...r.gradF];
      },
      () => {
        const g = new Float32Array(b * d);
        return [csrCrossEntropyImpl(f, b, s, bias, labels, g), ...g];
      },
    );
    if (b === 0) continue;
    const w = normals(c * d);
    check(
      'renormRows',
      () => renormRows(w, d, 1.7, { device: 'cuda' }),
      () => renormRowsImpl(w, c, d, 1.7, new Float32Array(c * d)),
    );
    const locals = normals(3 * c * d);
    const masked = Uint8Array.from({ length: 3 * c }, (_, i) => (i % 5 === 1 ? 1 : 0));
    check(
      'matchRowNorms',
      () => matchRowNorms(w, locals, d, { masked, maskedValue: -1e10, device: 'cuda' }),
      () => matchRowNormsImpl(w, c, d, locals, 3, masked, -1e10, new Float32Array(3 * c * d)),
    );
  }
}

const INPUT_SHAPES = { cnn: [28, 28, 1], resnet8: [32, 32, 3], resnet34: [32, 32, 3] } as const;

/** Core's model + linear head, SGD momentum 0.9, one seeded batch; returns the loss of each step. */
function trainLosses(model: keyof typeof INPUT_SHAPES, b: number, n: number): number[] {
  const plugin = CORE_MODEL_PLUGINS.find((p) => p.name === model);
  if (!plugin) throw new Error(`core has no model '${model}'`);
  const rng = new Rng(0);
  const shape = INPUT_SHAPES[model];
  const net = plugin.create({ inputShape: shape, rng: rng.derive('backbone') }, {});
  const head = new LinearHead({ inputDim: net.featureDim, numClasses: 10, rng: rng.derive('head') });
  const opt = new SGD([...net.params.values(), ...head.params.values()], { lr: 0.01, momentum: 0.9 });
  const data = rng.derive('data');
  const x = tf.tensor4d(
    Float32Array.from({ length: b * shape[0] * shape[1] * shape[2] }, () => data.normal()),
    [b, ...shape],
  );
  const y = tf.tensor1d(
    Int32Array.from({ length: b }, () => data.int(10)),
    'int32',
  );
  try {
    return Array.from({ length: n }, () => minimize(opt, () => crossEntropy(head.apply(net.apply(x, 'train')), y)));
  } finally {
    tf.dispose([x, y]);
    opt.dispose();
    net.dispose();
    head.dispose();
  }
}

async function training(addon: CudaBackendAddon | null): Promise<void> {
  for (const model of ['cnn', 'resnet8'] as const) {
    await tf.setBackend('cpu');
    let reference: number[];
    try {
      reference = trainLosses(model, batch, steps);
    } catch (e) {
      record(`${model}: ${steps} SGD steps on cpu`, false, `threw: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    const modes = addon ? (['fp32', 'tf32'] as const) : (['fp32'] as const);
    for (const mode of modes) {
      const name = `${model} B=${batch}: ${steps} SGD steps, cuda ${mode} vs cpu (loss within ${mode === 'fp32' ? '1e-4' : '1e-2'})`;
      await guarded(name, async () => {
        await tf.setBackend(CUDA_BACKEND_NAME);
        const previous = addon?.cudaSetTf32(mode === 'tf32');
        const before = cudaFallbackCounts();
        let losses: number[];
        try {
          losses = trainLosses(model, batch, steps);
        } finally {
          if (previous !== undefined) addon?.cudaSetTf32(previous);
        }
        const after = cudaFallbackCounts();
        const fellBack = Object.keys(after).filter((k) => MUST_NOT_FALL_BACK.test(k) && (after[k] ?? 0) > (before[k] ?? 0));
        const tolerance = mode === 'fp32' ? 1e-4 : 1e-2;
        const worst = Math.max(...losses.map((l, i) => Math.abs(l - reference[i]!)));
        record(
          name,
          worst <= tolerance && fellBack.length === 0,
          `cuda ${losses.map((l) => l.toFixed(6)).join(' ')} | cpu ${reference.map((l) => l.toFixed(6)).join(' ')}` +
            (fellBack.length ? ` | fell back: ${fellBack.join(', ')}` : ''),
        );
      });
    }
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Training-step and 4096³ matMul timings on the device (wall clock around a synchronised step; medians). */
function benchmark(addon: CudaBackendAddon): void {
  for (const model of ['cnn', 'resnet8', 'resnet34'] as const) {
    const plugin = CORE_MODEL_PLUGINS.find((p) => p.name === model)!;
    const rng = new Rng(1);
    const shape = INPUT_SHAPES[model];
    const net = plugin.create({ inputShape: shape, rng: rng.derive('backbone') }, {});
    const head = new LinearHead({ inputDim: net.featureDim, numClasses: 10, rng: rng.derive('head') });
    const opt = new SGD([...net.params.values(), ...head.params.values()], { lr: 0.01, momentum: 0.9 });
    const x = tf.randomNormal([128, ...shape], 0, 1, 'float32', 3) as tf.Tensor4D;
    const y = tf.tensor1d(
      Int32Array.from({ length: 128 }, (_, i) => i % 10),
      'int32',
    );
    const times: number[] = [];
    for (let i = 0; i < 13; i++) {
      const t0 = performance.now();
      minimize(opt, () => crossEntropy(head.apply(net.apply(x, 'train')), y)); // reads the loss: synchronises
      addon.cudaSynchronize();
      if (i >= 3) times.push(performance.now() - t0);
    }
    bench[`train_step_ms.${model}.b128`] = median(times);
    console.log(`bench ${model} B=128 training step: median ${median(times).toFixed(2)} ms over ${times.length}`);
    tf.dispose([x, y]);
    opt.dispose();
    net.dispose();
    head.dispose();
  }
  for (const mode of ['tf32', 'fp32'] as const) {
    const previous = addon.cudaSetTf32(mode === 'tf32');
    const a = tf.randomNormal([4096, 4096], 0, 1, 'float32', 4);
    const b = tf.randomNormal([4096, 4096], 0, 1, 'float32', 5);
    const times: number[] = [];
    for (let i = 0; i < 8; i++) {
      addon.cudaSynchronize();
      const t0 = performance.now();
      const c = tf.matMul(a, b);
      addon.cudaSynchronize();
      times.push(performance.now() - t0);
      c.dispose();
    }
    tf.dispose([a, b]);
    addon.cudaSetTf32(previous);
    const ms = median(times.slice(2));
    bench[`tfjs_matmul_4096_ms.${mode}`] = ms;
    console.log(
      `bench tf.matMul 4096³ ${mode} (tfjs cuda backend): median ${ms.toFixed(3)} ms = ${((2 * 4096 ** 3) / ms / 1e9).toFixed(1)} TFLOP/s`,
    );
  }
}

async function main(): Promise<void> {
  let addon: CudaBackendAddon | null = null;
  try {
    addon = await startBackend();
  } catch (e) {
    record('start the cuda backend (with its self-test)', false, e instanceof Error ? e.message : String(e));
  }
  const started = flags.emulated || addon !== null;
  if (started) {
    await guarded('start-up self-test', async () => {
      const why = await cudaSelfTest(CUDA_BACKEND_NAME);
      record('start-up self-test', why === null, why ?? '');
    });
    await parity(addon);
    if (addon) headKernels();
    else notes.push('head kernels with device cuda: need the real device (left out)');
    await training(addon);
    if (flags.bench && addon) await guarded('benchmark', () => benchmark(addon!));
    const counts = cudaFallbackCounts();
    const line = describeFallbacks(counts);
    console.log(line ?? 'cuda backend: no kernel call ran on the CPU fallback');
    notes.push(line ?? 'no CPU fallback');
  }
  for (const n of notes) console.log(`note: ${n}`);
  const passed = checks.filter((c) => c.ok).length;
  const failed = checks.length - passed;
  console.log(`${passed} passed, ${failed} failed`);
  if (flags.json) {
    writeFileSync(
      flags.json,
      `${JSON.stringify({ emulated: flags.emulated, passed, failed, checks, notes, bench, fallbacks: cudaFallbackCounts() }, null, 1)}\n`,
    );
  }
  process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
}

await main();
