import { describe, expect, it } from 'vitest';
import { pythonMissing, runPython } from '../__fixtures__/python.js';
import { fleetArray } from './fleet-array.js';
import { encodeNpz } from './npz.js';

const missing = pythonMissing(['numpy']);

describe('encodeNpz', () => {
  it.skipIf(missing !== undefined)(
    `is read by numpy.load with every name, dtype, shape and value${missing ? ` (skipped: ${missing})` : ''}`,
    () => {
      const npz = encodeNpz([
        ['backbone.conv1.weight', fleetArray('float32', [2, 3], Float32Array.from([1, -2, 3.5, 0, 1e-7, -0]))],
        ['head.bias', fleetArray('float32', [4], new Float32Array([0.25, 0.5, 0.75, 1]))],
        ['steps', fleetArray('int64', [], BigInt64Array.from([7n]))],
        ['ñandú', fleetArray('float64', [1, 1], Float64Array.from([Math.PI]))],
      ]);
      const out = runPython(
        [
          'import io, json, sys, numpy as np',
          'z = np.load(io.BytesIO(sys.stdin.buffer.read()), allow_pickle=False)',
          'print(json.dumps({k: [str(z[k].dtype), list(z[k].shape), z[k].ravel().tolist()] for k in z.files}))',
        ].join('\n'),
        npz,
      );
      expect(JSON.parse(out.toString())).toEqual({
        'backbone.conv1.weight': ['float32', [2, 3], [1, -2, 3.5, 0, Math.fround(1e-7), -0]],
        'head.bias': ['float32', [4], [0.25, 0.5, 0.75, 1]],
        steps: ['int64', [], [7]],
        ñandú: ['float64', [1, 1], [Math.PI]],
      });
    },
  );

  it('gives the same bytes for the same arrays and refuses a repeated name', () => {
    const a = (): [string, ReturnType<typeof fleetArray>][] => [['w', fleetArray('float32', [2], Float32Array.from([1, 2]))]];
    expect(Buffer.from(encodeNpz(a())).equals(Buffer.from(encodeNpz(a())))).toBe(true);
    expect(() => encodeNpz([...a(), ...a()])).toThrow(/'w' is given twice/);
  });
});
