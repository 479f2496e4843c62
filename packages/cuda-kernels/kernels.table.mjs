/**
 * The addon's kernel table: one row per function fedkern.node exports. `node scripts/generate-kernels.mjs` (run by
 * scripts/build.mjs, checked by src/kernel-table.test.ts and `--check` in CI) writes from it every list that used to be
 * kept in step by hand:
 *
 *   src/addon.cc                       the N-API registrations
 *   src/binding/bindings.h             the binding declarations
 *   src/addon-functions.ts             the TypeScript types of the addon object (NativeAddon, CudaBackendAddon)
 *   src/backend/kernels/index.ts       the tfjs kernels of the `native` backend (NATIVE_KERNELS)
 *   src/backend/cuda/kernels/index.ts  the tfjs kernels of the `cuda` backend (CUDA_KERNELS)
 *   src/cuda_unity.cu          the single CUDA translation unit
 *   kernels.cmake                      the C++ / CUDA source lists CMakeLists.txt builds
 *
 * Those files are never edited by hand. Adding a kernel is its files plus its row (CONTRIBUTING.md, "A new native
 * kernel").
 *
 * A row:
 *   name         the JavaScript name on the addon object; the C++ binding is the same name in PascalCase
 *                (`batchMatMul` → `fedkern::binding::BatchMatMul`)
 *   doc          one line for the TypeScript type (optional)
 *   signature    the TypeScript parameter list and return type
 *   required     the loader refuses an addon without it (otherwise optional: older builds may lack it)
 *   cudaBackend  a function of the `cuda` tfjs backend (typed on CudaBackendAddon)
 *   binding      the src/binding/*.cc file that defines the binding
 *   cpu          the pure C++ sources of the kernel (no Node types)
 *   cuda         its CUDA sources (included by the one CUDA translation unit)
 *   native       the tfjs kernels of the `native` backend that call it: src/backend/kernels/<Kernel>.ts exporting
 *                `<kernel>Config` (the tfjs kernel name in PascalCase, as in tfjs)
 */

/** @typedef {{ name: string; doc?: string; signature: string; required?: true; cudaBackend?: true; binding: string; cpu?: string[]; cuda?: string[]; native?: string[] }} KernelRow */

