/**
 * `fedloge serverapp` as the ServerApp of a Flower 1.26 deployment: Flower's own SuperLink servicers
 * (Fleet API with its node-auth interceptor, ServerAppIo API, in-memory LinkState and ObjectStore;
 * harness/serverappio_deployment.py) carry the messages between our round loop and two
 * `fedloge client` processes joined to Flower's Fleet API. Three rounds of FedAvg must write the
 * metrics and the final model of the in-process `fedloge train` with the same settings, Flower's
 * LinkState must have stored every instruction and reply (after its `validate_message`), and the run
 * must end "finished:completed", both when attached to a running run (--run-id) and when launched
 * from a pending one as SuperExec launches `flwr-serverapp` (ListAppsToLaunch, RequestToken,
 * PullAppInputs, heartbeats, PushAppOutputs), including a run that a whole `flower-superlink` process
 * got through its Control API's StartRun (harness/deployment_start_run.py).
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { decodeCheckpoint } from '@fedloge/core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FASHION_MNIST_DIR, tempDir, writeTinyPartition } from '../../packages/cli/src/__fixtures__/tiny-run.js';
import { runCli } from '../../packages/cli/src/__fixtures__/run-cli.js';
import { spawnCli } from '../../packages/cli/src/__fixtures__/spawn-cli.js';
import { startClient, stopAll, waitForLine, type Spawned } from '../../packages/cli/src/network/__fixtures__/federation.js';
import { FLOWER_VERSION, flowerMissing, startHarness, type Harness } from './flower-source.js';

const ROUNDS = 3;

interface Stored {
  kind: string;
  stored: boolean;
  type: string;
  group: string;
  src: string;
  dst: string;
  error: string | null;
}

interface DeploymentResult {
  ok: boolean;
  status: { status: string; sub_status: string; details: string };
  statuses: string[];
  starting_at: boolean;
  running_at: boolean;
  finished_at: boolean;
  token_revoked: boolean;
  context_run_id: string | null;
  /** The ServerApp's log as the SuperLink keeps it (PushLogs; what `flwr log` shows). */
  log: string;
  instructions: Stored[];
  replies: Stored[];
  error?: string;
}

interface Ports {
  fleet: number;
  serverappio: number;
  run_id: string;
}

/** FedAvg on 2 tiny clients, evaluated once after the last round (evaluation is the slow part, the same code in both engines). */
const runArgs = (dir: string, out: string) => [
  '--partition',
  join(dir, 'tiny-partition.json'),
  '--data-dir',
  FASHION_MNIST_DIR,
  '--clients',
  '2',
  '--clients-per-round',
  '2',
  '--rounds',
  String(ROUNDS),
  '--eval-every',
  '100',
  '--batch-size',
  '16',
  '--backend',
  'wasm',
  '--seed',
  '7',
  '--strategy',
  'fedavg',
  '--workers',
  '0',
  '--out',
  out,
];

function untimedMetrics(out: string): unknown[] {
  return readFileSync(join(out, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const { trainSeconds: _t, evalSeconds: _e, clients, ...rest } = JSON.parse(line);
      return { ...rest, clients: clients.map(({ seconds: _s, ...c }: { seconds: number }) => c) };
    });
}

function lastCheckpoint(out: string) {
  const dir = join(out, 'checkpoints');
  const name = readdirSync(dir).sort().pop()!;
  return decodeCheckpoint(readFileSync(join(dir, name)), name);
}

