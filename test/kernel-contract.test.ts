/**
 * The kernel contract of the `native` backend: every tfjs kernel the framework runs — one training step and one
 * evaluation of each core model, the forward pass of the big ResNets, one round of each built-in strategy — is
 * registered for `native`, and packages/cuda-kernels/KERNELS.md lists exactly that set, with which kernels run
 * natively and which on the stock tfjs-cpu fallback. Regenerate the doc with `npm run kernels-doc`.
 *
 * Workloads are tiny (small images and batches): which kernels run does not depend on sizes, and the fallbacks are
 * slow. The strategies train the test MLP backbone; the conv models' kernels come from the model workloads.
 */
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CORE_MODEL_PLUGINS,
  LinearHead,
  Rng,
  SGD,
  Simulation,
  buildClientRuntime,
  crossEntropy,
  initBackend,
  minimize,
  registerBackendProvider,
  silentLogger,
} from '@fedloge/core';
import { nativeBackendProvider, nativeRuntime, recordKernels, registerNativeBackend, type KernelRecorder } from '@fedloge/cuda-kernels';
import { BUILTIN_STRATEGIES } from '@fedloge/strategies';
import { createPatternFederation } from './fixtures/pattern-federation.js';
import { testContainer } from './fixtures/plugins.js';

const DOC = fileURLToPath(new URL('../packages/cuda-kernels/KERNELS.md', import.meta.url));
const WRITE_DOC = process.env.KERNELS_DOC_WRITE === '1';
const runtime = nativeRuntime();
const skipNote = 'addon' in runtime ? '' : ` (skipped: ${runtime.reason})`;

/** Model workloads: [model, input shape, batch, whether to train (else forward only)]. */
const MODEL_WORKLOADS: readonly [string, [number, number, number], number, boolean][] = [
  ['cnn', [8, 8, 1], 4, true],
  ['resnet8', [8, 8, 3], 4, true],
  ['resnet18', [8, 8, 3], 2, false],
  ['resnet34', [8, 8, 3], 1, false],
];

/** Small settings so one round of each strategy stays cheap (as in the baselines' simulation test). */
const FAST_OPTIONS: Record<string, object> = {
  fedloge: { etfSteps: 20 },
  fedbabu: { fineTuneEpochs: 1 },
  fedetf: { adaptation: { localEpochs: 1, rounds: 1 } },
  fedrep: { headEpochs: 1 },
  creff: { featuresPerClass: 4, matchSteps: 2, retrainEpochs: 2, retrainLr: 0.1, gradientDraws: 1 },
};

/** Kernel name → the workloads that ran it. */
const used = new Map<string, Set<string>>();
let recorder: KernelRecorder;

function collect(workload: string): void {
  for (const name of recorder.kernels.keys()) {
    const by = used.get(name) ?? new Set<string>();
    by.add(workload);
    used.set(name, by);
  }
  recorder.reset();
}

