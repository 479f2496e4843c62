/**
 * `exportInitial`: the arrays round 1 starts from, readable by numpy.load under our state keys, equal
 * to what the run itself started from (as its run-start reporter sees them).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger, type ArrayRecord } from '@fedloge/core';
import { pythonMissing, runPython } from '../../../fleet/src/__fixtures__/python.js';
import { FASHION_MNIST_DIR, tempDir, writeTinyPartition } from '../__fixtures__/tiny-run.js';
import { runFederation } from '../api/run-federation.js';

const missing = pythonMissing(['numpy']);

describe.skipIf(missing !== undefined)(`--export-initial${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('writes the starting global arrays as a .npz numpy reads, value for value', async () => {
    const dir = tempDir('export-initial');
    let started: ArrayRecord | undefined;
    await runFederation(
      {
        dataset: { dataDir: FASHION_MNIST_DIR },
        partition: writeTinyPartition(dir, 2, 20),
        clients: { total: 2, perRound: 2 },
        rounds: 1,
        backend: 'wasm',
        workers: 0,
        exportInitial: 'flower/init.npz',
        out: 'run',
      },
      {
        cwd: dir,
        logger: silentLogger(),
        reporters: [{ onRunStart: (info) => void (started = structuredClone(info.global)) }],
      },
    );
    const read = runPython(
      [
        'import json, sys, numpy as np',
        'z = np.load(sys.argv[1] if len(sys.argv) > 1 else sys.stdin.readline().strip())',
        'print(json.dumps({k: [str(z[k].dtype), list(z[k].shape), z[k].ravel().tolist()] for k in z.files}))',
      ].join('\n'),
      `${join(dir, 'flower', 'init.npz')}\n`,
    );
    const got = JSON.parse(read.toString()) as Record<string, [string, number[], number[]]>;
    expect(Object.keys(got)).toEqual(Object.keys(started!));
    for (const [k, a] of Object.entries(started!)) expect(got[k], k).toEqual(['float32', a.shape, Array.from(a.data)]);
  });
});
