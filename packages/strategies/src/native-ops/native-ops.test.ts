import * as tf from '@tensorflow/tfjs-core';
import { initBackend, registerBackendProvider, Rng, silentLogger } from '@fedloge/core';
import {
  cudaInfo,
  csrProjectForwardImpl,
  nativeBackendProvider,
  nativeRuntime,
  nativeStatus,
  type NativeBackend,
} from '@fedloge/cuda-kernels';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

import { LOCAL_REALIGN, RENORM_ROWS, SPARSE_ETF_CROSS_ENTROPY, SPARSE_ETF_PROJECT, SPARSE_ETF_PROJECT_BACKWARD } from './kernel-names.js';
import { registerNativeKernels } from './register-native-kernels.js';
import { selectKernels } from './select-kernels.js';
import { SparseEtf } from './sparse-etf.js';

const native = nativeStatus();
const cuda = cudaInfo();
const nativeNote = native.loaded ? '' : ` [skipped: ${native.reason}]`;
const cudaNote = cuda.available ? '' : ` [skipped: no usable CUDA device: ${cuda.error}]`;
if (!native.loaded) console.warn(`[native-ops tests] native paths skipped: ${native.reason}`);

const rng = new Rng(23).derive('native-ops.test');
const B = 12;
const D = 37; // not a multiple of 4 or 8
const C = 9;

function randomArray(r: Rng, n: number, std = 1): Float32Array {
  return Float32Array.from({ length: n }, () => r.normal(0, std));
}

/** A sparse ETF-like head with ~60 % zeros, class 2 without support, and a random frozen bias. */
function makeEtf(r: Rng): SparseEtf {
  const dense = randomArray(r, C * D, 1 / Math.sqrt(D)).map((v) => (r.float() < 0.6 ? 0 : v));
  dense.fill(0, 2 * D, 3 * D);
  return SparseEtf.fromDense(dense, D, randomArray(r, C, 0.05));
}

/** max |a − b| ≤ rtol · max(1, max |b|) */
function expectTensorsClose(actual: tf.Tensor, expected: tf.Tensor, rtol = 1e-5): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.dataSync();
  const e = expected.dataSync();
  let scale = 1;
  for (const v of e) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < e.length; i++) worst = Math.max(worst, Math.abs(a[i]! - e[i]!));
  expect(worst).toBeLessThanOrEqual(rtol * scale);
}

/** Runs `body`, disposes what it returns, and asserts no tensor outlived it. */
function expectNoLeak(body: () => tf.Tensor[]): void {
  const before = tf.memory().numTensors;
  tf.dispose(body());
  expect(tf.memory().numTensors).toBe(before);
}

/** The four operations and their f-gradients through one implementation, as tensors the caller disposes. */
function runAll(kind: 'tfjs' | 'native' | 'cuda', etf: SparseEtf, r: Rng): tf.Tensor[] {
  const k = selectKernels(kind);
  return tf.tidy(() => {
    const f = tf.tensor2d(randomArray(r, B * D), [B, D]);
    const labels = tf.tensor1d(
      Int32Array.from({ length: B }, () => r.int(C)),
      'int32',
    );
    const weights = tf.tensor2d(randomArray(r, B * C), [B, C]);
    const W = tf.tensor2d(randomArray(r, C * D), [C, D]);
    const zeroRowW = tf.concat([W.slice([0, 0], [C - 1, D]), tf.zeros([1, D])]) as tf.Tensor2D;
    const Ls = tf.tensor3d(randomArray(r, 4 * C * D, 0.1), [4, C, D]);
    const masked = tf.tensor2d(
      Int32Array.from({ length: 4 * C }, () => (r.float() < 0.3 ? 1 : 0)),
      [4, C],
      'int32',
    );
    const logits = k.projectEtf(f, etf);
    const dProject = tf.grad((x: tf.Tensor) => tf.sum(tf.mul(k.projectEtf(x as tf.Tensor2D, etf), weights)))(f);
    const loss = k.etfCrossEntropy(f, etf, labels);
    const dLoss = tf.grad((x: tf.Tensor) => tf.mul(k.etfCrossEntropy(x as tf.Tensor2D, etf, labels), 3))(f);
    return [logits, dProject, loss, dLoss, k.renormRows(zeroRowW, 1.7), k.localRealign(W, Ls, masked), k.localRealign(W, Ls)];
  });
}

const NAMES = ['logits', 'd(Σ w·logits)/df', 'loss', 'd(3·loss)/df', 'renormRows', 'localRealign masked', 'localRealign'];

