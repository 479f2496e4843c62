/**
 * The frozen sparse ETF classifier of FedLoGe (SSE-C, Xiao et al., "FedLoGe: Joint Local and Generic Federated
 * Learning under Long-tailed Data", ICLR 2024, arXiv 2401.08977): S [C × d] kept in CSR for the native kernels,
 * plus its fixed bias b [C]. Both are constants: nothing here is trainable.
 */
import * as tf from '@tensorflow/tfjs-core';
import { csrToDense, denseToCsr, type CsrMatrix } from '@fedloge/cuda-kernels';

export class SparseEtf {
  /** Number of classes C (rows of S). */
  readonly classes: number;
  /** Feature dimension d (columns of S). */
  readonly dim: number;
  private denseTensor: tf.Tensor2D | null = null;
  private biasT: tf.Tensor1D | null = null;

  /**
   * @param csr S [C × d] in CSR (see {@link SparseEtf.fromDense}).
   * @param bias b [C]; FedLoGe keeps nn.Linear's random init U(±1/√d), frozen. @default zeros
   */
  constructor(
    readonly csr: CsrMatrix,
    readonly bias: Float32Array = new Float32Array(csr.rows),
  ) {
    if (bias.length !== csr.rows) {
      throw new RangeError(`SparseEtf: expected a bias of ${csr.rows} elements (one per class) but received ${bias.length}`);
    }
    this.classes = csr.rows;
    this.dim = csr.cols;
  }

  /** From a dense row-major S [classes × dim] (exact zeros are dropped) and an optional bias. */
  static fromDense(weight: Float32Array, dim: number, bias?: Float32Array): SparseEtf {
    return new SparseEtf(denseToCsr(weight, dim), bias);
  }

  /** From a tfjs weight [C, d] (and optional bias [C]); reads their values once. */
  static fromTensors(weight: tf.Tensor2D, bias?: tf.Tensor1D): SparseEtf {
    const dim = weight.shape[1];
    return SparseEtf.fromDense(weight.dataSync() as Float32Array, dim, bias ? (bias.dataSync() as Float32Array).slice() : undefined);
  }

  /** Dense S [C, d] as a kept tensor for the pure-tfjs path; created on first use, freed by {@link dispose}. */
  denseWeight(): tf.Tensor2D {
    this.denseTensor ??= tf.keep(tf.tensor2d(csrToDense(this.csr), [this.classes, this.dim]));
    return this.denseTensor;
  }

  /** b [C] as a kept tensor for the pure-tfjs path; freed by {@link dispose}. */
  biasTensor(): tf.Tensor1D {
    this.biasT ??= tf.keep(tf.tensor1d(this.bias));
    return this.biasT;
  }

  /** Frees the cached tensors (the CSR arrays stay usable). */
  dispose(): void {
    this.denseTensor?.dispose();
    this.biasT?.dispose();
    this.denseTensor = null;
    this.biasT = null;
  }
}
