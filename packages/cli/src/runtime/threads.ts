/**
 * How many CPU threads the tensor backend of each training thread gets (native: oneDNN's and our OpenMP loops).
 * Precedence: `--threads` > `threads:` in the config (the two are one config value; the flag layer wins) >
 * `OMP_NUM_THREADS` > the default: every core when clients train on the main thread, 1 on each worker thread, so
 * the OpenMP threads and the worker threads never compete for cores. Two runs at once (2 × all cores) stay fast
 * because the addon makes OpenMP's idle threads sleep instead of spin (packages/cuda-kernels/src/openmp-env.ts).
 */
import { availableParallelism } from 'node:os';

import { UsageError } from '../config/errors.js';

/** Where the thread count came from, as the start line and summary.json name it. */
export type ThreadsSource = 'threads setting' | 'OMP_NUM_THREADS' | 'default' | 'single-threaded backend';

export interface ThreadChoice {
  /** Backend threads of each thread that trains (the main thread, or each worker thread). */
  readonly threads: number;
  readonly source: ThreadsSource;
}

export interface ThreadInputs {
  /** The config's `threads` (`--threads` or `threads:`). */
  readonly configured: number | 'auto';
  /** Worker threads that train clients (0: the main thread trains). */
  readonly workers: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly cores?: number;
}

export function resolveThreads({ configured, workers, env = process.env, cores = availableParallelism() }: ThreadInputs): ThreadChoice {
  if (configured !== 'auto') return { threads: configured, source: 'threads setting' };
  const fromEnv = ompNumThreads(env);
  if (fromEnv !== undefined) return { threads: fromEnv, source: 'OMP_NUM_THREADS' };
  return { threads: workers > 0 ? 1 : Math.max(1, cores), source: 'default' };
}

/**
 * The first level of `OMP_NUM_THREADS` (OpenMP allows a list such as `4,2` for nested regions; we have none), or
 * undefined when unset or empty. Anything else is an error rather than OpenMP's silent fallback to all cores.
 */
export function ompNumThreads(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const raw = env['OMP_NUM_THREADS']?.trim();
  if (raw === undefined || raw === '') return undefined;
  const first = raw.split(',')[0]?.trim() ?? '';
  const n = Number(first);
  if (!/^\d+$/.test(first) || n < 1) {
    throw new UsageError(
      `OMP_NUM_THREADS='${raw}' is not a positive whole number (or a list such as 4,2): set it to e.g. 1, unset it, or pass --threads <n>.`,
    );
  }
  return n;
}

/** Backends that run one thread whatever they are asked (tfjs-wasm has no threads in Node, tfjs-cpu none at all). */
const SINGLE_THREADED = new Set(['wasm', 'cpu']);

/** The choice as the backend `name` applies it: 1 on the single-threaded backends. */
export function threadsInUse(choice: ThreadChoice, backend: string): ThreadChoice {
  return SINGLE_THREADED.has(backend) ? { threads: 1, source: 'single-threaded backend' } : choice;
}

/** `threads: 2 per training thread (default: all cores, clients on the main thread)`, for the start line. */
export function describeThreads(choice: ThreadChoice, workers: number): string {
  const why =
    choice.source === 'default'
      ? workers > 0
        ? 'default: one per worker thread'
        : 'default: all cores, clients on the main thread'
      : choice.source === 'OMP_NUM_THREADS'
        ? 'from OMP_NUM_THREADS'
        : choice.source === 'single-threaded backend'
          ? 'the backend runs one'
          : 'from --threads / threads:';
  // The same seed gives the same numbers wherever clients train only at the same thread count (the native kernels'
  // float sums follow it), and the default differs between the two ways of training: say so where it applies.
  const note =
    choice.source !== 'default'
      ? ''
      : workers > 0
        ? '; a --workers 0 run gives the same numbers with --threads 1'
        : choice.threads > 1
          ? `; a run on worker threads gives the same numbers with --threads ${choice.threads}`
          : '';
  return `threads: ${choice.threads} per training thread (${why}${note})`;
}
