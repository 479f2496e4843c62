import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InlineExecutor,
  Rng,
  RUN_STREAMS,
  buildClientData,
  buildClientRuntime,
  initBackend,
  silentLogger,
  type ArrayRecord,
  type ClientRuntime,
  type ClientTask,
  type ClientTaskResult,
} from '@fedloge/core';
import { loadDataset } from '@fedloge/datasets';
import { FASHION_MNIST_DIR, tinyPartition } from '../__fixtures__/tiny-run.js';
import { validateConfig } from '../config/validate.js';
import { buildPluginContainer } from '../runtime/plugin-container.js';
import { clientRuntimeSpec } from '../runtime/runtime-spec.js';
import { WorkerThreadExecutor } from './worker-executor.js';

const logger = silentLogger();
const config = validateConfig({
  dataset: { dataDir: FASHION_MNIST_DIR, download: false },
  clients: { total: 3, perRound: 3 },
  train: { batchSize: 16 },
  backend: 'wasm',
  seed: 11,
});
const partition = tinyPartition(3, 40);
const spec = clientRuntimeSpec(config, partition, process.cwd());

let runtime: ClientRuntime;
let global: ArrayRecord;
let workers: WorkerThreadExecutor;

beforeAll(async () => {
  await initBackend({ backend: 'wasm', logger });
  const dataset = await loadDataset({ name: 'fashion-mnist', dataDir: FASHION_MNIST_DIR, download: false });
  const data = { dataset, partition };
  runtime = buildClientRuntime(await buildPluginContainer([], process.cwd()), spec, data, logger);
  const clients = buildClientData(data, true);
  global = await runtime.strategy.initialize({
    numClients: 3,
    numClasses: 10,
    clientClassCounts: clients.map((c) => c.classCounts),
    clientSizes: clients.map((c) => c.numSamples),
    models: runtime.models,
    rng: RUN_STREAMS.strategy(new Rng(spec.seed)),
    train: spec.train,
    logger,
  });
  workers = await WorkerThreadExecutor.start({ size: 2, init: { spec, backend: 'wasm' }, logger });
});

afterAll(async () => {
  await workers?.dispose();
});

/** Same client, same update: ids, sizes, metrics and every array bit for bit. */
function expectIdentical(a: readonly ClientTaskResult[], b: readonly ClientTaskResult[]): void {
  expect(b.map((r) => r.clientId)).toEqual(a.map((r) => r.clientId));
  for (let i = 0; i < a.length; i++) {
    expect(b[i]!.numSamples).toBe(a[i]!.numSamples);
    expect(b[i]!.metrics).toEqual(a[i]!.metrics);
    const keys = Object.keys(a[i]!.arrays).sort();
    expect(Object.keys(b[i]!.arrays).sort()).toEqual(keys);
    for (const k of keys) {
      const x = a[i]!.arrays[k]!;
      const y = b[i]!.arrays[k]!;
      expect(y.shape, k).toEqual(x.shape);
      expect(
        Buffer.from(y.data.buffer, y.data.byteOffset, y.data.byteLength).equals(
          Buffer.from(x.data.buffer, x.data.byteOffset, x.data.byteLength),
        ),
        k,
      ).toBe(true);
    }
  }
}

