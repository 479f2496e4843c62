/**
 * Flow (a): two `fedloge client` processes as the nodes of Flower 1.26's own SuperLink (its Fleet API
 * servicer, LinkState and ObjectStore), driven by Flower's own FedAvg ServerApp strategy through
 * Flower's GrpcGrid and ServerAppIo servicer, 3 rounds. Flower checks every reply
 * (`validate_message`, `validate_message_reply_consistency`), and FedAvg's aggregate after each
 * round must equal our in-process FedAvg's global model on the same two clients.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger, type ArrayRecord, type Reporter } from '@fedloge/core';
import { runFederation } from '../../packages/cli/src/api/run-federation.js';
import { FASHION_MNIST_DIR, tempDir, writeTinyPartition } from '../../packages/cli/src/__fixtures__/tiny-run.js';
import { spawnCli } from '../../packages/cli/src/__fixtures__/spawn-cli.js';
import { stopAll, type Spawned } from '../../packages/cli/src/network/__fixtures__/federation.js';
import { readArrays, writeArrays, maxAbsDiff } from './arrays-npy.js';
import { FLOWER_VERSION, flowerMissing, startHarness, type Harness } from './flower-source.js';

const ROUNDS = 3;

interface HarnessResult {
  ok: boolean;
  checks: { check: string; ok: boolean; detail: unknown }[];
  rounds: { round: string; type: string; metrics: Record<string, number>[] }[];
  error?: string;
}

const copy = (a: ArrayRecord): ArrayRecord =>
  Object.fromEntries(Object.entries(a).map(([k, v]) => [k, { shape: [...v.shape], data: Float32Array.from(v.data) }]));

describe.skipIf(flowerMissing !== undefined)(
  `fedloge clients under Flower ${FLOWER_VERSION}'s SuperLink and FedAvg ServerApp${flowerMissing ? ` (skipped: ${flowerMissing})` : ''}`,
  () => {
    const running: Spawned[] = [];
    let harness: Harness | undefined;
    afterAll(async () => {
      await stopAll(running);
      await harness?.stop();
    });

    it('passes Flower’s reply checks for 3 rounds of train and evaluate, and FedAvg’s aggregate equals ours in-process', async () => {
      const dir = tempDir('flower-fedavg');
      const config = {
        strategy: { name: 'fedavg' },
        rounds: ROUNDS,
        clients: { total: 2, perRound: 2 },
        dataset: { dataDir: FASHION_MNIST_DIR },
        partition: writeTinyPartition(dir, 2, 40),
        backend: 'wasm',
        train: { batchSize: 16, lr: 0.05 },
        seed: 5,
        evalEvery: ROUNDS,
        workers: 0,
      } as const;
      // The clients' own config keeps the default lr (0.03); Flower's train config sends lr 0.05, which must win
      // (the in-process reference trains with 0.05), so equal arrays also show the config key took effect.
      const configFile = join(dir, 'run.json');
      writeFileSync(configFile, JSON.stringify({ ...config, train: { batchSize: 16 } }));

      // Our in-process FedAvg: the arrays it starts from and its global model after each round.
      const initial: ArrayRecord[] = [];
      const globals: ArrayRecord[] = [];
      const capture: Reporter = {
        onRunStart: (info) => void initial.push(copy(info.global)),
        onRoundEnd: (_record, snapshot) => void globals.push(copy(snapshot.global)),
      };
      await runFederation({ ...config, out: 'in-process' }, { cwd: dir, logger: silentLogger(), reporters: [capture] });
      expect(globals.length).toBe(ROUNDS);
      writeArrays(join(dir, 'init'), initial[0]!);

      const out = join(dir, 'flower');
      mkdirSync(out);
      const spec = {
        nodes: 2,
        rounds: ROUNDS,
        init: join(dir, 'init'),
        out,
        train_config: { lr: 0.05 },
        run_config: { 'fedloge-test': 'flow-a' },
        fraction_evaluate: 1.0,
      };
      writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
      harness = startHarness('superlink_fedavg.py', [join(dir, 'spec.json')]);
      const ports = JSON.parse(await harness.line('PORTS', 60_000)) as { fleet: number };
      for (const k of [0, 1]) {
        const p = spawnCli(
          [
            'client',
            '--server',
            `127.0.0.1:${ports.fleet}`,
            '--insecure',
            '--node-config',
            `partition-id=${k} num-partitions=2`,
            '--config',
            configFile,
            '--out',
            join(dir, `site-${k}`),
            '--heartbeat',
            '10',
          ],
          dir,
        );
        running.push(p);
      }
      const result = JSON.parse(await harness.line('RESULT', 540_000)) as HarnessResult;
      const logs = `${harness.stderr().slice(-3000)}\n${running.map((p) => p.stderr().slice(-1500)).join('\n')}`;
      expect(result.error, logs).toBeUndefined();
      const failed = result.checks.filter((c) => !c.ok);
      expect(failed, logs).toEqual([]);
      // Every round's train replies and evaluate replies went through Flower's checks.
      const checked = result.checks.map((c) => c.check);
      for (let r = 1; r <= ROUNDS; r++) {
        expect(checked).toContain(`validate_message_reply_consistency(round ${r} train)`);
        expect(checked).toContain(`validate_message_reply_consistency(round ${r} evaluate)`);
      }
      expect(checked.filter((c) => c.startsWith('validate_message(')).length).toBe(2 * 2 * ROUNDS);
      for (const round of result.rounds) {
        for (const m of round.metrics) {
          expect(m['num-examples']).toBe(round.type === 'train' ? 40 : 10);
          // Flower's template ClientApps' evaluate keys, which FedAvg averages by num-examples.
          if (round.type === 'evaluate') expect(Object.keys(m).sort()).toEqual(['eval_acc', 'eval_loss', 'num-examples']);
        }
      }

      for (let r = 1; r <= ROUNDS; r++) {
        const flower = readArrays(join(out, `round-${r}`));
        expect(maxAbsDiff(flower, globals[r - 1]!), `round ${r}`).toBeLessThan(1e-5);
      }
    }, 600_000);
  },
);
