/**
 * selectKernels: the one entry point the FedLoGe strategy uses to get its head operations.
 *   'tfjs'   stock tfjs ops (dense matmul); always available, on every backend.
 *   'native' the @fedloge/cuda-kernels C++ kernels; falls back to 'tfjs' with one warning if the addon is missing.
 *   'cuda'   the addon's CUDA kernels; throws an Error naming the reason when no usable device exists.
 */
import { cudaInfo, nativeStatus } from '@fedloge/cuda-kernels';

import type { EtfKernels, KernelChoice } from './etf-kernels.js';
import { nativeEtfKernels } from './native-etf-kernels.js';
import { tfjsEtfKernels } from './tfjs-etf-kernels.js';

export const KERNEL_CHOICES: readonly KernelChoice[] = ['tfjs', 'native', 'cuda'];

let warnedMissingAddon = false;

export function selectKernels(choice: KernelChoice): EtfKernels {
  switch (choice) {
    case 'tfjs':
      return tfjsEtfKernels;
    case 'native': {
      const status = nativeStatus();
      if (status.loaded) return nativeEtfKernels('cpu');
      if (!warnedMissingAddon) {
        warnedMissingAddon = true;
        console.warn(`[native-ops] native kernels unavailable, falling back to tfjs ops: ${status.reason}`);
      }
      return tfjsEtfKernels;
    }
    case 'cuda': {
      const info = cudaInfo();
      if (!info.available) {
        throw new Error(
          `selectKernels('cuda'): CUDA kernels unavailable: ${info.error}. Use 'native' (C++ on the CPU) or 'tfjs' instead.`,
        );
      }
      return nativeEtfKernels('cuda');
    }
    default:
      throw new TypeError(`selectKernels: unknown choice '${String(choice)}'; expected one of ${KERNEL_CHOICES.join(', ')}`);
  }
}
