/**
 * BatchMatMul for wasm with the transposes done up front. The stock wasm kernel hands
 * transposeA/transposeB to a slow strided path: for [32, 3136] × [128, 3136]ᵀ it took 14 ms and
 * for [32, 3136]ᵀ × [32, 128] 33 ms, against 3.1 and 1.7 ms for an explicit Transpose followed
 * by the plain (XNNPACK) product. Every dense layer's forward (x·Wᵀ) and backward (dy·W, xᵀ·dy)
 * uses those flags, so all linear layers and heads gain.
 */
import * as tf from '@tensorflow/tfjs-core';
import { KernelScope } from './call-kernel.js';

/** Swaps the last two axes of a rank-`rank` tensor. */
function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1]!, perm[rank - 2]!];
  return perm;
}

export function batchMatMul(
  backendName: string,
  stock: tf.KernelFunc,
  args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap },
): tf.TensorInfo {
  const { a, b } = args.inputs as unknown as tf.BatchMatMulInputs & Record<string, tf.TensorInfo>;
  const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
  if (!transposeA && !transposeB) return stock(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
  const ops = new KernelScope(args.backend as tf.KernelBackend, backendName);
  try {
    const aPlain = transposeA ? ops.transpose(a!, swapLastTwo(a!.shape.length)) : a!;
    const bPlain = transposeB ? ops.transpose(b!, swapLastTwo(b!.shape.length)) : b!;
    return stock({
      inputs: { a: aPlain, b: bPlain },
      backend: args.backend as tf.KernelBackend,
      attrs: { ...args.attrs, transposeA: false, transposeB: false },
    }) as tf.TensorInfo;
  } finally {
    ops.disposeAll();
  }
}

/**
 * The shim as a kernel config wrapping `stock`, the backend's own BatchMatMul. The stock
 * `setupFunc` is kept: wasm binds the C function there when the backend initialises.
 */
export function batchMatMulConfig(backendName: string, stock: tf.KernelConfig | undefined): tf.KernelConfig {
  if (!stock) throw new Error(`BatchMatMul shim: backend '${backendName}' has no BatchMatMul kernel to wrap`);
  const config: tf.KernelConfig = {
    kernelName: tf.BatchMatMul,
    backendName,
    kernelFunc: (args) => batchMatMul(backendName, stock.kernelFunc, args),
  };
  return stock.setupFunc ? { ...config, setupFunc: stock.setupFunc } : config;
}
