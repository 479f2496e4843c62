/**
 * Entry of a client worker thread: rebuilds backend, plugins, data set and strategy from the plain
 * `WorkerInit` (core's executor contract, client-runtime.ts), then trains one task at a time with
 * `runClientTask` (or evaluates one client with `evaluateClientTask`). Randomness comes only from
 * the task's derived stream, so a task gives the same update here as on the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  buildClientData,
  buildClientRuntime,
  evaluateClientTask,
  initBackend,
  loadDatasetPlugin,
  runClientTask,
  type ClientRuntime,
  type FederatedClientData,
  type Logger,
} from '@fedloge/core';
import { registerAddonBackends } from '../runtime/backend-providers.js';
import { buildPluginContainer } from '../runtime/plugin-container.js';
import { serializeError, type FromWorker, type ToWorker, type WorkerInit } from './protocol.js';

if (!parentPort) throw new Error('client-worker.js is a worker_threads entry; start it through WorkerThreadExecutor');
const port = parentPort;
const init = workerData as WorkerInit;
const send = (message: FromWorker) => port.postMessage(message);

/** Log lines go to the main thread's logger. */
const logger: Logger = {
  info: (message) => send({ type: 'log', level: 'info', message }),
  warn: (message) => send({ type: 'log', level: 'warn', message }),
  debug: (message) => send({ type: 'log', level: 'debug', message }),
};

interface WorkerState {
  readonly runtime: ClientRuntime;
  readonly clients: readonly FederatedClientData[];
}

async function setUp(): Promise<WorkerState> {
  const { spec } = init;
  registerAddonBackends();
  // The run's count (one per worker by default: the workers are the parallelism; runtime/threads.ts). A network client
  // gets it in the server's spec, so its numbers match the server's own run.
  const backend = await initBackend({ backend: init.backend, logger, threads: init.threads ?? spec.threads ?? 1 });
  const container = await buildPluginContainer(spec.pluginModules, spec.pluginBaseDir);
  // Never downloads: the main thread has found (or fetched) the files already.
  const dataset = await loadDatasetPlugin(container, spec.dataset, { download: false, logger });
  const data = { dataset, partition: spec.partition };
  const runtime = buildClientRuntime(container, spec, data, logger);
  send({ type: 'ready', backend });
  return { runtime, clients: buildClientData(data, spec.augment) };
}

const state = setUp();
state.catch((e: unknown) => send({ type: 'init-failed', error: serializeError(e) }));

port.on('message', (message: ToWorker) => {
  void (async () => {
    try {
      const { runtime, clients } = await state;
      if (message.type === 'evaluate') {
        send({ type: 'evaluated', id: message.id, result: await evaluateClientTask(runtime, clients, message.task) });
        return;
      }
      const client = clients[message.task.clientId];
      if (!client) throw new RangeError(`Client ${message.task.clientId} does not exist (the partition has ${clients.length} clients)`);
      const result = await runClientTask(runtime, client, message.task);
      send({ type: 'result', id: message.id, result });
    } catch (e) {
      send({ type: 'task-failed', id: message.id, error: serializeError(e) });
    }
  })();
});
