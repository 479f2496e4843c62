/**
 * A tiny federated setting on the real Fashion-MNIST (Debian's dataset-fashion-mnist folder, which
 * CI installs): a few clients with a few dozen training images each, so a test trains in seconds.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PartitionFile } from '@fedloge/core';

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** `clients` clients with `perClient` consecutive train images each and 10 local test images each. */
export function tinyPartition(clients = 3, perClient = 40): PartitionFile {
  const range = (start: number, n: number) => Array.from({ length: n }, (_, i) => start + i);
  return {
    dataset: 'fashion-mnist',
    numClasses: 10,
    trainIndices: range(0, clients).map((k) => range(k * perClient, perClient)),
    localTestIndices: range(0, clients).map((k) => range(k * 10, 10)),
  };
}

/** A fresh temporary folder. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `fedloge-${prefix}-`));
}

/** Write `tinyPartition(...)` into `dir` and return the file path. */
export function writeTinyPartition(dir: string, clients = 3, perClient = 40): string {
  const file = join(dir, 'tiny-partition.json');
  writeFileSync(file, JSON.stringify(tinyPartition(clients, perClient)));
  return file;
}

/**
 * Flags of a one-round CLI run on `writeTinyPartition`'s file (3 clients, 2 a round, batch 16, wasm
 * on the main thread), for the commands' end-to-end tests.
 */
export const TINY_RUN_FLAGS: readonly string[] = [
  '--partition',
  'tiny-partition.json',
  '--data-dir',
  FASHION_MNIST_DIR,
  '--clients',
  '3',
  '--clients-per-round',
  '2',
  '--rounds',
  '1',
  '--batch-size',
  '16',
  '--backend',
  'wasm',
  '--workers',
  '0',
];
