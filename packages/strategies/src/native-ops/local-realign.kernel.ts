/** LocalRealign (GLA-FR local realignment for K clients at once) as a forward-only tfjs kernel backed by the addon. */
import { matchRowNorms } from '@fedloge/cuda-kernels';

import { LOCAL_REALIGN, MASKED_CLASS_VALUE, type LocalRealignAttrs, type LocalRealignInputs } from './kernel-names.js';
import { nativeKernelConfig } from './native-kernel-config.js';

export const localRealignConfig = nativeKernelConfig<LocalRealignInputs, LocalRealignAttrs>(
  LOCAL_REALIGN,
  ({ inputs: { global, locals, masked }, attrs: { device }, io, float32 }) => {
    if (masked && masked.dtype !== 'bool') throw new TypeError(`${LOCAL_REALIGN}: masked must be bool but is ${masked.dtype}`);
    const out = io.allocate([...locals.shape], 'float32');
    matchRowNorms(float32(global, 'global'), float32(locals, 'locals'), global.shape[1]!, {
      masked: masked ? (io.view(masked) as Uint8Array) : null,
      maskedValue: MASKED_CLASS_VALUE,
      out: float32(out, 'out'),
      device,
    });
    return out;
  },
);