describe.each(['cpu', 'wasm'] as const)('native-ops on the %s backend', (backend) => {
  const etf = makeEtf(rng.derive(backend, 'etf'));
  let tfjsResults: tf.Tensor[] = [];

  beforeAll(async () => {
    await initBackend({ backend, logger: silentLogger() });
    tfjsResults = runAll('tfjs', etf, rng.derive(backend, 'data'));
  });
  afterAll(() => {
    tf.dispose(tfjsResults);
    etf.dispose();
  });

  it('tfjs path: logits equal the TypeScript reference kernel', () => {
    const f = randomArray(rng.derive(backend, 'ref'), B * D);
    const expected = csrProjectForwardImpl(f, B, etf.csr, etf.bias, new Float32Array(B * C));
    const logits = selectKernels('tfjs').projectEtf(tf.tensor2d(f, [B, D]), etf);
    expectTensorsClose(logits, tf.tensor2d(expected, [B, C]));
    tf.dispose([logits]);
  });

  it('tfjs path: masked rows are −1e10 and realigned rows have norm ‖G_c‖·‖L_kc‖', () => {
    const [, , , , renorm, maskedR] = tfjsResults;
    const norms = tf.norm(renorm!, 'euclidean', 1).dataSync();
    expect(norms[C - 1]).toBe(0);
    for (let c = 0; c < C - 1; c++) expect(norms[c]).toBeCloseTo(1.7, 5);
    expect(maskedR!.dataSync().some((v) => v === -1e10)).toBe(true);
  });

  it.skipIf(!native.loaded)(`native path matches tfjs (values and gradients)${nativeNote}`, () => {
    const results = runAll('native', etf, rng.derive(backend, 'data'));
    results.forEach((t, i) => {
      expect.soft(t.shape, NAMES[i]).toEqual(tfjsResults[i]!.shape);
      expectTensorsClose(t, tfjsResults[i]!);
    });
    tf.dispose(results);
  });

  it.skipIf(!native.loaded)(`native path leaks no tensors${nativeNote}`, () => {
    runAll('native', etf, rng.derive(backend, 'warm')).forEach((t) => t.dispose());
    expectNoLeak(() => runAll('native', etf, rng.derive(backend, 'leak')));
  });

  it('tfjs path leaks no tensors (after the ETF tensors are cached)', () => {
    expectNoLeak(() => runAll('tfjs', etf, rng.derive(backend, 'leak')));
  });

  it.skipIf(!native.loaded)(`native path handles an empty batch like tfjs${nativeNote}`, () => {
    const k = selectKernels('native');
    const f = tf.zeros([0, D]) as tf.Tensor2D;
    const labels = tf.zeros([0], 'int32') as tf.Tensor1D;
    const logits = k.projectEtf(f, etf);
    const loss = k.etfCrossEntropy(f, etf, labels);
    expect(logits.shape).toEqual([0, C]);
    expect(loss.dataSync()[0]).toBe(0);
    const tfjsLoss = selectKernels('tfjs').etfCrossEntropy(f, etf, labels);
    expect(tfjsLoss.dataSync()[0]).toBe(0);
    tf.dispose([f, labels, logits, loss, tfjsLoss]);
  });

  it.skipIf(!cuda.available)(`cuda path matches tfjs${cudaNote}`, () => {
    const results = runAll('cuda', etf, rng.derive(backend, 'data'));
    results.forEach((t, i) => expectTensorsClose(t, tfjsResults[i]!, 1e-4));
    tf.dispose(results);
  });
});

const nativeBackend = nativeRuntime();
const nativeBackendNote = 'addon' in nativeBackend ? '' : ` [skipped: ${nativeBackend.reason}]`;

