import { homedir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetCacheDir } from './cache-dir.js';

describe('datasetCacheDir', () => {
  it('defaults to ~/.cache/fedloge/<dataset>', () => {
    expect(datasetCacheDir('cifar10', {})).toBe(join(homedir(), '.cache', 'fedloge', 'cifar10'));
  });

  it('moves under $FEDLOGE_CACHE when set (and ignores it when empty)', () => {
    expect(datasetCacheDir('fashion-mnist', { FEDLOGE_CACHE: '/data/cache' })).toBe('/data/cache/fashion-mnist');
    expect(datasetCacheDir('fashion-mnist', { FEDLOGE_CACHE: '' })).toBe(join(homedir(), '.cache', 'fedloge', 'fashion-mnist'));
  });
});
