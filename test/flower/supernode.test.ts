/**
 * Flow (b): Flower 1.26's own SuperNode connection loop, running a Flower ClientApp, joins
 * `fedloge server --fab`: register, activate, heartbeat, GetRun, GetFab (the FAB Flower's builder
 * made, by Flower's hash), pull, confirm, store; the fedloge hello gets the Error reply Flower's
 * runtime gives a ClientApp without a query handler, the server takes the node as a Flower
 * ClientApp node, and two FedAvg rounds aggregate exactly what the ClientApp returned.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeCheckpoint } from '@fedloge/core';
import { tempDir } from '../../packages/cli/src/__fixtures__/tiny-run.js';
import { startServer, stopAll, type Spawned } from '../../packages/cli/src/network/__fixtures__/federation.js';
import { FLOWER_VERSION, flowerMissing, startHarness, type Harness } from './flower-source.js';
import { writeTinyFedAvg } from './tiny-fedavg.js';

interface NodeResult {
  ok: boolean;
  error?: string;
  checks: { check: string; ok: boolean; detail: unknown }[];
  messages: { type: string; reply_error: string | null; fab_hash: string; fab_in_ffs: boolean; run_config: Record<string, unknown> }[];
}

describe.skipIf(flowerMissing !== undefined)(
  `Flower ${FLOWER_VERSION}'s SuperNode with a Flower ClientApp against fedloge server${flowerMissing ? ` (skipped: ${flowerMissing})` : ''}`,
  () => {
    const running: Spawned[] = [];
    const harnesses: Harness[] = [];
    afterAll(async () => {
      await stopAll(running);
      for (const h of harnesses) await h.stop();
    });

    it('connects, fetches the run and its FAB, pulls and confirms, and its ClientApp replies are aggregated', async () => {
      const dir = tempDir('flower-supernode');
      const builder = startHarness('supernode_clientapp.py', ['fab', join(dir, 'app.fab')]);
      harnesses.push(builder);
      const { hash } = JSON.parse(await builder.line('FAB', 60_000)) as { hash: string };
      writeTinyFedAvg(dir, { clients: 1, rounds: 2, seed: 9, extra: { evalEvery: 2, checkpoint: { every: 1, keep: 2 } } });
      const server = await startServer(
        ['--config', join(dir, 'run.json'), '--fab', join(dir, 'app.fab'), '--out', join(dir, 'run'), '--join-timeout', '120'],
        dir,
      );
      running.push(server);
      const spec = {
        address: `127.0.0.1:${server.port}`,
        messages: 3,
        node_config: { 'partition-id': 0, 'num-examples': 40 },
        out: join(dir, 'supernode'),
      };
      writeFileSync(join(dir, 'spec.json'), JSON.stringify(spec));
      const node = startHarness('supernode_clientapp.py', ['run', join(dir, 'spec.json')]);
      harnesses.push(node);
      const result = JSON.parse(await node.line('RESULT', 300_000)) as NodeResult;
      const logs = `${node.stderr().slice(-3000)}\n${server.stderr().slice(-3000)}`;
      expect(result.error, logs).toBeUndefined();
      expect(
        result.checks.filter((c) => !c.ok),
        logs,
      ).toEqual([]);
      expect(result.ok, logs).toBe(true);

      const [hello, ...trains] = result.messages;
      expect(hello!.type).toBe('query');
      expect(hello!.reply_error).toMatch(/ClientApp|query/); // Flower's runtime error for an unregistered handler
      expect(trains.map((m) => [m.type, m.reply_error])).toEqual([
        ['train', null],
        ['train', null],
      ]);
      for (const m of result.messages) {
        expect(m.fab_hash).toBe(hash);
        expect(m.fab_in_ffs).toBe(true);
        // Flower fuses the FAB's [tool.flwr.app.config] with the run's override_config (GetRun).
        expect(m.run_config).toMatchObject({ 'local-epochs': 1, scale: 0.5 });
      }
      expect(result.checks.map((c) => c.check)).toEqual(
        expect.arrayContaining(['validate_message(train instruction)', 'validate_message(query instruction)', 'PushMessages(train reply)']),
      );

      const done = await server.exited;
      expect(done.code, server.stderr()).toBe(0);
      expect(server.stderr()).toMatch(/taking it as a Flower ClientApp node serving client 0/);
      // FedAvg over one node is that node's arrays: round 2's global is exactly half of round 1's.
      const ckpts = readdirSync(join(dir, 'run', 'checkpoints')).sort();
      const [r1, r2] = ckpts.map((n) => decodeCheckpoint(readFileSync(join(dir, 'run', 'checkpoints', n)), n).checkpoint);
      expect([r1!.round, r2!.round]).toEqual([1, 2]);
      for (const [k, a] of Object.entries(r2!.global)) {
        const b = r1!.global[k]!;
        expect(Array.from(a.data), k).toEqual(Array.from(b.data, (x) => Math.fround(x * 0.5)));
      }
    }, 600_000);
  },
);
