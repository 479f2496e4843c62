/**
 * A ClientExecutor that trains clients on worker threads, one tfjs backend per thread (tfjs-wasm
 * is single-threaded in Node, so threads are the way to use several cores; docs/stack.md#worker-threads). The
 * main thread keeps sampling, aggregation and evaluation.
 *
 * Results are identical to the InlineExecutor's for the same seed: each task's randomness comes
 * from its own derived stream (round, client), never from which worker ran it or when, and results
 * are returned in task order whatever order they finish in.
 */
import { Worker } from 'node:worker_threads';
import type { BackendInfo, ClientEvalResult, ClientEvalTask, ClientExecutor, ClientTask, ClientTaskResult, Logger } from '@fedloge/core';
import type { FromWorker, SerializedError, ToWorker, WorkerInit } from './protocol.js';
import { clientWorkerEntry } from './worker-entry.js';

export interface WorkerThreadExecutorOptions {
  /** Number of worker threads (≥ 1). */
  readonly size: number;
  /** What each worker rebuilds (its `index` is filled in per worker). */
  readonly init: Omit<WorkerInit, 'index'>;
  readonly logger: Logger;
  /** The worker script; default: the compiled client-worker.js. */
  readonly entry?: URL;
}

interface Slot {
  readonly index: number;
  readonly worker: Worker;
  /** The task in flight, if any. */
  busy: { readonly id: number; readonly position: number } | undefined;
}

/** Thrown when a worker fails; names the worker and, for a task, the round and client. */
export class WorkerError extends Error {
  override readonly name = 'WorkerError';
}

export class WorkerThreadExecutor implements ClientExecutor {
  private nextId = 0;
  private failure: ((error: Error) => void) | undefined;
  private onMessage: ((slot: Slot, message: FromWorker) => void) | undefined;
  private disposed = false;
  private broken: Error | undefined;

  private constructor(
    private readonly slots: Slot[],
    /** The backend each worker initialised (the same choice as the main thread's). */
    readonly backends: readonly BackendInfo[],
    /** Training-set size per client id, for scheduling. */
    private readonly clientSizes: readonly number[],
  ) {}

  /** Start the workers and wait until each has rebuilt the run (backend, plugins, data). */
  static async start(options: WorkerThreadExecutorOptions): Promise<WorkerThreadExecutor> {
    if (!(Number.isInteger(options.size) && options.size >= 1)) {
      throw new RangeError(`WorkerThreadExecutor: expected size >= 1 but received ${options.size}`);
    }
    const entry = options.entry ?? clientWorkerEntry();
    const slots: Slot[] = [];
    const readiness: Promise<BackendInfo>[] = [];
    let executor: WorkerThreadExecutor | undefined;
    for (let index = 0; index < options.size; index++) {
      const worker = new Worker(entry, { workerData: { ...options.init, index } satisfies WorkerInit });
      const slot: Slot = { index, worker, busy: undefined };
      slots.push(slot);
      readiness.push(
        new Promise<BackendInfo>((resolve, reject) => {
          worker.on('message', (message: FromWorker) => {
            if (message.type === 'log') return forwardLog(options.logger, index, message.level, message.message);
            if (message.type === 'ready') return resolve(message.backend);
            if (message.type === 'init-failed') return reject(asError(`Worker ${index} could not start`, message.error));
            executor?.onMessage?.(slot, message);
          });
          worker.on('error', (e) => {
            const error = new WorkerError(`Worker ${index} crashed: ${e.message}`, { cause: e });
            reject(error);
            executor?.fail(error);
          });
          worker.on('exit', (code) => {
            if (executor?.disposed) return;
            const error = new WorkerError(`Worker ${index} exited unexpectedly (code ${code})`);
            reject(error);
            executor?.fail(error);
          });
        }),
      );
    }
    try {
      const backends = await Promise.all(readiness);
      executor = new WorkerThreadExecutor(
        slots,
        backends,
        options.init.spec.partition.trainIndices.map((t) => t.length),
      );
      return executor;
    } catch (e) {
      await Promise.all(slots.map((s) => s.worker.terminate()));
      throw e;
    }
  }

  /** A worker died: the executor is unusable; fail the run in progress and refuse later ones. */
  private fail(error: Error): void {
    this.broken ??= error;
    this.failure?.(error);
  }

  private sizeOf(task: ClientTask): number {
    return this.clientSizes[task.clientId] ?? 0;
  }

