import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createPatternFederation } from '../../../../test/fixtures/pattern-federation.js';
import { withCorruptTrainImages } from '../../../../test/fixtures/pattern-dataset.js';
import type { FederatedData } from '../dataset.js';
import type { Evaluation } from './evaluator.js';
import { testCoreContainer } from '../../../../test/fixtures/core-container.js';
import { PersonalHeadAvg, personalHeadAvgPlugin } from '../../../../test/fixtures/my-strategy.js';
import { registerPlugin } from '../plugins/registry.js';
import { silentLogger } from '../logger.js';
import { Rng } from '../random.js';
import type { ArrayRecord } from '../arrays.js';
import type { ClientTrainContext, ClientUpdate, TrainConfig } from '../strategy.js';
import { buildClientRuntime } from './client-runtime.js';
import { Simulation, type SimulationCheckpoint } from './simulation.js';
import type { SimulationConfig } from './simulation-config.js';
import type { Reporter } from './reporter.js';
import type { RoundRecord } from './records.js';
import { StrategyError } from './strategy-error.js';
import { GlobalModelError } from './global-health.js';

const data = createPatternFederation({ numClasses: 4, trainPerClass: 150, testPerClass: 40, numClients: 8, seed: 7 });
const baseConfig = {
  rounds: 3,
  clientsPerRound: 4,
  evalEvery: 2,
  seed: 11,
  train: { localEpochs: 2, batchSize: 16, lr: 0.1, momentum: 0.5, weightDecay: 0 },
} satisfies SimulationConfig;

function simulate(
  options: {
    strategy?: unknown;
    aggregator?: { name: string; options?: unknown };
    config?: Omit<Partial<SimulationConfig>, 'train'> & { train?: TrainConfig };
    reporters?: Reporter[];
    data?: FederatedData;
  } = {},
) {
  const federation = options.data ?? data;
  const container = testCoreContainer();
  registerPlugin(container, personalHeadAvgPlugin);
  const logger = silentLogger();
  const config = { ...baseConfig, ...options.config };
  const runtime = buildClientRuntime(
    container,
    {
      strategy: { name: 'personal-head-avg', options: options.strategy },
      aggregator: options.aggregator ?? { name: 'fedavg' },
      model: { backbone: { name: 'tiny-mlp', options: { featureDim: 12 } } },
      train: config.train,
      seed: config.seed,
      augment: true,
    },
    federation,
    logger,
  );
  const simulation = new Simulation({ ...runtime, config, reporters: options.reporters ?? [], logger });
  return { simulation, runtime, logger };
}

/** A record without its timings, for exact comparisons. */
function untimed(r: RoundRecord) {
  const { trainSeconds: _t, evalSeconds: _e, ...rest } = r;
  return { ...rest, clients: r.clients.map(({ seconds: _s, ...c }) => c) };
}

