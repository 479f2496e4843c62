import { describe, expect, it } from 'vitest';
import { createPatternFederation } from '../../../../test/fixtures/pattern-federation.js';
import { testCoreContainer } from '../../../../test/fixtures/core-container.js';
import { personalHeadAvgPlugin } from '../../../../test/fixtures/my-strategy.js';
import { registerPlugin } from '../plugins/registry.js';
import { silentLogger } from '../logger.js';
import { buildClientRuntime } from './client-runtime.js';
import { CheckpointFileError, decodeCheckpoint, encodeCheckpoint } from './checkpoint-file.js';
import type { RoundRecord } from './records.js';
import type { Reporter } from './reporter.js';
import { withEarlierRounds } from './resumed-result.js';
import { Simulation, SimulationInterrupted, type SimulationCheckpoint } from './simulation.js';
import type { SimulationConfig } from './simulation-config.js';

const data = createPatternFederation({ numClasses: 4, trainPerClass: 60, testPerClass: 20, numClients: 6, seed: 3 });
const config = {
  rounds: 4,
  clientsPerRound: 3,
  evalEvery: 1,
  seed: 21,
  train: { localEpochs: 1, batchSize: 16, lr: 0.1, momentum: 0.5, weightDecay: 0 },
} satisfies SimulationConfig;

/** A strategy with per-client state (a personal head) over FedAvgM (server momentum state). */
function build(options: { reporters?: Reporter[]; resume?: SimulationCheckpoint; signal?: AbortSignal } = {}) {
  const container = testCoreContainer();
  registerPlugin(container, personalHeadAvgPlugin);
  const runtime = buildClientRuntime(
    container,
    {
      strategy: { name: 'personal-head-avg' },
      aggregator: { name: 'fedavgm', options: { serverMomentum: 0.9 } },
      model: { backbone: { name: 'tiny-mlp', options: { featureDim: 8 } } },
      train: config.train,
      seed: config.seed,
      augment: false,
    },
    data,
    silentLogger(),
  );
  const simulation = new Simulation({ ...runtime, config, logger: silentLogger(), ...options });
  return simulation;
}

const untimed = (r: RoundRecord) => {
  const { trainSeconds: _t, evalSeconds: _e, ...rest } = r;
  return { ...rest, clients: r.clients.map(({ seconds: _s, ...c }) => c) };
};

describe('checkpoint files', () => {
  it('round-trip every array bit for bit, and a run resumed from the file matches the uninterrupted run', async () => {
    const whole = await build().run();

    let bytes!: Buffer;
    const first: Simulation = build({
      reporters: [{ onRoundEnd: (r) => void (r.round === 2 && (bytes = encodeCheckpoint(first.checkpoint(), { hello: [1, 'x'] }))) }],
    });
    const firstResult = await first.run();
    const { checkpoint, meta } = decodeCheckpoint(bytes, 'test.ckpt');
    expect(meta).toEqual({ hello: [1, 'x'] });
    expect(checkpoint.round).toBe(2);
    // The personal heads of the clients trained so far, and FedAvgM's momentum, are in the file.
    expect(Object.keys(checkpoint.clientStates).some((k) => /^\d+\//.test(k))).toBe(true);
    expect(Object.keys(checkpoint.aggregatorState ?? {}).length).toBeGreaterThan(0);
    expect(Object.keys(checkpoint.aggregatorState!).every((k) => k.startsWith('momentum/'))).toBe(true);

    const rest = await build({ resume: checkpoint }).run();
    const joined = withEarlierRounds(firstResult.rounds.slice(0, 2), rest);
    expect(joined.rounds.map(untimed)).toEqual(whole.rounds.map(untimed));
    expect(joined.best).toEqual(whole.best);
    expect(rest.global).toEqual(whole.global);
  });

  it('refuses a truncated file and a file with a flipped byte, naming the file', async () => {
    let bytes!: Buffer;
    const sim: Simulation = build({
      reporters: [{ onRoundEnd: (r) => void (r.round === 1 && (bytes = encodeCheckpoint(sim.checkpoint(), {}))) }],
    });
    await sim.run();
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 8), 'cut.ckpt')).toThrow(/Checkpoint cut\.ckpt is unusable: .*promises/);
    expect(() => decodeCheckpoint(bytes.subarray(0, 20), 'cut.ckpt')).toThrow(CheckpointFileError);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 3]! ^= 0x10;
    expect(() => decodeCheckpoint(flipped, 'flip.ckpt')).toThrow(/flip\.ckpt .*SHA-256/);
    expect(() => decodeCheckpoint(Buffer.from('hello world, not a checkpoint'), 'x')).toThrow(/not a FedLoGe\.ts checkpoint/);
  });

  it('stops after the round in progress when its signal is aborted, after that round is reported', async () => {
    const stop = new AbortController();
    const ended: number[] = [];
    const sim = build({
      signal: stop.signal,
      reporters: [{ onRoundStart: (round) => void (round === 2 && stop.abort()), onRoundEnd: (r) => void ended.push(r.round) }],
    });
    const error = await sim.run().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SimulationInterrupted);
    expect((error as SimulationInterrupted).round).toBe(2);
    expect(ended).toEqual([1, 2]);
    expect((error as SimulationInterrupted).partial?.final.round).toBe(2);
    expect(sim.checkpoint().round).toBe(2);
  });
});
