/**
 * The network engine without sockets: `trainRun` drives clients hosted by two `ClientHost`s (2 ×
 * 2 clients) through the network executor over an in-memory Fleet link, and writes the same
 * metrics.jsonl (timings aside) and the same final checkpoint as the in-process run with the
 * same seed. FedLoGe, so the clients' local heads (client state) must travel correctly.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InlineExecutor, buildClientRuntime, decodeCheckpoint, type ClientRuntimeSpec, type Logger } from '@fedloge/core';
import { loadDataset, type LoadDatasetOptions } from '@fedloge/datasets';
import { beforeAll, describe, expect, it } from 'vitest';
import { FASHION_MNIST_DIR, tempDir, writeTinyPartition } from '../__fixtures__/tiny-run.js';
import { captureStream } from '../__fixtures__/capture-stream.js';
import { runCli } from '../__fixtures__/run-cli.js';
import { parseConfigArgs } from '../config/flags.js';
import { resolveConfig } from '../config/resolve.js';
import { buildPluginContainer } from '../runtime/plugin-container.js';
import { trainRun } from '../run/train-run.js';
import { ClientHost } from './client-host.js';
import { MemoryLink } from './__fixtures__/memory-link.js';
import { networkEngine } from './network-engine.js';

const quiet: Logger = { info: () => {}, warn: () => {}, debug: () => {} };

function runArgs(dir: string, out: string): string[] {
  return [
    '--partition',
    join(dir, 'tiny-partition.json'),
    '--data-dir',
    FASHION_MNIST_DIR,
    '--clients',
    '4',
    '--clients-per-round',
    '3',
    '--rounds',
    '3',
    '--eval-every',
    '1',
    '--batch-size',
    '16',
    '--backend',
    'wasm',
    '--seed',
    '7',
    '--strategy',
    'fedloge',
    '--kernels',
    'tfjs',
    '--workers',
    '0',
    '--out',
    out,
  ];
}

export function untimedMetrics(out: string): unknown[] {
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
  const names = readdirSync(dir).sort();
  return decodeCheckpoint(readFileSync(join(dir, names[names.length - 1]!)), names[names.length - 1]!).checkpoint;
}

/** Clients trained on the calling thread from the spec, as a worker rebuilds them. */
async function inlineExecutor(spec: ClientRuntimeSpec) {
  const container = await buildPluginContainer(spec.pluginModules, spec.pluginBaseDir);
  const dataset = await loadDataset({ ...(spec.dataset as unknown as LoadDatasetOptions), download: false });
  return new InlineExecutor(buildClientRuntime(container, spec, { dataset, partition: spec.partition }, quiet));
}

describe('network engine over an in-memory link', () => {
  let dir: string;
  beforeAll(async () => {
    dir = tempDir('net-engine');
    writeTinyPartition(dir, 4, 40);
    const { code, stderr } = await runCli(['train', ...runArgs(dir, join(dir, 'inproc'))], dir);
    expect(code, stderr).toBe(0);
  }, 300_000);

  it('matches the in-process run: metrics.jsonl and final checkpoint', async () => {
    const link = new MemoryLink();
    const hosts = [0, 1].map((p) => new ClientHost({ clientIds: [2 * p, 2 * p + 1], makeExecutor: inlineExecutor, logger: quiet }));
    const out = join(dir, 'network');
    const resolved = resolveConfig(parseConfigArgs(runArgs(dir, out), dir), dir);
    const engine = networkEngine({
      open: async () => {
        // Nodes join once the server listens; node ids are unrelated to client ids.
        setImmediate(() =>
          hosts.forEach((h, p) => h.clientIds.forEach((k, i) => link.connect(`node-${p}-${i}`, (t, c) => h.handle(k, t, c)))),
        );
        return { link, address: 'memory', close: async () => {} };
      },
      runId: 'test-run',
      roundTimeoutSeconds: 60,
      minClients: undefined,
      retries: 0,
      joinTimeoutSeconds: 30,
      clientsPerRound: 3,
      logger: quiet,
      say: () => {},
    });
    await trainRun(
      resolved,
      { cwd: dir, stdout: captureStream(), stderr: captureStream(), logger: quiet, tty: false },
      { executor: engine },
    );
    expect(untimedMetrics(out)).toEqual(untimedMetrics(join(dir, 'inproc')));
    const a = lastCheckpoint(out);
    const b = lastCheckpoint(join(dir, 'inproc'));
    expect(a.global).toEqual(b.global);
    expect(a.clientStates).toEqual(b.clientStates);
    expect(link.sent.filter((s) => s.type === 'query')).toHaveLength(4);
    expect(link.sent.filter((s) => s.type === 'train')).toHaveLength(9);
    await Promise.all(hosts.map((h) => h.dispose()));
  }, 300_000);
});
