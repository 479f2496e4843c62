/** RenormRows (GLA-FR global realignment) as a forward-only tfjs kernel backed by the addon. */
import type * as tf from '@tensorflow/tfjs';
import { renormRows } from '@fedloge/cuda-kernels';

import { float32View, kernelIo, type NativeKernelBackend } from './backend-io.js';
import { RENORM_ROWS, type RenormRowsAttrs, type RenormRowsInputs } from './kernel-names.js';

export function renormRowsConfig(backendName: NativeKernelBackend): tf.KernelConfig {
  return {
    kernelName: RENORM_ROWS,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { x } = inputs as RenormRowsInputs;
      const { scale, device } = attrs as unknown as RenormRowsAttrs;
      const io = kernelIo(backend, backendName);
      const out = io.allocate([...x.shape], 'float32');
      renormRows(float32View(io, x, RENORM_ROWS, 'x'), x.shape[1]!, scale, { out: float32View(io, out, RENORM_ROWS, 'out'), device });
      return out;
    },
  };
}
