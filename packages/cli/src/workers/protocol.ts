/**
 * Messages between the WorkerThreadExecutor (main thread) and a client worker. Everything is
 * structured-clone data: typed arrays, numbers, strings, plain objects; no tensor crosses.
 */
import type {
  BackendChoice,
  BackendInfo,
  ClientEvalResult,
  ClientEvalTask,
  ClientRuntimeSpec,
  ClientTask,
  ClientTaskResult,
} from '@fedloge/core';

/** `workerData` of a client worker: how to rebuild the run's client side. */
export interface WorkerInit {
  readonly spec: ClientRuntimeSpec;
  readonly backend: BackendChoice;
  /** Backend threads of this worker (the run's `threads`); 1 when absent. */
  readonly threads?: number;
  /** Index of this worker, for messages. */
  readonly index: number;
}

/** Main thread → worker: train a task, or evaluate the received model on one client. */
export type ToWorker =
  | { readonly type: 'task'; readonly id: number; readonly task: ClientTask }
  | { readonly type: 'evaluate'; readonly id: number; readonly task: ClientEvalTask };

/** An Error flattened for postMessage. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

/** Worker → main thread. */
export type FromWorker =
  | { readonly type: 'ready'; readonly backend: BackendInfo }
  | { readonly type: 'init-failed'; readonly error: SerializedError }
  | { readonly type: 'result'; readonly id: number; readonly result: ClientTaskResult }
  | { readonly type: 'evaluated'; readonly id: number; readonly result: ClientEvalResult }
  | { readonly type: 'task-failed'; readonly id: number; readonly error: SerializedError }
  | { readonly type: 'log'; readonly level: 'info' | 'warn' | 'debug'; readonly message: string };

export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) return { name: e.name, message: e.message, ...(e.stack ? { stack: e.stack } : {}) };
  return { name: 'Error', message: String(e) };
}
