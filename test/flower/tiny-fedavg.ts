/**
 * The small FedAvg runs the Flower flows train: Fashion-MNIST clients of 40 images, the wasm backend on the
 * main thread (single-threaded, so every process computes the same numbers), written to `<dir>/run.json`
 * for `fedloge client --config` / `fedloge server --config`.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FASHION_MNIST_DIR, writeTinyPartition } from '../../packages/cli/src/__fixtures__/tiny-run.js';

export interface TinyFedAvg {
  readonly clients: number;
  readonly rounds: number;
  readonly seed: number;
  /** More config keys (e.g. evalEvery, checkpoint, train). */
  readonly extra?: Readonly<Record<string, unknown>>;
}

export function writeTinyFedAvg(dir: string, { clients, rounds, seed, extra = {} }: TinyFedAvg) {
  const config = {
    strategy: { name: 'fedavg' },
    rounds,
    clients: { total: clients, perRound: clients },
    dataset: { dataDir: FASHION_MNIST_DIR },
    partition: writeTinyPartition(dir, clients, 40),
    backend: 'wasm',
    seed,
    workers: 0,
    ...extra,
  } as const;
  const file = join(dir, 'run.json');
  writeFileSync(file, JSON.stringify(config));
  return { config, file };
}