describe('WorkerThreadExecutor', () => {
  it('trains clients exactly as the inline executor does, results in task order', async () => {
    const tasks: ClientTask[] = [2, 0, 1].map((clientId) => ({ round: 1, clientId, payload: global, state: undefined }));
    const inline = await new InlineExecutor(runtime).run(tasks);
    const completed: number[] = [];
    const threaded = await workers.run(tasks, (r) => completed.push(r.clientId));
    expect(workers.backends.map((b) => b.name)).toEqual(['wasm', 'wasm']);
    expectIdentical(inline, threaded);
    expect(completed.sort()).toEqual([0, 1, 2]);
    // Training changed the model, so the comparison above is not between two untouched copies.
    const key = Object.keys(global)[0]!;
    expect(inline[0]!.arrays[key]!.data).not.toEqual(global[key]!.data);
  });

  it('evaluates a client exactly as the inline executor does, and reports a failing evaluation with its client', async () => {
    const task = { round: 1, clientId: 2, global, state: undefined };
    const inline = await new InlineExecutor(runtime).evaluate(task);
    const threaded = await workers.evaluate(task);
    expect({ ...threaded, seconds: 0 }).toEqual({ ...inline, seconds: 0 });
    expect(inline.numExamples).toBe(partition.localTestIndices[2]!.length);
    await expect(workers.evaluate({ ...task, clientId: 99 })).rejects.toThrow(/evaluation of round 1, client 99: Client 99 does not exist/);
    expect((await workers.run([{ round: 2, clientId: 1, payload: global, state: undefined }])).map((r) => r.clientId)).toEqual([1]);
  });

  it("trains a task's overrides on a worker as in line, and not as the run's own settings", async () => {
    const task: ClientTask = { round: 1, clientId: 0, payload: global, state: undefined, overrides: { train: { lr: 0.5, batchSize: 8 } } };
    const inline = await new InlineExecutor(runtime).run([task]);
    expectIdentical(inline, await workers.run([task]));
    const plain = await new InlineExecutor(runtime).run([{ ...task, overrides: undefined }]);
    expect(plain[0]!.arrays).not.toEqual(inline[0]!.arrays);
  });

  it('reports a failing task with its client, then keeps working', async () => {
    const bad: ClientTask[] = [{ round: 1, clientId: 99, payload: global, state: undefined }];
    await expect(workers.run(bad)).rejects.toThrow(/round 1, client 99: Client 99 does not exist/);
    const again = await workers.run([{ round: 2, clientId: 1, payload: global, state: undefined }]);
    expect(again.map((r) => r.clientId)).toEqual([1]);
  });

  it('fails to start with the reason when a worker cannot rebuild the run', async () => {
    const badSpec = { ...spec, dataset: { ...spec.dataset, dataDir: '/nonexistent', name: 'cifar100' }, partition };
    await expect(WorkerThreadExecutor.start({ size: 1, init: { spec: badSpec, backend: 'wasm' }, logger })).rejects.toThrow(
      /Worker 0 could not start: .*cifar/i,
    );
  });

  it('hands out the largest clients first and still returns results in task order', async () => {
    const sizes = [5, 50, 20, 50, 1];
    const uneven = { ...partition, trainIndices: sizes.map((n, k) => Array.from({ length: n }, (_, i) => k * 100 + i)) };
    const entry = new URL('../__fixtures__/echo-worker.mjs', import.meta.url);
    const echo = await WorkerThreadExecutor.start({
      size: 1,
      init: { spec: { ...spec, partition: uneven }, backend: 'wasm' },
      logger,
      entry,
    });
    const started: number[] = [];
    const tasks: ClientTask[] = [0, 1, 2, 3, 4].map((clientId) => ({ round: 1, clientId, payload: {}, state: undefined }));
    const results = await echo.run(tasks, (r) => started.push(r.clientId));
    await echo.dispose();
    expect(started).toEqual([1, 3, 2, 0, 4]); // by size 50, 50 (tie: task order), 20, 5, 1
    expect(results.map((r) => r.clientId)).toEqual([0, 1, 2, 3, 4]);
  });

  it('rejects the round when a worker dies, and every later round', async () => {
    const entry = new URL('../__fixtures__/exiting-worker.mjs', import.meta.url);
    const dying = await WorkerThreadExecutor.start({ size: 1, init: { spec, backend: 'wasm' }, logger, entry });
    const task: ClientTask = { round: 1, clientId: 0, payload: global, state: undefined };
    await expect(dying.run([task])).rejects.toThrow('Worker 0 exited unexpectedly (code 3)');
    await expect(dying.run([task])).rejects.toThrow('Worker 0 exited unexpectedly (code 3)');
    await dying.dispose();
  });
});