describe(`native-ops on the native backend${nativeBackendNote}`, () => {
  const etf = makeEtf(rng.derive('native-backend', 'etf'));
  let tfjsResults: tf.Tensor[] = [];
  const pool = () => (tf.backend() as NativeBackend).pool.stats();

  beforeAll(async () => {
    if (!('addon' in nativeBackend)) return;
    registerBackendProvider(nativeBackendProvider);
    await initBackend({ backend: 'native', logger: silentLogger() });
    tfjsResults = runAll('tfjs', etf, rng.derive('native-backend', 'data'));
  });
  afterAll(() => {
    tf.dispose(tfjsResults);
    etf.dispose();
  });

  it.skipIf(!('addon' in nativeBackend))('runs the addon kernels into pooled memory and matches the tfjs ops', async () => {
    expect(tf.getBackend()).toBe('native');
    let results: tf.Tensor[] = [];
    const profile = await tf.profile(() => {
      results = runAll('native', etf, rng.derive('native-backend', 'data'));
    });
    for (const name of [SPARSE_ETF_PROJECT, SPARSE_ETF_PROJECT_BACKWARD, SPARSE_ETF_CROSS_ENTROPY, RENORM_ROWS, LOCAL_REALIGN]) {
      expect(profile.kernelNames, name).toContain(name);
    }
    const backend = tf.backend() as NativeBackend;
    results.forEach((t, i) => {
      // d(3·loss)/df comes from a stock Mul (the gradient scales the saved output), which the native backend still
      // runs in tfjs-cpu's JavaScript; every other result is an addon kernel's output.
      if (i !== 3) expect(backend.pool.owns((backend.valuesOf(t) as Float32Array).buffer), `${NAMES[i]} in pooled memory`).toBe(true);
      expectTensorsClose(t, tfjsResults[i]!);
    });
    tf.dispose(results);
  });

  it.skipIf(!('addon' in nativeBackend))('leaks no tensors and no pooled buffers', () => {
    runAll('native', etf, rng.derive('native-backend', 'warm')).forEach((t) => t.dispose());
    const before = pool().buffersInUse;
    expectNoLeak(() => runAll('native', etf, rng.derive('native-backend', 'leak')));
    expect(pool().buffersInUse).toBe(before);
  });

  it.skipIf(!('addon' in nativeBackend))('replaces a cpu kernel the native backend copied before registration', () => {
    // What registerNativeBackend does with a cpu kernel registered before it: a copy under the native name.
    tf.unregisterKernel(SPARSE_ETF_PROJECT, 'native');
    tf.registerKernel({ ...tf.getKernel(SPARSE_ETF_PROJECT, 'cpu')!, backendName: 'native' });
    registerNativeKernels();
    const backend = tf.backend() as NativeBackend;
    const logits = selectKernels('native').projectEtf(tf.zeros([2, D]) as tf.Tensor2D, etf);
    expect(backend.pool.owns((backend.valuesOf(logits) as Float32Array).buffer)).toBe(true);
    tf.dispose(logits);
  });

  it.skipIf(!('addon' in nativeBackend))('rejects a shape-mismatched call with a JS error', () => {
    const k = selectKernels('native');
    const f = tf.zeros([3, D + 1]) as tf.Tensor2D;
    expect(() => k.projectEtf(f, etf)).toThrow(/projectEtf: expected f of shape/);
    const labels = tf.zeros([2], 'int32') as tf.Tensor1D;
    expect(() =>
      tf.engine().runKernel(SPARSE_ETF_CROSS_ENTROPY, { f: tf.zeros([3, D]), labels }, { etf, device: 'cpu' } as never),
    ).toThrow();
    tf.dispose([f, labels]);
  });
});

describe('selectKernels', () => {
  it.skipIf(cuda.available)("'cuda' without a usable device is an Error naming the reason", () => {
    expect(() => selectKernels('cuda')).toThrow(/selectKernels\('cuda'\): CUDA kernels unavailable: \S+/);
  });

  it('rejects an unknown choice', () => {
    expect(() => selectKernels('gpu' as 'cuda')).toThrow(/unknown choice 'gpu'; expected one of tfjs, native, cuda/);
  });

  it('native-kernel shape checks name the operation and the argument', () => {
    const etf = SparseEtf.fromDense(new Float32Array([1, 0, 0, 1]), 2); // S = I₂
    const k = selectKernels(native.loaded ? 'native' : 'tfjs');
    if (k.kind !== 'native') return; // tfjs ops report shape errors themselves
    const f = tf.zeros([3, 5]) as tf.Tensor2D;
    expect(() => k.projectEtf(f, etf)).toThrow(/projectEtf: expected f of shape \[\?, 2\] but received \[3, 5\]/);
    f.dispose();
  });

  it("'native' falls back to tfjs with one warning to the run's logger (not the console) when the addon is missing", async () => {
    vi.stubEnv('FEDKERN_NATIVE', 'OFF');
    vi.resetModules();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const logger = silentLogger();
    try {
      const fresh = await import('./select-kernels.js');
      expect(fresh.selectKernels('native', logger).kind).toBe('tfjs');
      expect(fresh.selectKernels('native', logger).kind).toBe('tfjs');
      expect(logger.warnings).toHaveLength(1);
      expect(logger.warnings[0]).toMatch(/falling back to tfjs ops \(same results, slower\): disabled by FEDKERN_NATIVE=OFF/);
      expect(warn.mock.calls.filter((c) => String(c[0]).includes('[native-ops]'))).toEqual([]);
    } finally {
      warn.mockRestore();
      vi.unstubAllEnvs();
      vi.resetModules();
    }
  });
});
