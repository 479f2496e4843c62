/**
 * A client host answering the messages a Flower ServerApp sends (no fedloge hello: the run comes
 * from the host's fallback, as `fedloge client --config` gives it), with the real executors on
 * tiny Fashion-MNIST data:
 * - `evaluate`: the reply is the client's PM on its local test set, equal to what the server-side
 *   `Evaluator` reports for that client from the same arrays and state; the loss checked against
 *   tfjs's softmax cross-entropy; the reply in the form Flower's FedAvg aggregates.
 * - a train message's config ("lr", "proximal-mu", …) and the run config reach the training.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  ClientStateStore,
  Evaluator,
  InlineExecutor,
  Rng,
  RUN_STREAMS,
  buildClientData,
  buildClientRuntime,
  headlinePmMasked,
  initBackend,
  shotSplit,
  type ArrayRecord,
  type ClientRuntime,
  type ClientRuntimeSpec,
  type FederatedData,
  type Logger,
  type ServerContext,
} from '@fedloge/core';
import { loadDataset } from '@fedloge/datasets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FASHION_MNIST_DIR, tinyPartition } from '../__fixtures__/tiny-run.js';
import { validateConfig } from '../config/validate.js';
import { buildPluginContainer } from '../runtime/plugin-container.js';
import { clientRuntimeSpec } from '../runtime/runtime-spec.js';
import { WorkerThreadExecutor } from '../workers/worker-executor.js';
import { ClientHost, type ExecutorFactory, type MessageContext } from './client-host.js';
import { toRecordDict } from './fleet-records.js';
import { RECORD, type ConfigValue, type MessageContent } from './task-messages.js';

// 100 local test images per client, so accuracies are not too coarse to tell models apart.
const partition = { ...tinyPartition(3, 40), localTestIndices: [0, 1, 2].map((k) => Array.from({ length: 100 }, (_, i) => 100 * k + i)) };
let data: FederatedData;

beforeAll(async () => {
  await initBackend({ backend: 'wasm', logger: quietLogger() });
  data = { dataset: await loadDataset({ name: 'fashion-mnist', dataDir: FASHION_MNIST_DIR, download: false }), partition };
});

function quietLogger(lines: string[] = []): Logger {
  return { info: (m) => void lines.push(m), warn: (m) => void lines.push(m), debug: () => {} };
}

function specFor(strategy: { name: string; options?: Record<string, unknown> }, seed = 5): ClientRuntimeSpec {
  const config = validateConfig({
    dataset: { dataDir: FASHION_MNIST_DIR, download: false },
    clients: { total: 3, perRound: 3 },
    strategy,
    train: { batchSize: 16 },
    backend: 'wasm',
    seed,
  });
  return clientRuntimeSpec(config, partition, process.cwd());
}

async function runtimeFor(spec: ClientRuntimeSpec, logger: Logger = quietLogger()): Promise<ClientRuntime> {
  return buildClientRuntime(await buildPluginContainer([], process.cwd()), spec, data, logger);
}

/** The server facts the round loop hands the strategy at `stage` of `round` (simulation.ts). */
function serverContext(runtime: ClientRuntime, stage: 'initialize' | 'evaluate', round: number): ServerContext {
  const clients = buildClientData(data, true);
  return {
    numClients: clients.length,
    numClasses: 10,
    clientClassCounts: clients.map((c) => c.classCounts),
    clientSizes: clients.map((c) => c.numSamples),
    models: runtime.models,
    rng: RUN_STREAMS.serverCall(new Rng(runtime.seed), stage, round),
    train: runtime.train,
    logger: runtime.logger,
  };
}

function hostFor(spec: ClientRuntimeSpec, makeExecutor: ExecutorFactory, logger: Logger = quietLogger()): ClientHost {
  return new ClientHost({ clientIds: [0, 1, 2], makeExecutor, fallback: { spec, backend: 'wasm', runId: 'flower-run' }, logger });
}

const inline: ExecutorFactory = async (spec) => new InlineExecutor(await runtimeFor(spec));

/** A Flower FedAvg message: "arrays" and "config" with "server-round" (plus the strategy's config). */
function flowerMessage(arrays: ArrayRecord | undefined, round: number, config: Record<string, ConfigValue> = {}): MessageContent {
  return {
    arrays: arrays ? { [RECORD.arrays]: arrays } : {},
    metrics: {},
    configs: { [RECORD.config]: { 'server-round': round, ...config } },
  };
}

