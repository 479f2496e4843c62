/**
 * A federation of real processes for the network tests: `fedloge server` on a free port and
 * `fedloge client` processes (the built dist/, as users run them), optionally inside network
 * namespaces.
 */
import { join } from 'node:path';
import { FASHION_MNIST_DIR } from '../../__fixtures__/tiny-run.js';
import { spawnCli, type Exited } from '../../__fixtures__/spawn-cli.js';
import type { ChildProcess } from 'node:child_process';

export interface Spawned {
  readonly child: ChildProcess;
  readonly exited: Promise<Exited>;
  readonly stderr: () => string;
}

/** The tiny run's flags (wasm: single-threaded and deterministic, so every process computes the same numbers). */
export function tinyRunArgs(dir: string, out: string, { clients = 8, perRound = 4, rounds = 3 } = {}): string[] {
  return [
    '--partition',
    join(dir, 'tiny-partition.json'),
    '--data-dir',
    FASHION_MNIST_DIR,
    '--clients',
    String(clients),
    '--clients-per-round',
    String(perRound),
    '--rounds',
    String(rounds),
    '--eval-every',
    '1',
    '--batch-size',
    '16',
    '--backend',
    'wasm',
    '--seed',
    '11',
    '--strategy',
    'fedloge',
    '--kernels',
    'tfjs',
    '--aggregator',
    'fedavgm',
    '--workers',
    '0',
    '--out',
    out,
  ];
}

/** Resolves with the first match of `pattern` in the process's stderr. */
export async function waitForLine(p: Spawned, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  let over = false;
  void p.exited.then(() => (over = true));
  const until = Date.now() + timeoutMs;
  for (;;) {
    const m = pattern.exec(p.stderr());
    if (m) return m;
    if (over) throw new Error(`the process ended before printing ${pattern}:\n${p.stderr()}`);
    if (Date.now() > until) throw new Error(`no ${pattern} within ${timeoutMs} ms:\n${p.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Start the server on a free loopback port; resolves with it and its port once it listens. */
export async function startServer(args: string[], cwd: string, host = '127.0.0.1'): Promise<Spawned & { port: number }> {
  const p = spawnCli(['server', '--listen', `${host}:0`, '--insecure', ...args], cwd);
  const m = await waitForLine(p, /listening on [^\s]+:(\d+)/, 120_000);
  return { ...p, port: Number(m[1]) };
}

export function startClient(
  port: number,
  clients: string,
  out: string,
  cwd: string,
  extra: string[] = [],
  host = '127.0.0.1',
  wrap: readonly string[] = [],
): Spawned {
  return spawnCli(['client', '--server', `${host}:${port}`, '--clients', clients, '--insecure', '--out', out, ...extra], cwd, wrap);
}

/** SIGTERM the clients and wait for them. */
export async function stopAll(ps: readonly Spawned[]): Promise<void> {
  for (const p of ps) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  await Promise.all(ps.map((p) => p.exited));
}
