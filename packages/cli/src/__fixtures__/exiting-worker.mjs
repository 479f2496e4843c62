// A stand-in client worker that starts fine and then dies on its first task, to test how
// WorkerThreadExecutor reports a worker that disappears mid-round.
import { parentPort } from 'node:worker_threads';

parentPort.postMessage({ type: 'ready', backend: { name: 'cpu', detail: 'test double' } });
parentPort.on('message', () => process.exit(3));
