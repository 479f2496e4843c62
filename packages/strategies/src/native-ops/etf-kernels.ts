/**
 * The head operations FedLoGe needs, behind one interface with interchangeable implementations (see
 * {@link selectKernels}). Every method returns a new tensor the caller owns and disposes; inputs are not disposed.
 */
import type * as tf from '@tensorflow/tfjs-core';

import type { SparseEtf } from './sparse-etf.js';

/** Which implementation runs: pure tfjs ops (dense matmul), the native C++ kernels, or the native CUDA kernels. */
export type KernelChoice = 'tfjs' | 'native' | 'cuda';

export interface EtfKernels {
  /** The implementation actually in use ('native' may have fallen back to 'tfjs'). */
  readonly kind: KernelChoice;

  /** SSE-C logits f [B, d] · Sᵀ + b → [B, C]. Differentiable wrt f (S and b are frozen). */
  projectEtf(f: tf.Tensor2D, etf: SparseEtf): tf.Tensor2D;

  /**
   * Mean softmax cross-entropy of the SSE-C logits against int32 labels [B]: (1/max(B,1)) Σ_b −log softmax(z_b)[y_b].
   * Differentiable wrt f. Numerically stable (log-sum-exp).
   */
  etfCrossEntropy(f: tf.Tensor2D, etf: SparseEtf, labels: tf.Tensor1D): tf.Scalar;

  /** GLA-FR global realignment: every row of W [C, d] rescaled to norm `scale` (zero rows stay zero). Forward only. */
  renormRows(W: tf.Tensor2D, scale: number): tf.Tensor2D;

  /**
   * GLA-FR local realignment for K clients: R[k, c, :] = G[c, :] · ‖L[k, c, :]‖, with G [C, d] the global auxiliary
   * head and Ls [K, C, d] (or K tensors [C, d]) the local heads. `masked` [K, C] (bool, or numbers where non-zero
   * means masked) fills the masked rows with −1e10 as FedLoGe's reference does for classes a client lacks.
   * Forward only.
   */
  localRealign(G: tf.Tensor2D, Ls: tf.Tensor3D | readonly tf.Tensor2D[], masked?: tf.Tensor2D): tf.Tensor3D;
}
