/**
 * Picking and preparing the tfjs backend a process (or worker thread) trains on.
 *
 * Preference for `auto`: cuda (our addon's GPU backend, when built with CUDA, a device is usable
 * and its start-up self-test against the cpu backend passes) → tensorflow (`@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node`; optional, looked
 * up at run time, since they cannot be installed offline) → native (our addon's oneDNN CPU backend)
 * → wasm (XNNPACK, SIMD; single-threaded in Node) → the pure-JS cpu backend. `auto` says in one
 * line what it chose and why each better one was skipped.
 *
 * cuda and native live in `@fedloge/cuda-kernels`, which knows nothing of this framework: the
 * application (the CLI) hands them in as {@link BackendProvider}s, so core depends on no addon.
 * wasm and cpu get the conv-gradient kernel shims (./kernels) before first use.
 */
import * as tf from '@tensorflow/tfjs-core';
import './tfjs-runtime.js';
import type { Logger } from '../logger.js';
import { registerKernelShims } from './kernels/register-all-kernels.js';

/** Which backend to use; `auto` picks the fastest one that loads. */
export type BackendChoice = 'auto' | 'cuda' | 'tensorflow' | 'native' | 'wasm' | 'cpu';

export const BACKEND_CHOICES: readonly BackendChoice[] = ['auto', 'cuda', 'tensorflow', 'native', 'wasm', 'cpu'];

/** A backend name that can be active (every choice but `auto`). */
export type BackendName = Exclude<BackendChoice, 'auto'>;

/** A backend supplied by a package outside core (the addon's `native` and `cuda`). */
export interface BackendProvider {
  readonly name: 'native' | 'cuda';
  /** Why it cannot start on this machine (and how to fix that), or null when it can. No side effects. */
  unavailableReason(): string | null;
  /** Registers the tfjs backend and its kernels and sets its thread count; returns a detail line. */
  init(options: { readonly threads: number }): Promise<string>;
  /**
   * Runs once after `init`, with the backend active: compares a few of its kernels with the cpu backend (milliseconds).
   * Resolves null when they agree, else why not. A failure makes `auto` fall back and an explicit request throw, so
   * a backend that computes wrong numbers never trains. Optional: providers without one are trusted.
   */
  selfTest?(): Promise<string | null>;
}

const providers = new Map<string, BackendProvider>();

/** Makes `native` / `cuda` selectable. Call before {@link initBackend}; a later registration replaces the earlier one. */
export function registerBackendProvider(provider: BackendProvider): void {
  providers.set(provider.name, provider);
}

export interface InitBackendOptions {
  /** @default 'auto' */
  readonly backend?: BackendChoice;
  readonly logger: Logger;
  /**
   * CPU threads the backend may use (native: oneDNN/OpenMP). 1 in worker threads, which run one
   * client each; the cores when clients train on the main thread. @default 1
   */
  readonly threads?: number;
}

export interface BackendInfo {
  /** The tfjs backend name now active. */
  readonly name: BackendName;
  /** Human-readable description for logs and summaries (package, device, SIMD, threads, shims). */
  readonly detail: string;
  /** For `auto`: each better backend that was skipped, and why. */
  readonly skipped?: readonly { readonly name: BackendName; readonly reason: string }[];
}

/** The optional native packages, fastest first. */
const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

const initialised = new Map<string, Promise<BackendInfo>>();

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
    return Promise.reject(new Error(`Unknown backend '${String(choice)}'. Expected one of: ${BACKEND_CHOICES.join(', ')}`));
  }
  const threads = Math.max(1, Math.floor(options.threads ?? 1));
  const key = `${choice}/${threads}`;
  let pending = initialised.get(key);
  if (!pending) {
    pending = select(choice, options.logger, threads);
    initialised.set(key, pending);
    pending.catch(() => initialised.delete(key));
  }
  return pending.then(async (info) => {
    // Another choice may have been activated since; switch back (cheap once initialised).
    if (tf.getBackend() !== info.name) await activate(info.name);
    return info;
  });
}

