import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RoundRecord } from '@fedloge/core';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../__fixtures__/tiny-run.js';
import { RunConfigSchema } from '../config/schema.js';
import { CheckpointWriter, configDifferences, configHash, readLatestCheckpoint } from './checkpoints.js';

const record = (round: number): RoundRecord => ({
  round,
  trainSeconds: 1,
  evalSeconds: 0,
  trainLoss: 0.5,
  trainMetrics: {},
  clients: [],
  globalUpdated: true,
});

describe('CheckpointWriter', () => {
  it('writes every k rounds and whenever the run is stopping, keeping the newest n', () => {
    const dir = tempDir('ckpt-every');
    const config = RunConfigSchema.parse({ checkpoint: { every: 2, keep: 2 } });
    let stopping = false;
    let round = 0;
    const writer = new CheckpointWriter({
      runDir: dir,
      config,
      state: () => ({ round, global: { w: { shape: [2], data: new Float32Array([round, -round]) } }, clientStates: {} }),
      stopping: () => stopping,
      startedAt: new Date(0),
      backend: 'cpu',
    });
    const files = () => readdirSync(join(dir, 'checkpoints'));
    for (round = 1; round <= 4; round++) writer.onRoundEnd(record(round));
    expect(files()).toEqual(['round-00002.ckpt', 'round-00004.ckpt']);
    stopping = true;
    round = 5;
    writer.onRoundEnd(record(5));
    expect(files()).toEqual(['round-00004.ckpt', 'round-00005.ckpt']);

    const latest = readLatestCheckpoint(dir)!;
    expect(latest.checkpoint.round).toBe(5);
    expect(Array.from(latest.checkpoint.global['w']!.data)).toEqual([5, -5]);
    expect(latest.meta.records.map((r) => r.round)).toEqual([1, 2, 3, 4, 5]);
    expect(latest.meta.configHash).toBe(configHash(config));
    expect(latest.meta.startedAt).toBe(new Date(0).toISOString());
    expect(latest.meta.backend).toBe('cpu');
  });
});

describe('config comparison for --resume', () => {
  const base = RunConfigSchema.parse({ rounds: 5, strategy: { name: 'fedloge', options: { sparsity: 0.5 } } });

  it('ignores where and how a run executes, and key order', () => {
    const moved = RunConfigSchema.parse({
      strategy: { options: { sparsity: 0.5 }, name: 'fedloge' },
      rounds: 5,
      workers: 0,
      out: '/elsewhere',
      checkpoint: { every: 3 },
    });
    expect(configDifferences(base, moved)).toEqual([]);
    expect(configHash(moved)).toBe(configHash(base));
  });

  it('names every key that changes the computation, with both values', () => {
    const changed = RunConfigSchema.parse({ rounds: 6, strategy: { name: 'fedloge', options: { sparsity: 0.7 } }, train: { lr: 0.1 } });
    expect(configDifferences(base, changed)).toEqual(['rounds: 5 → 6', 'strategy.options.sparsity: 0.5 → 0.7', 'train.lr: 0.03 → 0.1']);
    expect(configHash(changed)).not.toBe(configHash(base));
  });
});
