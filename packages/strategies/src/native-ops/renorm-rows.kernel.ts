/** RenormRows (GLA-FR global realignment) as a forward-only tfjs kernel backed by the addon. */
import { renormRows } from '@fedloge/cuda-kernels';

import { RENORM_ROWS, type RenormRowsAttrs, type RenormRowsInputs } from './kernel-names.js';
import { nativeKernelConfig } from './native-kernel-config.js';

export const renormRowsConfig = nativeKernelConfig<RenormRowsInputs, RenormRowsAttrs>(
  RENORM_ROWS,
  ({ inputs: { x }, attrs: { scale, device }, io, float32 }) => {
    const out = io.allocate([...x.shape], 'float32');
    renormRows(float32(x, 'x'), x.shape[1]!, scale, { out: float32(out, 'out'), device });
    return out;
  },
);
