/**
 * Where the tests find the real data: CIFAR-10 in `$FEDLOGE_CIFAR10_DIR`, else the team machine's data folder,
 * Fashion-MNIST where Debian's `dataset-fashion-mnist` installs it (CI installs it with apt).
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CIFAR10, loadCifar } from '../cifar.js';
import { loadFashionMnist } from '../fashion-mnist.js';
import type { InMemoryImageDataset } from '../in-memory-image-dataset.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
/** `$FEDLOGE_CIFAR10_DIR` overrides the team machine's default (e.g. in a git worktree elsewhere). */
export const CIFAR10_DIR = process.env['FEDLOGE_CIFAR10_DIR'] ?? resolve(REPO_ROOT, '../shared/data/cifar-10-batches-bin');
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** The real CIFAR-10 (about 180 MB of files: load it once per test file). */
export function loadRealCifar10(): Promise<InMemoryImageDataset> {
  return loadCifar(CIFAR10, { dataDir: CIFAR10_DIR, download: false, cacheDir: '/nonexistent-fedloge-test-cache' });
}

/** The real Fashion-MNIST from the Debian package folder. */
export function loadRealFashionMnist(): Promise<InMemoryImageDataset> {
  return loadFashionMnist({ dataDir: FASHION_MNIST_DIR, download: false, cacheDir: '/nonexistent-fedloge-test-cache' });
}
