/**
 * Picking and preparing the tfjs backend a process (or worker thread) trains on.
 *
 * Preference for `auto`: the native TensorFlow bindings when a user has them installed
 * (`@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node`; they are optional and looked up at
 * run time, because they cannot be installed offline, see specs/stack.md §1.4), else wasm
 * (XNNPACK, SIMD; single-threaded in Node), else the pure-JS cpu backend.
 * wasm and cpu get the conv-gradient kernel shims (./kernels) before first use.
 */
import * as tf from '@tensorflow/tfjs';
import type { Logger } from '../logger.js';
import { registerKernelShims } from './kernels/register_all_kernels.js';

/** Which backend to use; `auto` picks the fastest one that loads. */
export type BackendChoice = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

export interface InitBackendOptions {
  /** @default 'auto' */
  readonly backend?: BackendChoice;
  readonly logger: Logger;
}

export interface BackendInfo {
  /** The tfjs backend name now active: `tensorflow`, `wasm` or `cpu`. */
  readonly name: 'tensorflow' | 'wasm' | 'cpu';
  /** Human-readable description for logs and summaries (package, device, SIMD, threads, shims). */
  readonly detail: string;
}

/** The optional native packages, fastest first. */
const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

const initialised = new Map<BackendChoice, Promise<BackendInfo>>();

/**
 * Select and initialise a backend, register the kernel shims it needs, and return what is active.
 * Idempotent: a second call with the same choice returns the first call's result.
 *
 * `auto` never throws for a missing native package; a native package that is installed but fails
 * to load gives one warning and the next candidate is tried. An explicitly requested backend that
 * cannot be initialised throws an Error saying why and what to do.
 */
export function initBackend(options: InitBackendOptions): Promise<BackendInfo> {
  const choice = options.backend ?? 'auto';
  if (!BACKEND_CHOICES.includes(choice)) {
    return Promise.reject(
      new Error(`Unknown backend '${String(choice)}'. Expected one of: ${BACKEND_CHOICES.join(', ')}`),
    );
  }
  let pending = initialised.get(choice);
  if (!pending) {
    pending = select(choice, options.logger);
    initialised.set(choice, pending);
    pending.catch(() => initialised.delete(choice));
  }
  return pending.then(async (info) => {
    // Another choice may have been activated since; switch back (cheap once initialised).
    if (tf.getBackend() !== info.name) await activate(info.name);
    return info;
  });
}

async function select(choice: BackendChoice, logger: Logger): Promise<BackendInfo> {
  switch (choice) {
    case 'tensorflow': {
      const failures: string[] = [];
      for (const pkg of NATIVE_PACKAGES) {
        const r = await tryNative(pkg);
        if (r.ok) return r.info;
        failures.push(`${pkg}: ${r.reason}`);
      }
      throw new Error(
        `Backend 'tensorflow' was requested but no native TensorFlow binding could be loaded:\n  ${failures.join('\n  ')}\n` +
          `Install @tensorflow/tfjs-node (or -gpu) 4.22.x with network access, or use --backend wasm.`,
      );
    }
    case 'wasm':
      return initWasm();
    case 'cpu':
      return initCpu();
    case 'auto': {
      for (const pkg of NATIVE_PACKAGES) {
        const r = await tryNative(pkg);
        if (r.ok) return r.info;
        if (r.installed) logger.warn(`${pkg} is installed but could not be used (${r.reason}); falling back.`);
      }
      try {
        return await initWasm();
      } catch (e) {
        logger.warn(`The wasm backend could not be initialised (${errorMessage(e)}); falling back to the slow cpu backend.`);
        return initCpu();
      }
    }
  }
}

type NativeResult =
  | { readonly ok: true; readonly info: BackendInfo }
  | { readonly ok: false; readonly installed: boolean; readonly reason: string };

async function tryNative(pkg: string): Promise<NativeResult> {
  let mod: unknown;
  try {
    // A variable specifier keeps TypeScript and bundlers from requiring the optional package.
    const specifier: string = pkg;
    mod = await import(specifier);
  } catch (e) {
    const notInstalled = isModuleNotFound(e, pkg);
    return { ok: false, installed: !notInstalled, reason: notInstalled ? 'not installed' : errorMessage(e) };
  }
  if (!tf.findBackendFactory('tensorflow')) {
    // The package registered its backend with a different copy of @tensorflow/tfjs-core.
    const version = (mod as { version?: Record<string, string> }).version;
    return {
      ok: false,
      installed: true,
      reason:
        `it registered its backend with another copy of @tensorflow/tfjs-core (its versions: ${JSON.stringify(version ?? {})}, ` +
        `ours: ${tf.version_core}); install the version matching @tensorflow/tfjs ${tf.version_core}`,
    };
  }
  if (!(await tf.setBackend('tensorflow'))) {
    return { ok: false, installed: true, reason: 'tf.setBackend("tensorflow") failed' };
  }
  await tf.ready();
  const gpu = (tf.backend() as { isUsingGpuDevice?: boolean }).isUsingGpuDevice === true;
  return { ok: true, info: { name: 'tensorflow', detail: `${pkg} (libtensorflow, ${gpu ? 'GPU' : 'CPU'})` } };
}

async function initWasm(): Promise<BackendInfo> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
  } catch (e) {
    throw new Error(`Backend 'wasm' could not be loaded: ${errorMessage(e)}. Is @tensorflow/tfjs-backend-wasm installed?`);
  }
  const shims = registerKernelShims('wasm');
  await activate('wasm');
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  return { name: 'wasm', detail: `tfjs-backend-wasm ${tf.version_core} (XNNPACK, ${simd ? 'SIMD' : 'no SIMD'}, 1 thread; shims: ${shims.join(', ')})` };
}

async function initCpu(): Promise<BackendInfo> {
  const shims = registerKernelShims('cpu');
  await activate('cpu');
  silenceCpuBanner();
  return { name: 'cpu', detail: `tfjs-backend-cpu ${tf.version_core} (pure JS, slow; shims: ${shims.join(', ')})` };
}

async function activate(name: string): Promise<void> {
  if (!(await tf.setBackend(name))) {
    throw new Error(`tf.setBackend('${name}') failed; see the tfjs warning above for the cause`);
  }
  await tf.ready();
}

/**
 * The cpu backend prints a "Hi, looks like you are running TensorFlow.js in Node.js" banner on its
 * first write. The only switches tfjs offers are global (PROD mode mutes every tfjs warning,
 * IS_NODE changes behaviour), so clear the backend's own one-shot flag instead, if it has one.
 */
function silenceCpuBanner(): void {
  const cpu = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (cpu && typeof cpu.firstUse === 'boolean') cpu.firstUse = false;
}

function isModuleNotFound(e: unknown, pkg: string): boolean {
  const code = (e as { code?: string }).code;
  return (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && errorMessage(e).includes(`'${pkg}'`);
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