describe.skipIf(!('addon' in runtime))(`kernel contract of the native backend${skipNote}`, () => {
  beforeAll(async () => {
    registerBackendProvider(nativeBackendProvider);
    await initBackend({ backend: 'native', logger: silentLogger(), threads: 1 });
    recorder = recordKernels('native');
  });
  afterAll(() => recorder?.stop());

  for (const [model, shape, batch, train] of MODEL_WORKLOADS) {
    it(`records ${model}: ${train ? 'one training step and one evaluation' : 'one forward pass'}`, () => {
      const rng = new Rng(1);
      const plugin = CORE_MODEL_PLUGINS.find((p) => p.name === model)!;
      const net = plugin.create({ inputShape: shape, rng: rng.derive('backbone') }, {});
      const head = new LinearHead({ inputDim: net.featureDim, numClasses: 3, rng: rng.derive('head') });
      const x = tf.randomNormal([batch, ...shape], 0, 1, 'float32', 2) as tf.Tensor4D;
      const y = tf.tensor1d(
        Array.from({ length: batch }, (_, i) => i % 3),
        'int32',
      );
      recorder.reset(); // not the input construction
      if (train) {
        const opt = new SGD([...net.params.values(), ...head.params.values()], { lr: 0.01, momentum: 0.9 });
        const loss = minimize(opt, () => crossEntropy(head.apply(net.apply(x, 'train')), y));
        expect(Number.isFinite(loss)).toBe(true);
        opt.dispose();
      }
      const predicted = tf.tidy(() => tf.argMax(head.apply(net.apply(x, 'eval')), 1).dataSync());
      expect(predicted).toHaveLength(batch);
      collect(`${model} ${train ? 'train+eval' : 'forward'}`);
      tf.dispose([x, y]);
      net.dispose();
      head.dispose();
    });
  }

  const data = createPatternFederation({ numClasses: 3, trainPerClass: 16, testPerClass: 4, numClients: 3, seed: 7 });
  for (const name of Object.keys(BUILTIN_STRATEGIES)) {
    it(`records one round of ${name}`, async () => {
      const logger = silentLogger();
      const train = { localEpochs: 1, batchSize: 8, lr: 0.05, momentum: 0.5, weightDecay: 0 };
      const config = { rounds: 1, clientsPerRound: 2, evalEvery: 1, seed: 3, train };
      const run = buildClientRuntime(
        testContainer(),
        {
          strategy: { name, options: FAST_OPTIONS[name] },
          aggregator: { name: 'fedavg' },
          model: { backbone: { name: 'tiny-mlp', options: { featureDim: 6 } } },
          train,
          seed: config.seed,
          augment: true,
        },
        data,
        logger,
      );
      recorder.reset();
      const result = await new Simulation({ ...run, config, reporters: [], logger }).run();
      expect(result.rounds).toHaveLength(1);
      collect(name);
    });
  }

  it('every recorded kernel is registered for native, and KERNELS.md lists exactly the recorded set', () => {
    expect(used.size).toBeGreaterThan(20);
    const unregistered = [...used.keys()].filter((k) => !tf.getKernel(k, 'native'));
    expect(unregistered, 'kernels the framework runs that the native backend lacks').toEqual([]);

    const doc = kernelsDoc(used, new Set(registerNativeBackend()));
    if (WRITE_DOC) writeFileSync(DOC, doc);
    const listed = listedKernels(readFileSync(DOC, 'utf8'));
    const recorded = [...used.keys()].sort();
    expect(listed, `${DOC} is stale: regenerate it with \`npm run kernels-doc\``).toEqual(recorded);
  });
});

/** The kernel names in the doc's table (first column, in backticks). */
function listedKernels(doc: string): string[] {
  return [...doc.matchAll(/^\| `([A-Za-z0-9_]+)` \|/gm)].map((m) => m[1]!).sort();
}

function kernelsDoc(kernels: ReadonlyMap<string, ReadonlySet<string>>, native: ReadonlySet<string>): string {
  const strategies = Object.keys(BUILTIN_STRATEGIES);
  const names = [...kernels.keys()].sort();
  const usedBy = (by: ReadonlySet<string>) => {
    const models = [...by].filter((w) => !strategies.includes(w));
    const strats = strategies.filter((s) => by.has(s));
    const stratText = strats.length === strategies.length ? 'all strategies' : strats.join(', ');
    return [...models, stratText].filter(Boolean).join('; ');
  };
  const nativeCount = names.filter((n) => native.has(n)).length;
  return [
    '# Kernels the framework runs on the `native` backend',
    '',
    '<!-- Generated by test/kernel-contract.test.ts (`npm run kernels-doc`); do not edit by hand. -->',
    '',
    'Recorded on the `native` backend during one training step (forward, backward, SGD momentum) and one evaluation of',
    '`cnn` and `resnet8`, the forward pass of `resnet18` and `resnet34` (tiny images and batches), and one simulated',
    `round of each of the ${strategies.length} built-in strategies on the test MLP backbone:`,
    `${strategies.join(', ')}.`,
    'The kernel-contract test fails when this list differs from what the framework runs (the *native* column is the',
    'state when the doc was generated: native kernels land independently; it does not make the test fail).',
    '',
    `${names.length} kernels: ${nativeCount} native, ${names.length - nativeCount} on the tfjs-cpu JavaScript fallback.`,
    '',
    '| kernel | runs as | used by |',
    '|---|---|---|',
    ...names.map((n) => `| \`${n}\` | ${native.has(n) ? 'native' : 'tfjs-cpu fallback'} | ${usedBy(kernels.get(n)!)} |`),
    '',
  ].join('\n');
}
