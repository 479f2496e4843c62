// The oneDNN kernels from several Node worker threads at once: each thread has its own engine, stream, scratch and
// primitive caches, so concurrent calls (on the same and on different shapes) give the single-threaded results.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

import { nativeAddon, nativeStatus } from '../../load.js';
import { maxRelativeError, nativeBackendAvailable, nativeSkipNote, randomTensor } from '../__fixtures__/parity.js';

// Each worker loads the addon itself and runs every case `rounds` times, checking its results stay identical.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const addon = require(workerData.path);
addon.setNumThreads(1);
const results = workerData.cases.map((c) => {
  let first;
  for (let r = 0; r < workerData.rounds; r++) {
    const y = new Float32Array(c.outLength);
    addon.conv2dForward(c.x, c.w, c.geometry, y);
    const dw = new Float32Array(c.w.length);
    addon.conv2dBackwardFilter(c.x, y, c.geometry, dw);
    if (!first) first = [y, dw];
    else if (y.some((v, i) => v !== first[0][i]) || dw.some((v, i) => v !== first[1][i])) throw new Error('results changed between rounds');
  }
  return first;
});
parentPort.postMessage(results);
`;

interface ConvCase {
  readonly x: Float32Array;
  readonly w: Float32Array;
  readonly geometry: Int32Array;
  readonly outLength: number;
}

function convCase(seed: number, n: number, size: number, inC: number, outC: number, stride: number): ConvCase {
  const out = Math.floor((size + 2 - 3) / stride) + 1;
  return {
    x: randomTensor([n, size, size, inC], seed).values as Float32Array,
    w: randomTensor([3, 3, inC, outC], seed + 1).values as Float32Array,
    geometry: Int32Array.from([n, size, size, inC, out, out, outC, 3, 3, stride, stride, 1, 1, 1, 1, 1, 1]),
    outLength: n * out * out * outC,
  };
}

function runWorker(path: string, cases: readonly ConvCase[], rounds: number): Promise<Float32Array[][]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER, { eval: true, workerData: { path, cases, rounds } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

describe(`native oneDNN kernels from several worker threads${nativeSkipNote}`, () => {
  it.skipIf(!nativeBackendAvailable)('concurrent convolutions match the main thread', async () => {
    const status = nativeStatus();
    if (!status.loaded) throw new Error('addon not loaded');
    const addon = nativeAddon()!;
    const cases = [convCase(1, 4, 12, 8, 16, 1), convCase(3, 2, 9, 16, 8, 2), convCase(5, 3, 10, 4, 12, 1)];
    // The workers run one thread each, so the reference does too: oneDNN's NHWC filter-gradient kernels
    // split the batch reduction by thread count, which moves dW in the last bits (2e-5 seen at 2 threads).
    const threadsBefore = addon.libraryInfo!().threads;
    addon.setNumThreads!(1);
    const expected = cases.map((c) => {
      const y = new Float32Array(c.outLength);
      addon.conv2dForward!(c.x, c.w, c.geometry, y);
      const dw = new Float32Array(c.w.length);
      addon.conv2dBackwardFilter!(c.x, y, c.geometry, dw);
      return [y, dw];
    });
    addon.setNumThreads!(threadsBefore);
    // Three workers over the same cases in rotated orders: shared shapes, different cache fill orders.
    const orders = [
      [0, 1, 2],
      [1, 2, 0],
      [2, 0, 1],
    ];
    const results = await Promise.all(
      orders.map((order) =>
        runWorker(
          status.path,
          order.map((i) => cases[i]!),
          8,
        ),
      ),
    );
    results.forEach((perWorker, w) =>
      perWorker.forEach(([y, dw], k) => {
        const [ey, edw] = expected[orders[w]![k]!]!;
        expect(maxRelativeError(y!, ey!)).toBeLessThanOrEqual(1e-5);
        expect(maxRelativeError(dw!, edw!)).toBeLessThanOrEqual(1e-5);
      }),
    );
  });
});