/** @type {readonly KernelRow[]} */
export const KERNELS = [
  {
    name: 'cudaInfo',
    signature: '(): CudaInfo;',
    required: true,
    binding: 'src/binding/cuda_info.cc',
    cuda: ['src/matrix/cuda_info.cu'],
  },
  {
    name: 'csrProjectForward',
    signature: '(f: Float32Array, batch: number, s: CsrMatrix, bias: Float32Array | null, out: Float32Array, device: Device): void;',
    required: true,
    binding: 'src/binding/csr_project.cc',
    cpu: ['src/matrix/csr_project.cc'],
    cuda: ['src/matrix/csr_project.cu'],
  },
  {
    name: 'csrProjectBackward',
    signature: '(gradLogits: Float32Array, batch: number, s: CsrMatrix, out: Float32Array, device: Device): void;',
    required: true,
    binding: 'src/binding/csr_project.cc',
    cpu: ['src/matrix/csr_project.cc'],
    cuda: ['src/matrix/csr_project.cu'],
  },
  {
    name: 'csrCrossEntropy',
    signature:
      '(f: Float32Array, batch: number, s: CsrMatrix, bias: Float32Array | null, labels: Int32Array, gradF: Float32Array, device: Device): number;',
    required: true,
    binding: 'src/binding/csr_cross_entropy.cc',
    cpu: ['src/matrix/csr_cross_entropy.cc'],
    cuda: ['src/matrix/csr_cross_entropy.cu'],
  },
  {
    name: 'renormRows',
    signature: '(w: Float32Array, rows: number, cols: number, scale: number, out: Float32Array, device: Device): void;',
    required: true,
    binding: 'src/binding/renorm_rows.cc',
    cpu: ['src/matrix/renorm_rows.cc'],
    cuda: ['src/matrix/renorm_rows.cu'],
  },
  {
    name: 'matchRowNorms',
    signature:
      '(g: Float32Array, classes: number, dim: number, locals: Float32Array, clients: number, masked: Uint8Array | null, maskedValue: number, out: Float32Array, device: Device): void;',
    required: true,
    binding: 'src/binding/match_row_norms.cc',
    cpu: ['src/matrix/match_row_norms.cc'],
    cuda: ['src/matrix/match_row_norms.cu'],
  },
  {
    name: 'allocHostBuffer',
    doc: 'ArrayBuffer over 64-byte aligned, uninitialised native memory, freed when the buffer is garbage-collected.',
    signature: '(bytes: number): ArrayBuffer;',
    binding: 'src/binding/runtime.cc',
    cpu: ['src/native/runtime.cc'],
  },
  {
    name: 'hostMemoryStats',
    signature: '(): HostMemoryStats;',
    binding: 'src/binding/runtime.cc',
    cpu: ['src/native/runtime.cc'],
  },
  {
    name: 'setNumThreads',
    doc: 'Threads for oneDNN / OpenMP on the calling JS thread; returns the count now in force.',
    signature: '(threads: number): number;',
    binding: 'src/binding/runtime.cc',
    cpu: ['src/native/runtime.cc'],
  },
  {
    name: 'libraryInfo',
    signature: '(): LibraryInfo;',
    binding: 'src/binding/runtime.cc',
    cpu: ['src/native/runtime.cc'],
  },
  {
    name: 'conv2dForward',
    doc: 'y (NHWC) = conv(x NHWC, w HWIO); geometry: the 17 ints from conv2dGeometry() in src/backend/kernels/conv2d-geometry.ts.',
    signature: '(x: Float32Array, w: Float32Array, geometry: Int32Array, y: Float32Array): void;',
    binding: 'src/binding/dnnl_conv.cc',
    cpu: ['src/native/dnnl_conv.cc'],
    native: ['Conv2D'],
  },
  {
    name: 'conv2dBackwardInput',
    doc: 'dx (NHWC) of a convolution, from dy (NHWC) and w (HWIO).',
    signature: '(dy: Float32Array, w: Float32Array, geometry: Int32Array, dx: Float32Array): void;',
    binding: 'src/binding/dnnl_conv.cc',
    cpu: ['src/native/dnnl_conv.cc'],
    native: ['Conv2DBackpropInput'],
  },
  {
    name: 'conv2dBackwardFilter',
    doc: 'dw (HWIO) of a convolution, from x (NHWC) and dy (NHWC).',
    signature: '(x: Float32Array, dy: Float32Array, geometry: Int32Array, dw: Float32Array): void;',
    binding: 'src/binding/dnnl_conv.cc',
    cpu: ['src/native/dnnl_conv.cc'],
    native: ['Conv2DBackpropFilter'],
  },
  {
    name: 'setConvLayout',
    doc: "Layout of the convolutions called from this thread (benchmarks): NHWC activations with oneDNN's weight layout (default), oneDNN's blocked layouts for everything (reorders around each call), or plain NHWC/HWIO.",
    signature: "(layout: 'nhwc' | 'blocked' | 'plain'): void;",
    binding: 'src/binding/dnnl_conv.cc',
    cpu: ['src/native/dnnl_conv.cc'],
  },
  {
    name: 'batchNormTrainForward',
    doc: 'Training-mode batch norm over the [m, c] view of x: writes y [m·c], mean [c], biased variance [c].',
    signature:
      '(x: Float32Array, m: number, c: number, gamma: Float32Array, beta: Float32Array, eps: number, y: Float32Array, mean: Float32Array, variance: Float32Array): void;',
    binding: 'src/binding/batch_norm.cc',
    cpu: ['src/native/batch_norm.cc'],
    native: ['FedBatchNormTrain'],
  },
  {
    name: 'batchNormTrainBackward',
    doc: 'Its gradient: writes dx [m·c], dGamma [c], dBeta [c].',
    signature:
      '(dy: Float32Array, x: Float32Array, m: number, c: number, gamma: Float32Array, mean: Float32Array, variance: Float32Array, eps: number, dx: Float32Array, dGamma: Float32Array, dBeta: Float32Array): void;',
    binding: 'src/binding/batch_norm.cc',
    cpu: ['src/native/batch_norm.cc'],
    native: ['FedBatchNormTrainGrad'],
  },
  {
    name: 'sgdMomentumUpdate',
    doc: 'One SGD-momentum step for many tensors (PyTorch semantics): vs null on the first step; vs and vOuts null when momentum is 0. Writes wOuts[i] (and vOuts[i]); inputs are not modified.',
    signature:
      '(ws: readonly Float32Array[], gs: readonly Float32Array[], vs: readonly Float32Array[] | null, lr: number, momentum: number, weightDecay: number, wOuts: readonly Float32Array[], vOuts: readonly Float32Array[] | null): void;',
    binding: 'src/binding/sgd.cc',
    cpu: ['src/native/sgd.cc'],
    native: ['FedSgdMomentumUpdate'],
  },
  {
    name: 'batchMatMul',
    doc: 'c[max(batchA, batchB), m, n] = op(a) · op(b): a is [batchA, m, k] ([batchA, k, m] when transposeA), b is [batchB, k, n] ([batchB, n, k] when transposeB); batches equal or one of them 1 (broadcast).',
    signature:
      '(a: Float32Array, b: Float32Array, batchA: number, batchB: number, m: number, k: number, n: number, transposeA: boolean, transposeB: boolean, c: Float32Array): void;',
    binding: 'src/binding/dnnl_matmul.cc',
    cpu: ['src/native/dnnl_matmul.cc'],
    native: ['BatchMatMul'],
  },
  {
    name: 'maxPool2d',
    doc: "y = max pooling of x (NHWC) with tfjs-cpu's semantics; geometry: the 12 ints from pool2dGeometry().",
    signature: '(x: Float32Array, geometry: Int32Array, y: Float32Array): void;',
    binding: 'src/binding/max_pool.cc',
    cpu: ['src/native/max_pool.cc'],
    native: ['MaxPool'],
  },
  {
    name: 'maxPool2dBackward',
    doc: 'dx of max pooling: each dy element to the first maximum of its window in x, zero elsewhere.',
    signature: '(x: Float32Array, dy: Float32Array, geometry: Int32Array, dx: Float32Array): void;',
    binding: 'src/binding/max_pool.cc',
    cpu: ['src/native/max_pool.cc'],
    native: ['MaxPoolGrad'],
  },
  {
    name: 'unaryF32',
    doc: "out[i] = op(x[i]); alpha is Step's value for x ≤ 0.",
    signature: '(op: UnaryOpName, x: Float32Array, alpha: number, out: Float32Array): void;',
    binding: 'src/binding/elementwise.cc',
    cpu: ['src/native/elementwise.cc'],
    native: ['Relu', 'Step', 'Square', 'Sqrt', 'Rsqrt', 'Exp', 'Log', 'Neg', 'Abs', 'Reciprocal', 'Sigmoid', 'Tanh'],
  },
  {
    name: 'binaryF32',
    doc: 'NumPy-broadcast a op b into out (outShape = broadcast of aShape and bShape).',
    signature:
      '(op: BinaryOpName, a: Float32Array, aShape: readonly number[], b: Float32Array, bShape: readonly number[], out: Float32Array, outShape: readonly number[]): void;',
    binding: 'src/binding/elementwise.cc',
    cpu: ['src/native/elementwise.cc'],
    native: ['Add', 'Sub', 'Multiply', 'RealDiv', 'Maximum', 'Minimum', 'Pow', 'SquaredDifference'],
  },
  {
    name: 'compareF32',
    doc: 'NumPy-broadcast comparison into 0/1 bytes.',
    signature:
      '(op: CompareOpName, a: Float32Array, aShape: readonly number[], b: Float32Array, bShape: readonly number[], out: Uint8Array, outShape: readonly number[]): void;',
    binding: 'src/binding/elementwise.cc',
    cpu: ['src/native/elementwise.cc'],
    native: ['Equal', 'NotEqual', 'Greater', 'GreaterEqual', 'Less', 'LessEqual'],
  },
  {
    name: 'selectF32',
    doc: 'out = cond ? t : e, all of one length.',
    signature: '(cond: Uint8Array, t: Float32Array, e: Float32Array, out: Float32Array): void;',
    binding: 'src/binding/elementwise.cc',
    cpu: ['src/native/elementwise.cc'],
    native: ['Select'],
  },
  {
    name: 'castTensor',
    doc: 'Converts between float32 / int32 / bool arrays of one length with JavaScript semantics.',
    signature: '(x: Float32Array | Int32Array | Uint8Array, out: Float32Array | Int32Array | Uint8Array): void;',
    binding: 'src/binding/elementwise.cc',
    cpu: ['src/native/elementwise.cc'],
    native: ['Cast'],
  },
  {
    name: 'reduceF32',
    doc: 'out = op over the (distinct, non-negative) axes of x, in the order of the kept dimensions.',
    signature: '(op: ReduceOpName, x: Float32Array, shape: readonly number[], axes: readonly number[], out: Float32Array): void;',
    binding: 'src/binding/reduce.cc',
    cpu: ['src/native/reduce.cc'],
    native: ['Sum', 'Mean', 'Max', 'Min'],
  },
  {
    name: 'argReduceF32',
    doc: 'Index of the extreme over the middle axis of x [outer, axisSize, inner].',
    signature: "(op: 'max' | 'min', x: Float32Array, outer: number, axisSize: number, inner: number, out: Int32Array): void;",
    binding: 'src/binding/reduce.cc',
    cpu: ['src/native/reduce.cc'],
    native: ['ArgMax', 'ArgMin'],
  },
  {
    name: 'softmaxF32',
    doc: 'Softmax of each row of x [rows, cols].',
    signature: '(x: Float32Array, rows: number, cols: number, out: Float32Array): void;',
    binding: 'src/binding/reduce.cc',
    cpu: ['src/native/reduce.cc'],
    native: ['Softmax'],
  },
  {
    name: 'cudaDeviceStatus',
    signature: '(): CudaDeviceStatus;',
    cudaBackend: true,
    binding: 'src/binding/cuda_backend.cc',
    cuda: ['src/cuda/device.cu'],
  },
  {
    name: 'cudaAlloc',
    signature: '(bytes: number): Handle;',
    cudaBackend: true,
    binding: 'src/binding/cuda_backend.cc',
    cuda: ['src/cuda/device.cu'],
  },
  {
    name: 'cudaFree',
    signature: '(handle: Handle): void;',
    cudaBackend: true,
    binding: 'src/binding/cuda_backend.cc',
    cuda: ['src/cuda/device.cu'],
  },
  {
    name: 'cudaUpload',
    signature: '(handle: Handle, values: ArrayBufferView): void;',
    cudaBackend: true,
    binding: 'src/binding/cuda_backend.cc',
    cuda: ['src/cuda/device.cu'],
  },
  {
    name: 'cudaDownload',
    signature: '(handle: Handle, out: ArrayBufferView): void;',
    cudaBackend: true,
    binding: 'src/binding/cuda_backend.cc',
    cuda: ['src/cuda/device.cu'],
  },
  {
    name: 'cudaMemoryStats',
    signature: '(): CudaMemoryStats;',
    cudaBackend: true,
    binding: 'src/binding/cuda_backend.cc',
    cuda: ['src/cuda/device.cu'],
  },
  {
    name: 'cudaTrim',
    signature: '(): void;',
    cudaBackend: true,
    binding: 'src/binding/cuda_backend.cc',
    cuda: ['src/cuda/device.cu'],
  },
  {
    name: 'cudaSynchronize',
    signature: '(): void;',
    cudaBackend: true,
    binding: 'src/binding/cuda_backend.cc',
    cuda: ['src/cuda/device.cu'],
  },
  {
    name: 'cudaSetTf32',
    signature: '(enabled: boolean): boolean;',
    cudaBackend: true,
    binding: 'src/binding/cuda_backend.cc',
    cuda: ['src/cuda/device.cu'],
  },
  {
    name: 'cudaUnary',
    signature: '(op: number, x: Handle, y: Handle, n: number, alpha: number, beta: number): void;',
    cudaBackend: true,
    binding: 'src/binding/cuda_backend.cc',
    cuda: ['src/cuda/elementwise.cu'],
  },
  {
    name: 'cudaBinary',
    signature: '(op: number, a: Handle, b: Handle, out: Handle, shape: number[], aStrides: number[], bStrides: number[]): void;',
    cudaBackend: true,
    binding: 'src/binding/cuda_backend.cc',
    cuda: ['src/cuda/elementwise.cu'],
  },
  {
    name: 'cudaStridedCopy',
    signature:
      '(x: Handle, y: Handle, elementBytes: 1 | 4, shape: number[], xStrides: number[], yStrides: number[], xOffset: number, yOffset: number): void;',
    cudaBackend: true,
    binding: 'src/binding/cuda_backend.cc',
    cuda: ['src/cuda/elementwise.cu'],
  },
  {
    name: 'cudaFill',
    signature: '(y: Handle, n: number, bits: number): void;',
    cudaBackend: true,
    binding: 'src/binding/cuda_backend.cc',
    cuda: ['src/cuda/elementwise.cu'],
  },
  {
    name: 'cudaCast',
    signature: '(x: Handle, fromType: number, y: Handle, toType: number, n: number): void;',
    cudaBackend: true,
    binding: 'src/binding/cuda_backend.cc',
    cuda: ['src/cuda/elementwise.cu'],
  },
  {
    name: 'cudaReduce',
    signature: '(op: number, x: Handle, y: Handle, outer: number, inner: number): void;',
    cudaBackend: true,
    binding: 'src/binding/cuda_backend.cc',
    cuda: ['src/cuda/reduce.cu'],
  },
  {
    name: 'cudaBatchMatMul',
    signature:
      '(a: Handle, b: Handle, c: Handle, batch: number, m: number, n: number, k: number, transposeA: boolean, transposeB: boolean, aBatchStride: number, bBatchStride: number): void;',
    cudaBackend: true,
    binding: 'src/binding/cuda_backend.cc',
    cuda: ['src/cuda/gemm.cu'],
  },
  {
    name: 'cudaConv2d',
    doc: 'kind 0: (x, w) → y; 1: (dy, w) → dx; 2: (x, dy) → dw. geometry: see convGeometry() in ./geometry.ts.',
    signature: '(kind: 0 | 1 | 2, geometry: number[], in0: Handle, in1: Handle, out: Handle): void;',
    cudaBackend: true,
    binding: 'src/binding/cuda_backend.cc',
    cuda: ['src/cuda/conv.cu'],
  },
  {
    name: 'cudaMaxPool',
    signature: '(geometry: number[], x: Handle, y: Handle): void;',
    cudaBackend: true,
    binding: 'src/binding/cuda_backend.cc',
    cuda: ['src/cuda/pool.cu'],
  },
  {
    name: 'cudaMaxPoolGrad',
    signature: '(geometry: number[], x: Handle, dy: Handle, dx: Handle): void;',
    cudaBackend: true,
    binding: 'src/binding/cuda_backend.cc',
    cuda: ['src/cuda/pool.cu'],
  },
  {
    name: 'cudaSgdUpdate',
    signature: '(w: Handle, g: Handle, v: Handle | null, n: number, lr: number, momentum: number, nesterov: boolean): void;',
    cudaBackend: true,
    binding: 'src/binding/cuda_backend.cc',
    cuda: ['src/cuda/elementwise.cu'],
  },
  {
    name: 'cudaConvIndexMap',
    signature:
      "(kind: 'forward' | 'backwardData' | 'backwardFilter', geometry: Int32Array): { m: number; n: number; k: number; a: Float64Array; b: Float64Array | null };",
    cudaBackend: true,
    binding: 'src/binding/cuda_host_probes.cc',
  },
  {
    name: 'cudaAllocatorProbe',
    signature:
      "(budgetBytes: number, ops: number[]): { events: ({ capacity: number; fresh: boolean; address: number } | { error: string } | { released: number })[]; stats: Omit<CudaMemoryStats, 'liveHandles'> & { rawBytesUsed: number }; };",
    cudaBackend: true,
    binding: 'src/binding/cuda_host_probes.cc',
  },
];