/** Starts the provider's backend, or throws saying why it is unavailable. */
async function initProvided(name: 'native' | 'cuda', threads: number): Promise<BackendInfo> {
  const reason = providerUnavailable(name);
  if (reason !== null) throw new Error(`Backend '${name}' was requested but is unavailable: ${reason}`);
  const provider = providers.get(name)!;
  const detail = await provider.init({ threads });
  await activate(name);
  const failure = provider.selfTest ? await provider.selfTest() : null;
  if (failure !== null) throw new SelfTestFailure(name, failure);
  return { name, detail };
}

/** A provider's backend started but computed wrong numbers (or could not launch) in its start-up self-test. */
class SelfTestFailure extends Error {
  constructor(
    readonly backend: 'native' | 'cuda',
    readonly reason: string,
  ) {
    super(`Backend '${backend}' failed its start-up self-test against the cpu backend: ${reason}`);
  }
}

function providerUnavailable(name: 'native' | 'cuda'): string | null {
  const provider = providers.get(name);
  if (!provider) return `this program did not register the ${name} backend (@fedloge/cuda-kernels' ${name}BackendProvider)`;
  return provider.unavailableReason();
}

async function select(choice: BackendChoice, logger: Logger, threads: number): Promise<BackendInfo> {
  switch (choice) {
    case 'native':
    case 'cuda':
      return initProvided(choice, threads);
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
      const skipped: { name: BackendName; reason: string }[] = [];
      const chosen = (info: BackendInfo): BackendInfo => ({ ...info, skipped });
      const tryProvided = async (name: 'native' | 'cuda'): Promise<BackendInfo | null> => {
        const reason = providerUnavailable(name);
        if (reason !== null) {
          skipped.push({ name, reason });
          return null;
        }
        try {
          return await initProvided(name, threads);
        } catch (e) {
          if (e instanceof SelfTestFailure) {
            // The one line that says why a backend that is present was not chosen.
            logger.warn(`The ${name} backend failed its start-up self-test (${e.reason}); falling back.`);
            skipped.push({ name, reason: `start-up self-test failed: ${e.reason}` });
          } else {
            skipped.push({ name, reason: errorMessage(e) });
          }
          return null;
        }
      };
      const cuda = await tryProvided('cuda');
      if (cuda) return chosen(cuda);
      const tfReasons: string[] = [];
      for (const pkg of NATIVE_PACKAGES) {
        const r = await tryNative(pkg);
        if (r.ok) return chosen(r.info);
        tfReasons.push(`${pkg} ${r.reason}`);
        if (r.installed) logger.warn(`${pkg} is installed but could not be used (${r.reason}); falling back.`);
      }
      skipped.push({ name: 'tensorflow', reason: tfReasons.join(', ') });
      const native = await tryProvided('native');
      if (native) return chosen(native);
      const nativeSkip = skipped.find((s) => s.name === 'native');
      if (nativeSkip && providers.has('native') && !nativeSkip.reason.startsWith('start-up self-test failed'))
        logger.warn(`The native backend is unavailable (${nativeSkip.reason}); falling back to wasm.`);
      try {
        return chosen(await initWasm());
      } catch (e) {
        logger.warn(`The wasm backend could not be initialised (${errorMessage(e)}); falling back to the slow cpu backend.`);
        skipped.push({ name: 'wasm', reason: errorMessage(e) });
        return chosen(await initCpu());
      }
    }
  }
}

type NativeResult =
  { readonly ok: true; readonly info: BackendInfo } | { readonly ok: false; readonly installed: boolean; readonly reason: string };

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
    throw new Error(`Backend 'wasm' could not be loaded: ${errorMessage(e)}. Is @tensorflow/tfjs-backend-wasm installed?`, { cause: e });
  }
  const shims = registerKernelShims('wasm');
  await activate('wasm');
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  return {
    name: 'wasm',
    detail: `tfjs-backend-wasm ${tf.version_core} (XNNPACK, ${simd ? 'SIMD' : 'no SIMD'}, 1 thread; shims: ${shims.join(', ')})`,
  };
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