describe('ClientHost: evaluate', () => {
  const hosts: ClientHost[] = [];
  afterAll(async () => {
    await Promise.all(hosts.map((h) => h.dispose()));
  });

  it("FedLoGe on a worker thread: the reply is the server-side evaluator's PM for that client, local head included", async () => {
    const spec = specFor({ name: 'fedloge', options: { kernels: 'tfjs' } });
    const host = hostFor(spec, async (s, backend) =>
      WorkerThreadExecutor.start({ size: 1, init: { spec: s, backend }, logger: quietLogger() }),
    );
    hosts.push(host);
    const runtime = await runtimeFor(spec);
    const initial = await runtime.strategy.initialize(serverContext(runtime, 'initialize', 0));

    // Round 1: client 1 trains (its local head stays in the host); the test asks for the state
    // back, as our server does, only to score the same model independently.
    const trained = await host.handle(1, 'train', flowerMessage(initial, 1, { 'fedloge.return-state': true }));
    const state = trained.arrays[RECORD.state]!;
    expect(Object.keys(state).some((k) => k.startsWith('local.'))).toBe(true);
    const global: ArrayRecord = { ...initial, ...trained.arrays[RECORD.arrays]! };

    const reply = await host.handle(1, 'evaluate', flowerMessage(global, 1));

    // Independent: the server-side evaluator, all clients, with client 1's state.
    const states = new ClientStateStore();
    states.set(1, state);
    const evaluator = new Evaluator({
      strategy: runtime.strategy,
      data,
      clients: buildClientData(data, true),
      batchSize: 7, // another batching than the client's: the numbers must not depend on it
      pmMasking: headlinePmMasked('reference', runtime.strategy),
      seed: spec.seed,
    });
    const evaluation = await evaluator.evaluate(1, global, serverContext(runtime, 'evaluate', 1), states);
    const metrics = reply.metrics[RECORD.metrics]!;
    expect(Object.keys(metrics).sort()).toEqual(['eval_acc', 'eval_loss', 'num-examples']);
    expect(metrics['num-examples']).toBe(partition.localTestIndices[1]!.length);
    expect(metrics['eval_acc']).toBeCloseTo(evaluation.pmPerClient[1]!, 12);
    expect(reply.configs[RECORD.reply]).toMatchObject({ 'partition-id': 1, 'pm-variant': 'stage1', 'pm-masked': true });
    // The local head counts: without it (a fresh local head) the server would report another PM.
    const stateless = await evaluator.evaluate(1, global, serverContext(runtime, 'evaluate', 1), new ClientStateStore());
    expect(stateless.pmPerClient[1]).not.toBeCloseTo(metrics['eval_acc']!, 6);

    // The loss: tfjs's softmax cross-entropy of FedLoGe's PM logits (local head + g_aux on the
    // global features), absent classes masked, computed here from the strategy's own predictor.
    const ctx = serverContext(runtime, 'evaluate', 1);
    const personal = await runtime.strategy.personalPredictor!(
      global,
      { clientId: 1, state, data: buildClientData(data, true)[1]!, rng: RUN_STREAMS.personal(new Rng(spec.seed), 1, 1) },
      ctx,
    );
    const gp = runtime.strategy.globalPredictor(global, ctx);
    const indices = partition.localTestIndices[1]!;
    const labels = indices.map((i) => data.dataset.test.labels[i]!);
    const present = Array.from({ length: 10 }, (_, c) => labels.includes(c));
    const [h, w, c] = data.dataset.imageShape;
    const pixels = new Float32Array(indices.length * h * w * c);
    data.dataset.fillBatch('test', indices, pixels, { augment: false });
    const before = tf.memory().numTensors;
    const { loss, predicted } = tf.tidy(() => {
      if (personal.kind !== 'heads') throw new Error('FedLoGe has a heads predictor');
      const logits = Object.values(personal.heads(gp.features(tf.tensor4d(pixels, [indices.length, h, w, c]))))[0]!;
      const masked = tf.add(logits, tf.tensor1d(present.map((p) => (p ? 0 : -1e30))));
      return {
        loss: tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, 'int32'), 10), masked).dataSync()[0]!,
        predicted: Array.from(tf.argMax(masked, 1).dataSync()),
      };
    });
    expect(tf.memory().numTensors).toBe(before);
    personal.dispose();
    gp.dispose();
    expect(metrics['eval_loss']).toBeCloseTo(loss, 5);
    // Head / middle / tail from the client's own local test counts (shot_split [75, 95]), pooled;
    // an empty group is left out of the reply.
    const counts = present.map((_, k) => labels.filter((y) => y === k).length);
    const split = shotSplit(counts);
    for (const group of ['head', 'middle', 'tail'] as const) {
      const members = labels.map((y, i) => [y, i] as const).filter(([y]) => split[group].includes(y));
      const expected = members.length ? members.filter(([y, i]) => predicted[i] === y).length / members.length : undefined;
      expect(reply.configs[RECORD.reply]![`eval_acc_${group}`], group).toBe(expected);
    }
    // On the wire: no array record, one metric record "metrics" with an integer num-examples.
    const wire = [...toRecordDict(reply)];
    expect(wire.filter(([, r]) => r.kind === 'array')).toEqual([]);
    expect(wire.filter(([, r]) => r.kind === 'metric').map(([n]) => n)).toEqual(['metrics']);
    const record = toRecordDict(reply).get('metrics');
    expect(record?.kind === 'metric' && record.values.get('num-examples')).toBe(BigInt(indices.length));
    expect(record?.kind === 'metric' && typeof record.values.get('eval_acc')).toBe('number');
  }, 300_000);

  it('FedAvg in line: the PM is the received global model, unmasked; every tensor disposed', async () => {
    const spec = specFor({ name: 'fedavg' });
    const runtime = await runtimeFor(spec);
    const host = hostFor(spec, async () => new InlineExecutor(runtime));
    hosts.push(host);
    const global = await runtime.strategy.initialize(serverContext(runtime, 'initialize', 0));
    // Warm up once (the backend's kernels and the host's executor), then count tensors.
    await host.handle(2, 'evaluate', flowerMessage(global, 3));
    const before = tf.memory().numTensors;
    const reply = await host.handle(2, 'evaluate', flowerMessage(global, 3));
    expect(tf.memory().numTensors).toBe(before);

    const evaluator = new Evaluator({
      strategy: runtime.strategy,
      data,
      clients: buildClientData(data, true),
      batchSize: 64,
      pmMasking: headlinePmMasked('reference', runtime.strategy),
      seed: spec.seed,
    });
    const evaluation = await evaluator.evaluate(3, global, serverContext(runtime, 'evaluate', 3), new ClientStateStore());
    expect(reply.metrics[RECORD.metrics]!['eval_acc']).toBeCloseTo(evaluation.pmPerClient[2]!, 12);
    expect(reply.configs[RECORD.reply]).toMatchObject({ 'pm-masked': false });

    // Unmasked loss: tfjs's softmax cross-entropy of the GM logits on client 2's local test set.
    const indices = partition.localTestIndices[2]!;
    const [h, w, c] = data.dataset.imageShape;
    const pixels = new Float32Array(indices.length * h * w * c);
    data.dataset.fillBatch('test', indices, pixels, { augment: false });
    const gp = runtime.strategy.globalPredictor(global, serverContext(runtime, 'evaluate', 3));
    const loss = tf.tidy(() => {
      const logits = Object.values(gp.heads(gp.features(tf.tensor4d(pixels, [indices.length, h, w, c]))))[0]!;
      const labels = tf.tensor1d(
        indices.map((i) => data.dataset.test.labels[i]!),
        'int32',
      );
      return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 10), logits).dataSync()[0]!;
    });
    gp.dispose();
    expect(reply.metrics[RECORD.metrics]!['eval_loss']).toBeCloseTo(loss, 5);
  }, 300_000);

  it('refuses an evaluate message without arrays, naming the record it needs', async () => {
    const host = hostFor(specFor({ name: 'fedavg' }), inline);
    hosts.push(host);
    await expect(host.handle(0, 'evaluate', flowerMessage(undefined, 1))).rejects.toThrow(
      "an evaluate message must carry the model to evaluate in an array record named 'arrays' (found: none)",
    );
    await expect(host.handle(0, 'evaluate', { ...flowerMessage({}, 1), configs: {} })).rejects.toThrow(
      /evaluate message's 'config' record must hold 'server-round' as an integer >= 1/,
    );
  });
});

