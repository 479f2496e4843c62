import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { expectParity, nativeBackendAvailable, nativeSkipNote, randomTensor } from './__fixtures__/parity.js';
import type { NativeBackend } from './native-backend.js';

describe(`native backend: memory${nativeSkipNote}`, () => {
  it.skipIf(!nativeBackendAvailable)('reuses pooled buffers and returns copies from dataSync', async () => {
    await tf.setBackend('native');
    const backend = tf.backend() as NativeBackend;
    const info = backend.makeOutputInfo([4], 'float32', (v) => v.set([1, 2, 3, 4]));
    const t = tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor;
    const read = t.dataSync();
    t.dispose();
    const before = backend.pool.stats();
    const again = backend.makeOutputInfo([4], 'float32', (v) => v.fill(9));
    expect(backend.pool.stats().freshAllocations).toBe(before.freshAllocations);
    expect(Array.from(read)).toEqual([1, 2, 3, 4]);
    backend.disposeData(again.dataId);
    expect(backend.pool.stats().buffersInUse).toBe(before.buffersInUse);
  });

  it.skipIf(!nativeBackendAvailable)('keeps a buffer alive while a slice still views it', async () => {
    await tf.setBackend('native');
    const backend = tf.backend() as NativeBackend;
    const info = backend.makeOutputInfo([2, 3], 'float32', (v) => v.set([1, 2, 3, 4, 5, 6]));
    const x = tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor;
    const row = tf.slice(x, [1, 0], [1, 3]);
    x.dispose();
    backend.makeOutputInfo([2, 3], 'float32', (v) => v.fill(0));
    expect(Array.from(row.dataSync())).toEqual([4, 5, 6]);
    row.dispose();
  });
});

describe(`native backend: stock kernels run over native memory${nativeSkipNote}`, () => {
  it.skipIf(!nativeBackendAvailable)('a small program matches the cpu backend', async () => {
    await expectParity([randomTensor([3, 5], 1), randomTensor([5, 2], 2)], (a, b) => tf.softmax(tf.matMul(a!, b!)));
  });
});