/** Sources no single row owns: argument helpers and shared contexts (always built). */
export const SHARED_SOURCES = ['src/binding/args.cc', 'src/binding/tensor_args.cc', 'src/native/dnnl_context.cc'];

/** What a CPU-only build links in place of the CUDA translation unit: each CUDA entry point throws "CUDA unavailable". */
export const CPU_ONLY_SOURCES = ['src/matrix/cuda_unavailable.cc', 'src/cuda/unavailable.cc'];

/**
 * The `cuda` backend's kernels come in families (one file each in src/backend/cuda/kernels/, exporting
 * `<FAMILY>_KERNELS`), registered in this order.
 */
export const CUDA_KERNEL_FAMILIES = ['elementwise', 'shape', 'reduce', 'matmul', 'conv', 'pool', 'softmax', 'batchnorm'];

/** Where the types named in the signatures come from (paths relative to src/). */
export const SIGNATURE_TYPES = {
  './types.js': ['CsrMatrix', 'CudaInfo', 'Device'],
  './load.js': ['BinaryOpName', 'CompareOpName', 'HostMemoryStats', 'LibraryInfo', 'ReduceOpName', 'UnaryOpName'],
  './backend/cuda/device.js': ['CudaDeviceStatus', 'CudaMemoryStats', 'Handle'],
};
