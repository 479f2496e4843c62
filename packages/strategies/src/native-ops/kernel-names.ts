/**
 * Names, inputs and attributes of the tfjs kernels backed by @fedloge/cuda-kernels, declared once for every backend
 * (the tfjs `kernel_names.ts` pattern). S and its bias travel as attributes, not inputs: they are constants of the
 * model (FedLoGe's SSE-C is frozen), so the engine never tracks or differentiates them.
 */
import type * as tf from '@tensorflow/tfjs-core';

import type { SparseEtf } from './sparse-etf.js';

/** Where the addon runs the kernel. */
export type NativeDevice = 'cpu' | 'cuda';

/** logits [B, C] = f [B, d] · Sᵀ + b. Gradient wrt f via SparseEtfProjectBackward. */
export const SPARSE_ETF_PROJECT = 'SparseEtfProject';
export type SparseEtfProjectInputs = { f: tf.TensorInfo };

/** gradF [B, d] = dy [B, C] · S (S frozen). */
export const SPARSE_ETF_PROJECT_BACKWARD = 'SparseEtfProjectBackward';
export type SparseEtfProjectBackwardInputs = { dy: tf.TensorInfo };

/** Outputs [mean loss (scalar), d loss/d f [B, d]] of softmax cross-entropy on f·Sᵀ + b; labels int32 [B]. */
export const SPARSE_ETF_CROSS_ENTROPY = 'SparseEtfCrossEntropy';
export type SparseEtfCrossEntropyInputs = { f: tf.TensorInfo; labels: tf.TensorInfo };

/** Attributes of the three sparse-ETF kernels. */
export interface SparseEtfAttrs {
  etf: SparseEtf;
  device: NativeDevice;
}

/** out [R, D] = scale · x / ‖x_r‖ per row (zero rows stay zero). Forward only. */
export const RENORM_ROWS = 'RenormRows';
export type RenormRowsInputs = { x: tf.TensorInfo };
export interface RenormRowsAttrs {
  scale: number;
  device: NativeDevice;
}

/**
 * What a masked class row of the local realignment holds: FedLoGe's reference masks the classes a client lacks with
 * −1e10 (so their logits are −1e10·Σf + b). The addon's matchRowNorms takes it as an argument.
 */
export const MASKED_CLASS_VALUE = -1e10;

/** out [K, C, d] = global [C, d] · ‖locals [K, C, d]‖ per row; masked (bool [K, C], true = masked) rows MASKED_CLASS_VALUE. */
export const LOCAL_REALIGN = 'LocalRealign';
export type LocalRealignInputs = { global: tf.TensorInfo; locals: tf.TensorInfo; masked?: tf.TensorInfo };
export interface LocalRealignAttrs {
  device: NativeDevice;
}

/** tfjs types attributes as plain JSON-like values; ours carry a typed-array-backed object, so cast at the boundary. */
export function asAttrMap(attrs: SparseEtfAttrs | RenormRowsAttrs | LocalRealignAttrs): tf.NamedAttrMap {
  return attrs as unknown as tf.NamedAttrMap;
}