describe("ClientHost: a Flower server's config keys", () => {
  const hosts: ClientHost[] = [];
  afterAll(async () => {
    await Promise.all(hosts.map((h) => h.dispose()));
  });

  /** Client 0's round-1 update as a run whose own settings are `spec`'s would train it. */
  async function reference(spec: ClientRuntimeSpec, global: ArrayRecord): Promise<ArrayRecord> {
    const [result] = await new InlineExecutor(await runtimeFor(spec)).run([{ round: 1, clientId: 0, payload: global, state: undefined }]);
    return result!.arrays;
  }

  const context = (runConfig: Record<string, ConfigValue>): MessageContext => ({ runConfig, nodeConfig: {} });

  it('trains with the message config over the run config over the local config; unknown keys logged once per run', async () => {
    const spec = specFor({ name: 'fedavg' });
    const lines: string[] = [];
    const host = hostFor(spec, inline, quietLogger(lines));
    hosts.push(host);
    const global = await (await runtimeFor(spec)).strategy.initialize(serverContext(await runtimeFor(spec), 'initialize', 0));
    const run = context({ lr: 0.9, 'batch-size': 8, 'num-server-rounds': 3, 'fraction-train': 0.5 });
    const message = flowerMessage(global, 1, { lr: 0.2, 'local-epochs': 2, optimizer: 'sgd' });
    const reply = await host.handle(0, 'train', message, run);

    // lr from the message (not the run config's 0.9), batch size from the run config, the rest local.
    const expected = await reference({ ...spec, train: { ...spec.train, lr: 0.2, localEpochs: 2, batchSize: 8 } }, global);
    expect(reply.arrays[RECORD.arrays]).toEqual(expected);
    expect(reply.arrays[RECORD.arrays]).not.toEqual(await reference(spec, global));

    await host.handle(0, 'train', message, run);
    const ignored = lines.filter((l) => l.includes('config keys ignored'));
    expect(ignored).toEqual([
      'run flower-run: config keys ignored (they set no fedloge option; see docs/flower-config-keys.md): optimizer, num-server-rounds, fraction-train',
    ]);
  }, 300_000);

  it("gives FedProx the server's proximal-mu, and refuses it for a strategy without a proximal term", async () => {
    const spec = specFor({ name: 'fedprox' });
    const runtime = await runtimeFor(spec);
    const global = await runtime.strategy.initialize(serverContext(runtime, 'initialize', 0));
    const host = hostFor(spec, inline);
    hosts.push(host);
    const reply = await host.handle(0, 'train', flowerMessage(global, 1, { 'proximal-mu': 2 }), context({ 'proximal-mu': 0 }));
    const fedProxMu2 = specFor({ name: 'fedprox', options: { mu: 2 } });
    expect(reply.arrays[RECORD.arrays]).toEqual(await reference(fedProxMu2, global));
    expect(reply.arrays[RECORD.arrays]).not.toEqual(await reference(spec, global));

    const fedavg = hostFor(specFor({ name: 'fedavg' }), inline);
    hosts.push(fedavg);
    await expect(fedavg.handle(0, 'train', flowerMessage(global, 1, { 'proximal-mu': 0.01 }))).rejects.toThrow(
      /'proximal-mu' = 0\.01 in the message's "config" record sets strategy\.options\.mu, but strategy 'fedavg' has no such option \(it has no proximal term/,
    );
  }, 300_000);

  it('refuses a bad value with the key and the value, before training', async () => {
    const spec = specFor({ name: 'fedavg' });
    const host = hostFor(spec, inline);
    hosts.push(host);
    const global = await (await runtimeFor(spec)).strategy.initialize(serverContext(await runtimeFor(spec), 'initialize', 0));
    await expect(host.handle(0, 'train', flowerMessage(global, 1, { lr: 'abc' }))).rejects.toThrow(
      `'lr' in the message's "config" record is "abc" (string); expected number > 0 for train.lr`,
    );
    await expect(host.handle(0, 'train', flowerMessage(global, 1), context({ 'local-epochs': 0 }))).rejects.toThrow(
      `'local-epochs' in the run config is 0 (number); expected integer >= 1 for train.localEpochs`,
    );
  }, 300_000);
});
