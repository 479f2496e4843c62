/**
 * The 'native' and 'cuda' implementations of {@link EtfKernels}: the addon-backed tfjs kernels, run through the
 * engine (so tf.grad / tape and memory tracking work as for any tfjs op). On a backend the addon cannot serve
 * (webgl, tensorflow) each call falls back to the 'tfjs' implementation, with one warning.
 */
import * as tf from '@tensorflow/tfjs-core';
import { consoleLogger, type Logger } from '@fedloge/core';

import type { EtfKernels } from './etf-kernels.js';
import { asAttrMap, LOCAL_REALIGN, RENORM_ROWS, SPARSE_ETF_CROSS_ENTROPY, SPARSE_ETF_PROJECT, type NativeDevice } from './kernel-names.js';
import { NATIVE_KERNEL_BACKENDS } from './backend-io.js';
import { nativeKernelsSupportBackend, registerNativeKernels } from './register-native-kernels.js';
import type { SparseEtf } from './sparse-etf.js';
import { tfjsEtfKernels } from './tfjs-etf-kernels.js';

/** A check whether the active backend can run the addon kernels; it warns `logger` once per backend it cannot. */
function backendCheck(logger: Logger): () => boolean {
  const warnedBackends = new Set<string>();
  return () => {
    const name = tf.getBackend();
    if (nativeKernelsSupportBackend(name)) return true;
    if (!warnedBackends.has(name)) {
      warnedBackends.add(name);
      logger.warn(
        `[native-ops] the native kernels run on the ${NATIVE_KERNEL_BACKENDS.join(', ')} backends, not '${name}'; using tfjs ops there`,
      );
    }
    return false;
  };
}

function assertShape(op: string, name: string, t: tf.Tensor, expected: readonly (number | null)[]): void {
  const ok = t.rank === expected.length && expected.every((e, i) => e === null || t.shape[i] === e);
  if (!ok) {
    const want = `[${expected.map((e) => (e === null ? '?' : e)).join(', ')}]`;
    throw new RangeError(`${op}: expected ${name} of shape ${want} but received [${t.shape.join(', ')}]`);
  }
}

/** Builds the EtfKernels that run the addon on `device`; fallbacks are reported to `logger`. */
export function nativeEtfKernels(device: NativeDevice, logger: Logger = consoleLogger): EtfKernels {
  registerNativeKernels();
  const backendSupported = backendCheck(logger);
  return {
    kind: device === 'cuda' ? 'cuda' : 'native',

    projectEtf(f: tf.Tensor2D, etf: SparseEtf): tf.Tensor2D {
      assertShape('projectEtf', 'f', f, [null, etf.dim]);
      if (!backendSupported()) return tfjsEtfKernels.projectEtf(f, etf);
      return tf.engine().runKernel(SPARSE_ETF_PROJECT, { f }, asAttrMap({ etf, device })) as tf.Tensor2D;
    },

    etfCrossEntropy(f: tf.Tensor2D, etf: SparseEtf, labels: tf.Tensor1D): tf.Scalar {
      assertShape('etfCrossEntropy', 'f', f, [null, etf.dim]);
      assertShape('etfCrossEntropy', 'labels', labels, [f.shape[0]]);
      if (!backendSupported()) return tfjsEtfKernels.etfCrossEntropy(f, etf, labels);
      const intLabels = labels.dtype === 'int32' ? labels : tf.cast(labels, 'int32');
      const [loss, gradF] = tf
        .engine()
        .runKernel(SPARSE_ETF_CROSS_ENTROPY, { f, labels: intLabels }, asAttrMap({ etf, device })) as tf.Tensor[];
      // The gradient output is only for the tape (which keeps its own copy); the caller gets the loss.
      gradF!.dispose();
      if (intLabels !== labels) intLabels.dispose();
      return loss as tf.Scalar;
    },

    renormRows(W: tf.Tensor2D, scale: number): tf.Tensor2D {
      assertShape('renormRows', 'W', W, [null, null]);
      if (!backendSupported()) return tfjsEtfKernels.renormRows(W, scale);
      return tf.engine().runKernel(RENORM_ROWS, { x: W }, asAttrMap({ scale, device })) as tf.Tensor2D;
    },

    localRealign(G: tf.Tensor2D, Ls: tf.Tensor3D | readonly tf.Tensor2D[], masked?: tf.Tensor2D): tf.Tensor3D {
      if (!backendSupported()) return tfjsEtfKernels.localRealign(G, Ls, masked);
      return tf.tidy(() => {
        const locals = Array.isArray(Ls) ? (tf.stack(Ls as tf.Tensor2D[]) as tf.Tensor3D) : (Ls as tf.Tensor3D);
        assertShape('localRealign', 'Ls', locals, [null, G.shape[0], G.shape[1]]);
        const inputs: tf.NamedTensorMap = { global: G, locals };
        if (masked) {
          assertShape('localRealign', 'masked', masked, [locals.shape[0], G.shape[0]]);
          inputs['masked'] = masked.dtype === 'bool' ? masked : tf.notEqual(masked, 0);
        }
        return tf.engine().runKernel(LOCAL_REALIGN, inputs, asAttrMap({ device })) as tf.Tensor3D;
      });
    },
  };
}
