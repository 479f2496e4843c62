// Training clients on worker threads (one tfjs backend per thread).
export { WorkerThreadExecutor, WorkerError } from './worker-executor.js';
export type { WorkerThreadExecutorOptions } from './worker-executor.js';
export { resolveWorkerCount } from './worker-count.js';
export { clientWorkerEntry } from './worker-entry.js';
export type { FromWorker, SerializedError, ToWorker, WorkerInit } from './protocol.js';
