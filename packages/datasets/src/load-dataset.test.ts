import { describe, expect, it } from 'vitest';
import { FASHION_MNIST_DIR } from './__fixtures__/real-data.js';
import { DATASET_NAMES, loadDataset, type DatasetName } from './load-dataset.js';

describe('loadDataset', () => {
  it('knows the built-in data sets', () => {
    expect(DATASET_NAMES).toEqual(['fashion-mnist', 'cifar10', 'cifar100', 'imagenet-lt', 'inat2018', 'image-list']);
  });

  it('dispatches by name', async () => {
    const data = await loadDataset({ name: 'fashion-mnist', dataDir: FASHION_MNIST_DIR, download: false });
    expect(data.name).toBe('fashion-mnist');
    expect(data.numClasses).toBe(10);
  });

  it('lists the known names for an unknown one', async () => {
    await expect(loadDataset({ name: 'mnist' as DatasetName })).rejects.toThrow(
      "Unknown data set 'mnist'; the known ones are fashion-mnist, cifar10, cifar100, imagenet-lt, inat2018, image-list",
    );
  });
});
