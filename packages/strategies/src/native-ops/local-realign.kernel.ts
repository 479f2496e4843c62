/** LocalRealign (GLA-FR local realignment for K clients at once) as a forward-only tfjs kernel backed by the addon. */
import type * as tf from '@tensorflow/tfjs';
import { localRealign } from '@fedloge/cuda-kernels';

import { float32View, kernelIo, type NativeKernelBackend } from './backend-io.js';
import { LOCAL_REALIGN, type LocalRealignAttrs, type LocalRealignInputs } from './kernel-names.js';

export function localRealignConfig(backendName: NativeKernelBackend): tf.KernelConfig {
  return {
    kernelName: LOCAL_REALIGN,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { global, locals, masked } = inputs as LocalRealignInputs;
      const { device } = attrs as unknown as LocalRealignAttrs;
      if (masked && masked.dtype !== 'bool') throw new TypeError(`${LOCAL_REALIGN}: masked must be bool but is ${masked.dtype}`);
      const io = kernelIo(backend, backendName);
      const out = io.allocate([...locals.shape], 'float32');
      localRealign(float32View(io, global, LOCAL_REALIGN, 'global'), float32View(io, locals, LOCAL_REALIGN, 'locals'), global.shape[1]!, {
        masked: masked ? (io.view(masked) as Uint8Array) : null,
        out: float32View(io, out, LOCAL_REALIGN, 'out'),
        device,
      });
      return out;
    },
  };
}