/** Every round's record (metrics.jsonl holds the evaluated ones only), timings aside. */
function untimedRecords(out: string): unknown[] {
  const { meta } = lastCheckpoint(out);
  return (meta as { records: Record<string, unknown>[] }).records.map(({ trainSeconds: _t, evalSeconds: _e, clients, ...rest }) => ({
    ...rest,
    clients: (clients as { seconds: number }[]).map(({ seconds: _s, ...c }) => c),
  }));
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe.skipIf(flowerMissing !== undefined)(
  `fedloge serverapp against Flower ${FLOWER_VERSION}'s ServerAppIo and Fleet servicers${flowerMissing ? ` (skipped: ${flowerMissing})` : ''}`,
  () => {
    let dir: string;
    const running: Spawned[] = [];
    let harness: Harness | undefined;

    beforeAll(async () => {
      dir = tempDir('flower-serverapp');
      writeTinyPartition(dir, 2, 40);
      const { code, stderr } = await runCli(['train', ...runArgs(dir, join(dir, 'inproc'))], dir);
      expect(code, stderr).toBe(0);
    }, 600_000);

    afterEach(async () => {
      await stopAll(running.splice(0));
      await harness?.stop();
      harness = undefined;
    });

    async function deployment(name: string, mode: 'running' | 'pending'): Promise<Ports> {
      const spec = join(dir, `${name}.json`);
      writeFileSync(spec, JSON.stringify({ mode, out: join(dir, name), timeout: 400, run_config: { 'fedloge-test': name } }));
      harness = startHarness('serverappio_deployment.py', [spec]);
      return JSON.parse(await harness.line('PORTS', 120_000)) as Ports;
    }

    const result = async () => JSON.parse(await harness!.line('RESULT', 60_000)) as DeploymentResult;

    function joinClients(ports: Ports, name: string, extra: readonly string[][] = [[], []]): void {
      running.push(
        startClient(ports.fleet, '0', join(dir, `${name}-c0`), dir, [...extra[0]!]),
        startClient(ports.fleet, '1', join(dir, `${name}-c1`), dir, [...extra[1]!]),
      );
    }

    /** What Flower's LinkState stored: a hello per node, then a train instruction per node and round, each answered. */
    function expectMessages(r: DeploymentResult): void {
      expect(r.instructions.every((m) => m.stored && m.src === '1' && m.dst !== '1')).toBe(true);
      expect(r.replies.every((m) => m.stored && m.dst === '1' && m.error === null)).toBe(true);
      const nodes = [...new Set(r.instructions.map((m) => m.dst))].sort();
      expect(nodes.length).toBe(2);
      const count = (list: Stored[], type: string, group: string) =>
        nodes.map((n) => list.filter((m) => m.type === type && m.group === group && (m.kind === 'reply' ? m.src : m.dst) === n).length);
      expect(count(r.instructions, 'query', '')).toEqual([1, 1]);
      expect(count(r.replies, 'query', '')).toEqual([1, 1]);
      for (let round = 1; round <= ROUNDS; round++) {
        expect(count(r.instructions, 'train', String(round))).toEqual([1, 1]);
        expect(count(r.replies, 'train', String(round))).toEqual([1, 1]);
      }
    }

    function expectSameRun(out: string): void {
      expect(untimedMetrics(out)).toEqual(untimedMetrics(join(dir, 'inproc')));
      expect(untimedRecords(out)).toEqual(untimedRecords(join(dir, 'inproc')));
      expect(lastCheckpoint(out).checkpoint.global).toEqual(lastCheckpoint(join(dir, 'inproc')).checkpoint.global);
      const summary = (o: string) => JSON.parse(readFileSync(join(o, 'summary.json'), 'utf8')) as Record<string, unknown>;
      for (const key of ['final', 'best', 'perClassGm']) expect(summary(out)[key]).toEqual(summary(join(dir, 'inproc'))[key]);
    }

    it('--run-id: 3 FedAvg rounds through Flower’s SuperLink equal the in-process run; the run ends finished:completed', async () => {
      const ports = await deployment('attached', 'running');
      joinClients(ports, 'attached');
      const out = join(dir, 'attached-out');
      const app = spawnCli(
        ['serverapp', '--superlink', `127.0.0.1:${ports.serverappio}`, '--run-id', ports.run_id, '--insecure', ...runArgs(dir, out)],
        dir,
      );
      const { code, stderr } = await app.exited;
      expect(code, stderr).toBe(0);
      expect(stderr).toContain(`attached to Flower run ${ports.run_id}`);
      expect(stderr).toContain('clients: 2 of 2 joined');
      const r = await result();
      expect(r.error).toBeUndefined();
      expect(r.status).toEqual({ status: 'finished', sub_status: 'completed', details: '' });
      expectMessages(r);
      expectSameRun(out);
      // Our output reached the SuperLink's log for the run before the run was marked finished.
      expect(r.log).toContain(`attached to Flower run ${ports.run_id}`);
      expect(r.log).toContain(`round ${ROUNDS}/${ROUNDS}`);
      expect(r.log).toContain('Results after round');
    }, 600_000);

    it('launches a pending run as SuperExec does (token, heartbeats, PushAppOutputs) and equals the in-process run', async () => {
      const ports = await deployment('launched', 'pending');
      // Attaching needs a running run: the pending one is refused, with the way out.
      const refused = await spawnCli(
        [
          'serverapp',
          '--superlink',
          `127.0.0.1:${ports.serverappio}`,
          '--run-id',
          ports.run_id,
          '--insecure',
          ...runArgs(dir, join(dir, 'x')),
        ],
        dir,
      ).exited;
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(new RegExp(`run ${ports.run_id} is pending, not running.*Omit --run-id to launch`));

      joinClients(ports, 'launched');
      const out = join(dir, 'launched-out');
      const app = spawnCli(['serverapp', '--superlink', `127.0.0.1:${ports.serverappio}`, '--insecure', ...runArgs(dir, out)], dir);
      const { code, stderr } = await app.exited;
      expect(code, stderr).toBe(0);
      expect(stderr).toContain(`claimed pending run ${ports.run_id}`);
      const r = await result();
      expect(r.error).toBeUndefined();
      expect(r.status).toEqual({ status: 'finished', sub_status: 'completed', details: '' });
      // pending → starting (RequestToken) → running (PullAppInputs) → finished; the token is revoked by PushAppOutputs.
      expect(r.statuses[0]).toBe('pending');
      expect([r.starting_at, r.running_at, r.finished_at]).toEqual([true, true, true]);
      expect(r.token_revoked).toBe(true);
      expect(r.context_run_id).toBe(ports.run_id);
      expectMessages(r);
      expectSameRun(out);
    }, 600_000);

    it('launches a run that a whole flower-superlink process got through its Control API (as `flwr run` starts one)', async () => {
      // `flower-superlink --isolation process`: Flower spawns no SuperExec, so the run waits for an outside launcher.
      harness = startHarness('deployment_start_run.py', [join(dir, 'process'), '400']);
      const ports = JSON.parse(await harness.line('PORTS', 120_000)) as Ports;
      joinClients(ports, 'process');
      const out = join(dir, 'process-out');
      const app = spawnCli(['serverapp', '--superlink', `127.0.0.1:${ports.serverappio}`, '--insecure', ...runArgs(dir, out)], dir);
      const { code, stderr } = await app.exited;
      expect(code, stderr).toBe(0);
      expect(stderr).toContain(`claimed pending run ${ports.run_id}`);
      const r = JSON.parse(await harness.line('RESULT', 60_000)) as Pick<DeploymentResult, 'status' | 'statuses'>;
      expect(r.status).toEqual({ status: 'finished', sub_status: 'completed', details: '' });
      expect(r.statuses[0]).toBe('pending');
      expectSameRun(out);
    }, 600_000);

    it('stops when the run is stopped on the SuperLink (flwr stop), leaving it finished:stopped', async () => {
      const folder = join(dir, 'stopped');
      harness = startHarness('deployment_start_run.py', [folder, '400']);
      const ports = JSON.parse(await harness.line('PORTS', 120_000)) as Ports;
      joinClients(ports, 'stopped');
      const app = spawnCli(
        ['serverapp', '--superlink', `127.0.0.1:${ports.serverappio}`, '--insecure', ...runArgs(dir, join(dir, 'stopped-out'))],
        dir,
      );
      await waitForLine(app, /round 1\/3/, 300_000);
      writeFileSync(join(folder, 'stop-run'), '');
      const { code, stderr } = await app.exited;
      expect(code).not.toBe(0);
      expect(stderr).toMatch(
        new RegExp(`error: the SuperLink ended Flower run ${ports.run_id} \\(.*Run is finished\\. Stopped by user\\.\\)`),
      );
      const r = JSON.parse(await harness.line('RESULT', 60_000)) as Pick<DeploymentResult, 'status'> & { stopped: boolean };
      expect(r.stopped).toBe(true);
      expect(r.status).toEqual({ status: 'finished', sub_status: 'stopped', details: '' });
    }, 600_000);

    it('a node’s Error reply is reported, and too few nodes by the join timeout fail the run on the SuperLink', async () => {
      const ports = await deployment('short', 'running');
      // Client 1 cannot load its data: its node answers the hello with Flower's Error reply.
      joinClients(ports, 'short', [[], ['--data-dir', join(dir, 'no-such-folder')]]);
      const app = spawnCli(
        [
          'serverapp',
          '--superlink',
          `127.0.0.1:${ports.serverappio}`,
          '--run-id',
          ports.run_id,
          '--insecure',
          '--join-timeout',
          '60',
          ...runArgs(dir, join(dir, 'short-out')),
        ],
        dir,
      );
      const { code, stderr } = await app.exited;
      expect(code).toBe(1);
      // Flower's Error reply, as the SuperLink relayed it: the code's name and the node's reason.
      expect(stderr).toMatch(/node \d+ answered with an error \(clientAppRaisedException\): client 1: .*does not hold Fashion-MNIST/);
      expect(stderr).toContain('only 1 of 2 clients joined within 60 s');
      const r = await result();
      expect(r.status.status).toBe('finished');
      expect(r.status.sub_status).toBe('failed');
      expect(r.status.details).toContain('only 1 of 2 clients joined');
      expect(r.replies.filter((m) => m.type === 'query' && m.error !== null).length).toBe(1);
    }, 600_000);
  },
);

describe('fedloge serverapp without a SuperLink', () => {
  it('says the ServerAppIo API is unreachable and how to check it', async () => {
    const dir = tempDir('serverapp-unreachable');
    writeTinyPartition(dir, 2, 40);
    const port = await closedPort();
    const { code, stderr } = await spawnCli(
      ['serverapp', '--superlink', `127.0.0.1:${port}`, '--insecure', '--connect-timeout', '2', ...runArgs(dir, join(dir, 'out'))],
      dir,
    ).exited;
    expect(code).toBe(1);
    expect(stderr).toContain(`cannot reach the SuperLink's ServerAppIo API at 127.0.0.1:${port} within 2 s`);
    expect(stderr).toContain('--serverappio-api-address');
  }, 60_000);
});