  /** Number of worker threads. */
  get size(): number {
    return this.slots.length;
  }

  run(tasks: readonly ClientTask[], onResult?: (result: ClientTaskResult) => void): Promise<ClientTaskResult[]> {
    if (this.disposed) return Promise.reject(new Error('WorkerThreadExecutor.run after dispose'));
    if (this.broken) return Promise.reject(this.broken);
    if (this.onMessage) return Promise.reject(new Error('WorkerThreadExecutor.run: a previous run is still in progress'));
    const results = new Array<ClientTaskResult | undefined>(tasks.length);
    // Largest client first (LPT scheduling): a round lasts as long as its busiest worker, and one
    // big client started last would leave the other workers idle. Results keep the task order.
    const order = tasks.map((_, i) => i).sort((a, b) => this.sizeOf(tasks[b]!) - this.sizeOf(tasks[a]!) || a - b);
    let next = 0;
    let finished = 0;
    let taskError: Error | undefined;
    return new Promise<ClientTaskResult[]>((resolve, reject) => {
      const settle = (error?: Error) => {
        this.onMessage = undefined;
        this.failure = undefined;
        if (error) reject(error);
        else resolve(results as ClientTaskResult[]);
      };
      const dispatch = (slot: Slot) => {
        if (next >= tasks.length) return;
        const position = order[next++]!;
        const id = this.nextId++;
        slot.busy = { id, position };
        slot.worker.postMessage({ type: 'task', id, task: tasks[position]! } satisfies ToWorker);
      };
      this.failure = (error) => settle(error);
      this.onMessage = (slot, message) => {
        if (message.type !== 'result' && message.type !== 'task-failed') return;
        const busy = slot.busy;
        if (!busy || busy.id !== message.id) return;
        slot.busy = undefined;
        if (message.type === 'task-failed') {
          const task = tasks[busy.position]!;
          taskError ??= asError(`Worker ${slot.index}, round ${task.round}, client ${task.clientId}`, message.error);
          next = tasks.length; // start no further task
        } else if (taskError === undefined) {
          results[busy.position] = message.result;
          finished++;
          onResult?.(message.result);
        }
        // Settle only when no worker is busy, so the next run starts on idle workers.
        if (taskError !== undefined) {
          if (this.slots.every((s) => s.busy === undefined)) settle(taskError);
          return;
        }
        if (finished === tasks.length) return settle();
        dispatch(slot);
      };
      if (tasks.length === 0) return settle();
      for (const slot of this.slots) dispatch(slot);
    });
  }

  /** Evaluate on the first worker (a host that evaluates serves one message at a time). */
  evaluate(task: ClientEvalTask): Promise<ClientEvalResult> {
    if (this.disposed) return Promise.reject(new Error('WorkerThreadExecutor.evaluate after dispose'));
    if (this.broken) return Promise.reject(this.broken);
    if (this.onMessage) return Promise.reject(new Error('WorkerThreadExecutor.evaluate: a run is still in progress'));
    const slot = this.slots[0]!;
    const id = this.nextId++;
    return new Promise<ClientEvalResult>((resolve, reject) => {
      const settle = (outcome: { error: Error } | { result: ClientEvalResult }) => {
        slot.busy = undefined;
        this.onMessage = undefined;
        this.failure = undefined;
        if ('error' in outcome) reject(outcome.error);
        else resolve(outcome.result);
      };
      this.failure = (error) => settle({ error });
      this.onMessage = (from, message) => {
        if (from !== slot || (message.type !== 'evaluated' && message.type !== 'task-failed') || message.id !== id) return;
        if (message.type === 'evaluated') settle({ result: message.result });
        else settle({ error: asError(`Worker ${slot.index}, evaluation of round ${task.round}, client ${task.clientId}`, message.error) });
      };
      slot.busy = { id, position: -1 };
      slot.worker.postMessage({ type: 'evaluate', id, task } satisfies ToWorker);
    });
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

function forwardLog(logger: Logger, index: number, level: 'info' | 'warn' | 'debug', message: string): void {
  logger[level](`[worker ${index}] ${message}`);
}

function asError(context: string, e: SerializedError): Error {
  const error = new WorkerError(`${context}: ${e.message}`);
  if (e.stack) error.stack = `${error.name}: ${context}: ${e.stack.replace(/^[^\n]*\n?/, '')}`;
  return error;
}