describe('Simulation', () => {
  it('trains, evaluates every evalEvery rounds and after the last, and learns the classes', async () => {
    const { simulation } = simulate();
    const result = await simulation.run();
    expect(result.rounds.map((r) => r.round)).toEqual([1, 2, 3]);
    expect(result.rounds.map((r) => r.gm !== undefined)).toEqual([false, true, true]);
    expect(result.rounds[0]!.evalSeconds).toBe(0);
    expect(result.final.round).toBe(3);
    for (const r of result.rounds) {
      expect(r.clients.map((c) => c.clientId)).toHaveLength(4);
      expect(new Set(r.clients.map((c) => c.clientId)).size).toBe(4);
      expect(r.trainLoss).toBeGreaterThan(0);
    }
    expect(Object.keys(result.final.variants).sort()).toEqual(['gm/avg', 'pm/personal', 'pm/personal/unmasked']);
    // 4 classes: chance is 0.25; the prototypes are easy to separate.
    expect(result.final.gm.acc).toBeGreaterThan(0.6);
    expect(result.perClassAccuracy).toHaveLength(4);
    expect(result.best.gm.metrics.acc).toBeGreaterThanOrEqual(result.final.gm.acc!);
    // States were stored for exactly the clients that trained.
    const trained = new Set(result.rounds.flatMap((r) => r.clients.map((c) => c.clientId)));
    expect(simulation.clientStates.clientIds()).toEqual([...trained].sort((a, b) => a - b));
  });

  it('gives identical records for the same seed and different ones for another seed', async () => {
    const a = await simulate().simulation.run();
    const b = await simulate().simulation.run();
    const c = await simulate({ config: { seed: 12 } }).simulation.run();
    expect(a.rounds.map(untimed)).toEqual(b.rounds.map(untimed));
    expect(c.rounds.map(untimed)).not.toEqual(a.rounds.map(untimed));
  });

  it('resumes from a checkpoint exactly where the uninterrupted run would be', async () => {
    const config = { rounds: 4, evalEvery: 1 };
    const whole = await simulate({ config }).simulation.run();

    // Checkpoint taken from a reporter mid-run, as a CLI would write it after round 2.
    let checkpoint!: SimulationCheckpoint;
    const first = simulate({
      config,
      reporters: [{ onRoundEnd: (r) => void (r.round === 2 && (checkpoint = first.simulation.checkpoint())) }],
    });
    await first.simulation.run();
    expect(checkpoint.round).toBe(2);
    const { runtime } = simulate();
    const rest = await new Simulation({
      ...runtime,
      config: { ...baseConfig, ...config },
      resume: checkpoint,
      logger: silentLogger(),
    }).run();

    expect(rest.rounds.map((r) => r.round)).toEqual([3, 4]);
    expect(rest.rounds.map(untimed)).toEqual(whole.rounds.slice(2).map(untimed));
    expect(rest.global).toEqual(whole.global);
    expect(() => new Simulation({ ...runtime, config: baseConfig, resume: { ...checkpoint, round: 3 } })).toThrow(
      /Cannot resume after round 3: expected a round in \[1, 2\]/,
    );
  });

  it('continues the unpredicted class-group count from the records a resume hands over, without reprinting', async () => {
    const config = { rounds: 4, evalEvery: 1, warnUnpredictedAfter: 2 };
    let checkpoint!: SimulationCheckpoint;
    const first = simulate({
      config,
      reporters: [{ onRoundEnd: (r) => void (r.round === 2 && (checkpoint = first.simulation.checkpoint())) }],
    });
    const whole = await first.simulation.run();
    const gm = Object.keys(whole.rounds[0]!.variants!).find((k) => k.startsWith('gm/'))!;
    // Rounds 1–2 as recorded, except that the headline GM predicted no head class in both (the head group is never empty).
    const history = whole.rounds
      .slice(0, 2)
      .map((r) => ({ ...r, gmPredicted: { ...r.gmPredicted, [gm]: { head: 0, middle: 1, tail: 1 } } }));
    const resumeWith = (h: RoundRecord[] | undefined) => {
      const logger = silentLogger();
      const { runtime } = simulate();
      const run = new Simulation({
        ...runtime,
        config: { ...baseConfig, ...config },
        resume: { ...checkpoint, ...(h ? { history: h } : {}) },
        logger,
      }).run();
      return { run, logger };
    };

    const resumed = resumeWith(history);
    const warned = (await resumed.run).warnings.filter((w) => w.variant === gm && w.group === 'head');
    expect(warned.map((w) => [w.fromRound, w.raisedAtRound])).toEqual([[1, 2]]);
    // Raised while replaying rounds 1–2, which printed their warnings before the interruption.
    expect(resumed.logger.warnings.filter((m) => m.startsWith(`${gm} `) && m.includes('head class'))).toEqual([]);
    // Without the records the count starts over at round 3.
    const fresh = resumeWith(undefined);
    expect((await fresh.run).warnings.filter((w) => w.variant === gm && w.group === 'head' && w.fromRound < 3)).toEqual([]);
  });

  it('keeps the number of live tensors constant across rounds', async () => {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const { simulation } = simulate({
      config: { rounds: 4, evalEvery: 1 },
      reporters: [{ onRoundEnd: () => void counts.push(tf.memory().numTensors) }],
    });
    await simulation.run();
    expect(counts).toEqual([before, before, before, before]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('scores PM the same from shared global features (heads) and from images (model)', async () => {
    const heads = await simulate({ strategy: { pmPredictor: 'heads' } }).simulation.run();
    const model = await simulate({ strategy: { pmPredictor: 'model' } }).simulation.run();
    for (const key of ['pm/personal', 'pm/personal/unmasked']) {
      const h = heads.final.variants[key]!;
      const m = model.final.variants[key]!;
      for (const g of ['acc', 'head', 'middle', 'tail'] as const) {
        if (h[g] === null) expect(m[g]).toBeNull();
        else expect(m[g]).toBeCloseTo(h[g]!, 10);
      }
    }
  });

  it('reports GM and PM numbers that match an independent computation', async () => {
    let last: Evaluation | undefined;
    const { simulation, runtime } = simulate({ config: { rounds: 2 }, reporters: [{ onEvaluation: (_r, e) => void (last = e) }] });
    const result = await simulation.run();
    const { dataset, partition } = data;
    // Predict every test image with the final global network, outside the evaluator.
    const predictor = runtime.strategy.globalPredictor(result.global, {
      numClients: 8,
      numClasses: 4,
      clientClassCounts: [],
      clientSizes: [],
      models: runtime.models,
      rng: new Rng(0),
      train: baseConfig.train,
      logger: silentLogger(),
    });
    const [h, w, c] = dataset.imageShape;
    const all = Array.from({ length: dataset.test.count }, (_, i) => i);
    const pixels = new Float32Array(all.length * h * w * c);
    dataset.fillBatch('test', all, pixels, { augment: false });
    const logits = tf.tidy(() => predictor.heads(predictor.features(tf.tensor4d(pixels, [all.length, h, w, c]))).avg!.arraySync());
    predictor.dispose();
    const predicted = logits.map((row) => row.indexOf(Math.max(...row)));
    const correct = predicted.filter((p, i) => p === dataset.test.labels[i]).length;
    expect(result.final.gm.acc).toBeCloseTo(correct / all.length, 12);
    // Masked PM of a client that never trained uses the global head: argmax over the classes
    // present in its local test set, on the same logits.
    const untrained = partition.trainIndices.map((_, k) => k).filter((k) => !simulation.clientStates.has(k));
    expect(untrained.length).toBeGreaterThan(0);
    for (const k of untrained) {
      const idx = partition.localTestIndices[k]!;
      if (idx.length === 0) {
        expect(last!.pmPerClient[k]).toBeNull();
        continue;
      }
      const present = new Set(idx.map((i) => dataset.test.labels[i]!));
      let hits = 0;
      for (const i of idx) {
        const row = logits[i]!;
        let best = -1;
        for (let cl = 0; cl < 4; cl++) if (present.has(cl) && (best < 0 || row[cl]! > row[best]!)) best = cl;
        if (best === dataset.test.labels[i]) hits++;
      }
      expect(last!.pmPerClient[k]).toBeCloseTo(hits / idx.length, 12);
    }
    // The headline PM is the mean over clients with local test data.
    const valid = last!.pmPerClient.filter((a): a is number => a !== null);
    expect(result.final.pm.acc).toBeCloseTo(valid.reduce((s, a) => s + a, 0) / valid.length, 12);
    // The result keeps the last evaluation's per-client PM (the report's per-client chart).
    expect(result.pmPerClient).toEqual(last!.pmPerClient);
  });

  it('calls reporter hooks in lifecycle order and skips missing ones', async () => {
    const events: string[] = [];
    const reporter: Reporter = {
      onRunStart: (info) => void events.push(`start:${info.strategy}:${info.config.clientsPerRound}`),
      onRoundStart: (round, clients) => void events.push(`round${round}:${clients.length}`),
      onClientTrained: (p) => void events.push(`client${p.done}/${p.total}`),
      onEvaluation: (round) => void events.push(`eval${round}`),
      onRoundEnd: (record) => void events.push(`end${record.round}`),
      onRunEnd: () => void events.push('done'),
    };
    await simulate({ config: { rounds: 2, clientsPerRound: 2 }, reporters: [reporter, {}] }).simulation.run();
    expect(events).toEqual([
      'start:personal-head-avg:2',
      'round1:2',
      'client1/2',
      'client2/2',
      'end1',
      'round2:2',
      'client1/2',
      'client2/2',
      'eval2',
      'end2',
      'done',
    ]);
  });

  it('leaves a diverged (non-finite) update out of aggregation with a warning', async () => {
    // Client 3's images are corrupt (NaN), so its weights become NaN; every client trains each round.
    const corrupt = withCorruptTrainImages(data.dataset, new Set(data.partition.trainIndices[3]));
    const { simulation, logger } = simulate({ data: { ...data, dataset: corrupt }, config: { rounds: 2, clientsPerRound: 8 } });
    const result = await simulation.run();
    for (const r of result.rounds) {
      expect(r.clients.filter((c) => c.discarded).map((c) => c.clientId)).toEqual([3]);
      expect(Number.isFinite(r.trainLoss)).toBe(true);
    }
    expect(logger.warnings.filter((w) => /client 3's update holds NaN or Infinity/.test(w))).toHaveLength(2);
    expect(simulation.clientStates.has(3)).toBe(false);
    expect(result.final.gm.acc).toBeGreaterThan(0.5);
  });

  it('keeps the global model when every update diverged', async () => {
    const corrupt = withCorruptTrainImages(data.dataset, new Set(data.partition.trainIndices.flat()));
    const { simulation, logger } = simulate({ data: { ...data, dataset: corrupt }, config: { rounds: 1 } });
    const result = await simulation.run();
    expect(result.rounds[0]!.clients.every((c) => c.discarded)).toBe(true);
    expect(
      logger.warnings.some((w) => /all 4 client updates were dropped \(NaN or Infinity\); the global model is kept unchanged/.test(w)),
    ).toBe(true);
    expect(result.rounds[0]!.trainLoss).toBeNull();
    expect(result.rounds[0]!.globalUpdated).toBe(false);
    expect(result.roundsWithoutUpdate).toEqual([1]);
  });

  it('records the rounds in which a learning rate of 1e20 left every update non-finite', async () => {
    const { simulation } = simulate({ config: { rounds: 2, train: { ...baseConfig.train, lr: 1e20 } } });
    const result = await simulation.run();
    expect(result.rounds.map((r) => r.globalUpdated)).toEqual([false, false]);
    expect(result.roundsWithoutUpdate).toEqual([1, 2]);
  });

  it('fails the round naming the aggregator and its options when the server step blows up the global model', async () => {
    const { simulation } = simulate({ aggregator: { name: 'fedavgm', options: { serverLearningRate: 1e30 } }, config: { rounds: 3 } });
    const error = await simulation.run().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GlobalModelError);
    expect((error as Error).message).toMatch(
      /^Round 1: the global model after aggregation was blown up .*aggregator fedavgm \(serverLearningRate: 1e30, serverMomentum: 0\.9\)/,
    );
    expect((error as Error).message).not.toMatch(/client \d/);
  });

  it('fails the round when the aggregation itself returns NaN, although every update was finite', async () => {
    class NaNAggregation extends PersonalHeadAvg {
      override aggregateTrain(...args: Parameters<PersonalHeadAvg['aggregateTrain']>): ArrayRecord {
        const out = super.aggregateTrain(...args) as ArrayRecord;
        const [key] = Object.keys(out);
        const data = out[key!]!.data.slice();
        data[0] = Number.NaN;
        return { ...out, [key!]: { shape: out[key!]!.shape, data } };
      }
    }
    const { runtime } = simulate({ aggregator: { name: 'fedadam', options: { eta: 0.5 } } });
    const strategy = new NaNAggregation({ name: 'personal-head-avg', aggregator: runtime.aggregator, options: { pmPredictor: 'heads' } });
    const error = await new Simulation({
      strategy,
      data,
      models: runtime.models,
      config: baseConfig,
      logger: silentLogger(),
      aggregator: runtime.aggregator,
    })
      .run()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GlobalModelError);
    expect((error as Error).message).toMatch(
      /^Round 1: the global model after aggregation holds NaN or Infinity \(first in '.+'\), although all 4 client updates aggregated were finite: aggregator fedadam \(eta: 0\.5, beta1: 0\.9, beta2: 0\.99, tau: 0\.001, weighting: "uniform"\) produced it/,
    );
  });

  it('re-throws errors from strategy hooks tagged with the strategy, hook, round and client', async () => {
    class FailingAggregation extends PersonalHeadAvg {
      override aggregateTrain(): ArrayRecord {
        throw new Error('boom');
      }
    }
    class FailingClient extends PersonalHeadAvg {
      override trainClient(ctx: ClientTrainContext): ClientUpdate {
        if (ctx.round === 2) throw new Error(`no data on client ${ctx.clientId}`);
        return super.trainClient(ctx);
      }
    }
    const { runtime } = simulate();
    const run = (strategy: PersonalHeadAvg) =>
      new Simulation({ strategy, data, models: runtime.models, config: baseConfig, logger: silentLogger() }).run().catch((e: unknown) => e);

    const aggregation = await run(
      new FailingAggregation({ name: 'personal-head-avg', aggregator: runtime.aggregator, options: { pmPredictor: 'heads' } }),
    );
    expect(aggregation).toBeInstanceOf(StrategyError);
    expect((aggregation as StrategyError).message).toBe("Strategy 'personal-head-avg' failed in aggregateTrain (round 1): boom");
    expect((aggregation as StrategyError).cause).toBeInstanceOf(Error);

    const client = (await run(
      new FailingClient({ name: 'personal-head-avg', aggregator: runtime.aggregator, options: { pmPredictor: 'heads' } }),
    )) as StrategyError;
    expect(client).toBeInstanceOf(StrategyError);
    expect(client.hook).toBe('trainClient');
    expect(client.round).toBe(2);
    expect(client.message).toBe(
      `Strategy 'personal-head-avg' failed in trainClient (round 2, client ${client.clientId}): no data on client ${client.clientId}`,
    );
  });

  it("headlines the PM the strategy's reference reports (unmasked unless it says masked), records both, and obeys a forced setting", async () => {
    const config = { rounds: 1 };
    const reference = await simulate({ config }).simulation.run();
    expect(reference.pmMasked).toBe(false); // personal-head-avg declares no referencePmMasking
    expect(reference.final.pm).toEqual(reference.final.variants['pm/personal/unmasked']);
    expect(reference.final.pmMasked).toEqual(reference.final.variants['pm/personal']);
    expect(reference.final.pmUnmasked).toEqual(reference.final.variants['pm/personal/unmasked']);

    class MaskedReference extends PersonalHeadAvg {
      readonly referencePmMasking = true;
    }
    const { runtime } = simulate();
    const masked = await new Simulation({
      strategy: new MaskedReference({ name: 'personal-head-avg', aggregator: runtime.aggregator, options: { pmPredictor: 'heads' } }),
      data,
      models: runtime.models,
      config: { ...baseConfig, ...config },
      logger: silentLogger(),
    }).run();
    expect(masked.pmMasked).toBe(true);
    expect(masked.final.pm).toEqual(masked.final.variants['pm/personal']);

    const forced = await simulate({ config: { ...config, pmMasking: true } }).simulation.run();
    expect(forced.pmMasked).toBe(true);
    expect(forced.final.pm).toEqual(forced.final.variants['pm/personal']);
  });

  it('rejects inconsistent sampling settings with the values involved', () => {
    expect(() => simulate({ config: { clientsPerRound: 9 } })).toThrow(/clientsPerRound: .*\[1, 8\].*received 9/);
    expect(() => simulate({ config: { fraction: 0.5 } })).toThrow(/fraction: 0.5 set together with \d+ clients per round; give only one/);
  });
});
