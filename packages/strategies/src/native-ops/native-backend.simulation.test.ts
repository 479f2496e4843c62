/**
 * One federated round on the native backend against the same round on wasm: FedAvg and FedLoGe with core's small CNN
 * (conv, batch norm, max-pool) on a tiny long-tailed pattern federation give the same accuracies within 0.5
 * percentage points, run the fused kernels (batch norm, SGD, FedLoGe's head), and leave no tensors or pooled buffers
 * behind when the round is repeated.
 */
import 'reflect-metadata';
import * as tf from '@tensorflow/tfjs-core';
import {
  Simulation,
  buildClientRuntime,
  initBackend,
  registerBackendProvider,
  silentLogger,
  FED_BATCH_NORM_TRAIN,
  FED_SGD_MOMENTUM_UPDATE,
} from '@fedloge/core';
import { nativeBackendProvider, nativeRuntime, type NativeBackend } from '@fedloge/cuda-kernels';
import { describe, expect, it } from 'vitest';

import { createPatternFederation } from '../../../../test/fixtures/pattern-federation.js';
import { testContainer } from '../../../../test/fixtures/plugins.js';
import { SPARSE_ETF_CROSS_ENTROPY } from './kernel-names.js';

const runtimeStatus = nativeRuntime();
const skipNote = 'addon' in runtimeStatus ? '' : ` [skipped: ${runtimeStatus.reason}]`;

type Metrics = Record<string, number | null>;

/** One round of `strategy` on `backend`; its metrics (every variant's acc and groups) and the kernels it ran. */
async function oneRound(backend: 'wasm' | 'native', strategy: { name: string; options?: unknown }) {
  registerBackendProvider(nativeBackendProvider);
  await initBackend({ backend, logger: silentLogger(), threads: 2 });
  const data = createPatternFederation({ numClasses: 5, trainPerClass: 40, testPerClass: 60, numClients: 4, seed: 4, side: 8, noise: 1.2 });
  const train = { localEpochs: 1, batchSize: 8, lr: 0.05, momentum: 0.5, weightDecay: 5e-4 };
  const config = { rounds: 1, clientsPerRound: 2, seed: 8, train };
  const runtime = buildClientRuntime(
    testContainer(),
    { strategy, aggregator: { name: 'fedavg' }, model: { backbone: { name: 'cnn' } }, train, seed: config.seed, augment: false },
    data,
    silentLogger(),
  );
  let result: Awaited<ReturnType<Simulation['run']>> | undefined;
  const profile = await tf.profile(async () => {
    result = await new Simulation({ ...runtime, config, logger: silentLogger() }).run();
  });
  const metrics: Metrics = {};
  for (const [variant, acc] of Object.entries(result!.final.variants ?? {})) {
    for (const [group, value] of Object.entries(acc)) metrics[`${variant}.${group}`] = value;
  }
  return { metrics, trainLoss: result!.rounds[0]!.trainLoss, kernels: new Set(profile.kernelNames) };
}

function expectSameMetrics(native: Metrics, wasm: Metrics): void {
  expect(Object.keys(native).sort()).toEqual(Object.keys(wasm).sort());
  expect(Object.keys(native).length).toBeGreaterThan(0);
  for (const [key, ref] of Object.entries(wasm)) {
    if (ref === null) expect(native[key], key).toBeNull();
    else expect(Math.abs(native[key]! - ref), key).toBeLessThanOrEqual(0.005);
  }
}

describe(`one round on the native backend vs wasm${skipNote}`, () => {
  for (const [strategy, kernels] of [
    [{ name: 'fedavg' }, [FED_BATCH_NORM_TRAIN, FED_SGD_MOMENTUM_UPDATE]],
    [{ name: 'fedloge', options: { etfSteps: 200 } }, [FED_BATCH_NORM_TRAIN, FED_SGD_MOMENTUM_UPDATE, SPARSE_ETF_CROSS_ENTROPY]],
  ] as const) {
    it.skipIf(!('addon' in runtimeStatus))(
      `${strategy.name}: same metrics within 0.5 pp, fused kernels used, no growth`,
      async () => {
        const wasm = await oneRound('wasm', strategy);
        const native = await oneRound('native', strategy);
        for (const k of kernels) expect(native.kernels.has(k), k).toBe(true);
        expectSameMetrics(native.metrics, wasm.metrics);
        // The compared models learned something (chance is 0.2), so equal metrics are not equal guesses.
        expect(
          Math.max(
            ...Object.entries(wasm.metrics)
              .filter(([k]) => /^gm\/.*\.acc$/.test(k))
              .map(([, v]) => v ?? 0),
          ),
        ).toBeGreaterThan(0.3);
        expect(Math.abs(native.trainLoss! - wasm.trainLoss!)).toBeLessThanOrEqual(1e-3 * Math.abs(wasm.trainLoss!));
        // Repeating the round on the warm backend leaves exactly what the first one left.
        const tensors = tf.memory().numTensors;
        const buffers = (tf.backend() as NativeBackend).nativeMemory().buffersInUse;
        await oneRound('native', strategy);
        expect(tf.memory().numTensors).toBe(tensors);
        expect((tf.backend() as NativeBackend).nativeMemory().buffersInUse).toBe(buffers);
      },
      600_000,
    );
  }
});
