/**
 * selectKernels: the one entry point the FedLoGe strategy uses to get its head operations.
 *   'tfjs'   stock tfjs ops (dense matmul); always available, on every backend.
 *   'native' the @fedloge/cuda-kernels C++ kernels; falls back to 'tfjs' if the addon is missing, with one warning
 *            to the given logger.
 *   'cuda'   the addon's CUDA kernels; throws an Error naming the reason when no usable device exists.
 */
import { consoleLogger, type Logger } from '@fedloge/core';
import { cudaInfo, nativeStatus } from '@fedloge/cuda-kernels';

import type { EtfKernels, KernelChoice } from './etf-kernels.js';
import { nativeEtfKernels } from './native-etf-kernels.js';
import { tfjsEtfKernels } from './tfjs-etf-kernels.js';

export const KERNEL_CHOICES: readonly KernelChoice[] = ['tfjs', 'native', 'cuda'];

/** Loggers already told that the addon is missing: one warning per run, not one per strategy built. */
const warnedMissingAddon = new WeakSet<Logger>();

/** The head operations for `choice`; warnings (fallbacks) go to `logger`. */
export function selectKernels(choice: KernelChoice, logger: Logger = consoleLogger): EtfKernels {
  switch (choice) {
    case 'tfjs':
      return tfjsEtfKernels;
    case 'native': {
      const status = nativeStatus();
      if (status.loaded) return nativeEtfKernels('cpu', logger);
      if (!warnedMissingAddon.has(logger)) {
        warnedMissingAddon.add(logger);
        logger.warn(`[native-ops] native kernels unavailable, falling back to tfjs ops (same results, slower): ${status.reason}`);
      }
      return tfjsEtfKernels;
    }
    case 'cuda': {
      const info = cudaInfo();
      if (!info.available) {
        throw new Error(`selectKernels('cuda'): CUDA kernels unavailable: ${info.error}. Use 'native' (C++ on the CPU) or 'tfjs' instead.`);
      }
      return nativeEtfKernels('cuda', logger);
    }
    default:
      throw new TypeError(`selectKernels: unknown choice '${String(choice)}'; expected one of ${KERNEL_CHOICES.join(', ')}`);
  }
}
