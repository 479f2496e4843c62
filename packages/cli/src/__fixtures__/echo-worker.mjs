// A stand-in client worker that "trains" instantly: it answers each task with an empty update, so
// a test can observe the order in which WorkerThreadExecutor hands out tasks.
import { parentPort } from 'node:worker_threads';

parentPort.postMessage({ type: 'ready', backend: { name: 'cpu', detail: 'test double' } });
parentPort.on('message', ({ id, task }) => {
  parentPort.postMessage({ type: 'result', id, result: { clientId: task.clientId, arrays: {}, numSamples: 1, seconds: 0 } });
});
