/**
 * Calling one registered kernel from inside another, the way tfjs backends compose kernels
 * (e.g. the cpu `SpaceToBatchND` calls `PadV2`, `Reshape`, `Transpose`). Working on TensorInfos
 * and the backend directly keeps the composite invisible to the engine: no extra Tensor objects,
 * no tape entries, and each intermediate is freed with `disposeData` as soon as it is used.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Run kernel `name` of the backend that is executing the caller. The caller owns the result. */
export function callKernel(
  backend: tf.KernelBackend,
  backendName: string,
  name: string,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap = {},
): tf.TensorInfo {
  const kernel = tf.getKernel(name, backendName);
  if (!kernel) {
    throw new Error(`Kernel '${name}' is not registered for backend '${backendName}'; the conv shims need it`);
  }
  const out = kernel.kernelFunc({ inputs, backend, attrs });
  if (Array.isArray(out)) throw new Error(`Kernel '${name}' returned ${out.length} outputs; the conv shims expect one`);
  return out;
}

/** Free intermediate results produced by `callKernel`. */
export function disposeInfos(backend: tf.KernelBackend, ...infos: tf.TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/**
 * A small builder that runs kernels on one backend and remembers every intermediate, so a
 * composite kernel reads as a sequence of ops and frees all but its result in one call.
 */
export class KernelScope {
  private readonly intermediates: tf.TensorInfo[] = [];

  constructor(
    readonly backend: tf.KernelBackend,
    readonly backendName: string,
  ) {}

  /** Run a kernel; its output is freed by `finish` unless it is the returned result. */
  run(name: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap = {}): tf.TensorInfo {
    const out = callKernel(this.backend, this.backendName, name, inputs, attrs);
    this.intermediates.push(out);
    return out;
  }

  reshape(x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  slice(x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
    return this.run('Slice', { x }, { begin, size });
  }

  /** Free every intermediate except `result`, and return `result`. */
  finish(result: tf.TensorInfo): tf.TensorInfo {
    for (const info of this.intermediates) if (info !== result) this.backend.disposeData(info.dataId);
    this.intermediates.length = 0;
    return result;
  }

  /** Free every intermediate (error paths, or when the result came from elsewhere). */
  disposeAll(): void {
    for (const info of this.intermediates) this.backend.disposeData(info.dataId);
    this.intermediates.length = 0;
  }
}
