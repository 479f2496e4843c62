/**
 * A `fedloge client` process driven the way a Flower ServerApp running Flower's FedAvg drives a
 * node: no fedloge hello, a train message holding only "arrays" (our state keys) and "config"
 * with "server-round". The client falls back to its `--config`, trains FedLoGe's client step and
 * replies with exactly one array record (the same keys) and one metric record with an integer
 * "num-examples", as Flower's strategies require; the local head stays in the client's own
 * client-states.ckpt.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { arrayRecord, configRecord, ErrorCode, fleetArray, FleetServer, recordDict } from '@fedloge/fleet';
import { decodeCheckpoint } from '@fedloge/core';
import { afterAll, describe, expect, it } from 'vitest';
import { FASHION_MNIST_DIR, tempDir, writeTinyPartition } from '../__fixtures__/tiny-run.js';
import { runCli } from '../__fixtures__/run-cli.js';
import { CLIENT_STATE_FILE } from './client-host.js';
import { startClient, stopAll, type Spawned } from './__fixtures__/federation.js';

describe('a fedloge client under a Flower-style server', () => {
  const running: Spawned[] = [];
  let server: FleetServer | undefined;
  afterAll(async () => {
    await stopAll(running);
    await server?.stop();
  });

  it('trains from "arrays" + "server-round" with its local config and answers in Flower FedAvg form', async () => {
    const dir = tempDir('flower');
    const partition = writeTinyPartition(dir, 4, 40);
    const config = join(dir, 'run.json');
    writeFileSync(
      config,
      JSON.stringify({
        strategy: { name: 'fedloge', options: { kernels: 'tfjs' } },
        rounds: 1,
        clients: { total: 4, perRound: 2 },
        dataset: { dataDir: FASHION_MNIST_DIR },
        partition,
        backend: 'wasm',
        train: { batchSize: 16 },
        seed: 3,
        evalEvery: 1,
      }),
    );
    // The initial arrays a ServerApp would send: a fedloge checkpoint's global model.
    const init = join(dir, 'init');
    const { code, stderr } = await runCli(['train', '--config', config, '--out', init], dir);
    expect(code, stderr).toBe(0);
    const ckptName = readdirSync(join(init, 'checkpoints'))[0]!;
    const global = decodeCheckpoint(readFileSync(join(init, 'checkpoints', ckptName)), ckptName).checkpoint.global;

    server = await FleetServer.start({ address: '127.0.0.1:0', run: { runId: 9n } });
    const client = startClient(server.port, '1', join(dir, 'site'), dir, ['--config', config]);
    running.push(client);
    const [nodeId] = await server.waitForNodes(1, 120_000);
    const arrays = arrayRecord(Object.entries(global).map(([k, a]) => [k, fleetArray('float32', a.shape, a.data)] as const));
    const messageId = server.send(nodeId!, {
      messageType: 'train',
      content: recordDict({ arrays, config: configRecord({ 'server-round': 2n }) }),
      groupId: '2',
    });
    const reply = await server.awaitReply(messageId, 240_000);
    expect(reply.error, client.stderr()).toBeUndefined();
    const records = [...reply.content!];
    expect(records.filter(([, r]) => r.kind === 'array').map(([n]) => n)).toEqual(['arrays']);
    expect(records.filter(([, r]) => r.kind === 'metric').map(([n]) => n)).toEqual(['metrics']);
    const update = reply.content!.get('arrays');
    expect(update?.kind === 'array' && [...update.arrays.keys()].sort()).toEqual(
      Object.keys(global)
        .filter((k) => !k.startsWith('local.'))
        .sort(),
    );
    const metrics = reply.content!.get('metrics');
    expect(metrics?.kind === 'metric' && metrics.values.get('num-examples')).toBe(40n);
    expect(metrics?.kind === 'metric' && typeof metrics.values.get('loss')).toBe('number');
    // A message type we do not serve (Flower's "system", a SecAgg+ stage) gets an Error reply, not a crash.
    for (const messageType of ['system', 'secagg.stage']) {
      const other = server.send(nodeId!, { messageType, content: recordDict({ config: configRecord({ 'server-round': 2n }) }) });
      const refused = await server.awaitReply(other, 60_000);
      expect(refused.content).toBeUndefined();
      expect(refused.error?.code).toBe(ErrorCode.clientAppRaisedException);
      expect(refused.error?.reason).toMatch(new RegExp(`message type '${messageType}' is not served by fedloge clients`));
    }
    // FedLoGe's local head never left the client: it is in the client's own checkpoint.
    await stopAll(running.splice(0));
    const stateFile = join(dir, 'site', CLIENT_STATE_FILE);
    const states = decodeCheckpoint(readFileSync(stateFile), stateFile).checkpoint.clientStates;
    expect(Object.keys(states).some((k) => /^1\/local\./.test(k))).toBe(true);
  }, 600_000);
});
