import { Rng } from '@fedloge/core/data';
import { describe, expect, it } from 'vitest';

import { cudaAvailable, cudaSkipNote, expectClose, nativeLoaded, nativeSkipNote, randomFloats } from './__fixtures__/kernel-data.js';
import { matchRowNorms } from './match-row-norms.js';
import { matchRowNormsImpl } from './match-row-norms.impl.js';

const rng = new Rng(17).derive('match-row-norms.test');
/** Any fill value: the package gives a masked row no meaning of its own (FedLoGe's −1e10 lives in strategies). */
const MASKED = -1e10;

/** [name, clients, classes, dim, masked] */
const CASES: Array<[string, number, number, number, boolean]> = [
  ['random, dim not a multiple of 4 or 8, masked', 7, 13, 129, true],
  ['single class', 4, 1, 16, false],
  ['no clients', 0, 10, 8, true],
  ['FedLoGe C100 × 512, 20 clients (threads)', 20, 100, 512, true],
];

function makeCase(name: string, clients: number, classes: number, dim: number, withMask: boolean) {
  const r = rng.derive(name);
  const g = randomFloats(r, classes * dim, 0.1);
  const locals = randomFloats(r, clients * classes * dim, 0.1);
  // a local row of zeros: its realigned row must be zero (norm 0), not NaN
  if (clients > 0) locals.fill(0, 0, dim);
  const masked = withMask ? Uint8Array.from({ length: clients * classes }, () => (r.float() < 0.3 ? 1 : 0)) : null;
  return { g, locals, masked };
}

describe('matchRowNorms: TypeScript reference', () => {
  it('scales the global row by the local norm and fills masked rows with the given value', () => {
    // g = [[1, 2], [3, 4]]; client 0 local rows have norms 5 and 1; client 1 masks class 0
    const g = new Float32Array([1, 2, 3, 4]);
    const locals = new Float32Array([3, 4, 0, 1, 9, 9, 0, 2]);
    const out = matchRowNormsImpl(g, 2, 2, locals, 2, new Uint8Array([0, 0, 1, 0]), -2.5, new Float32Array(8));
    expect(Array.from(out)).toEqual([5, 10, 3, 4, -2.5, -2.5, 6, 8].map(Math.fround));
  });
});

describe(`matchRowNorms: native CPU vs reference${nativeSkipNote}`, () => {
  it.skipIf(!nativeLoaded).each(CASES)('%s', (name, clients, classes, dim, withMask) => {
    const { g, locals, masked } = makeCase(name, clients, classes, dim, withMask);
    const expected = matchRowNormsImpl(g, classes, dim, locals, clients, masked, MASKED, new Float32Array(locals.length));
    expectClose(matchRowNorms(g, locals, dim, { masked, maskedValue: MASKED, device: 'cpu' }), expected);
  });
});

describe(`matchRowNorms: CUDA vs reference${cudaSkipNote}`, () => {
  it.skipIf(!cudaAvailable).each(CASES)('%s', (name, clients, classes, dim, withMask) => {
    const { g, locals, masked } = makeCase(name, clients, classes, dim, withMask);
    const expected = matchRowNormsImpl(g, classes, dim, locals, clients, masked, MASKED, new Float32Array(locals.length));
    expectClose(matchRowNorms(g, locals, dim, { masked, maskedValue: MASKED, device: 'cuda' }), expected, 1e-5);
  });
});

describe('matchRowNorms: argument checks', () => {
  const g = new Float32Array(6); // C = 3, dim = 2
  it.each([
    // locals must hold whole [C × dim] heads
    ['partial head', () => matchRowNorms(g, new Float32Array(8), 2), /matchRowNorms\(locals\).*not a multiple of 6/],
    // one flag per (client, class)
    ['mask length', () => matchRowNorms(g, new Float32Array(12), 2, { masked: new Uint8Array(3) }), /clients × classes = 6 flags/],
    // booleans must be packed into a Uint8Array
    [
      'mask type',
      () => matchRowNorms(g, new Float32Array(6), 2, { masked: [true] as unknown as Uint8Array }),
      /Uint8Array for matchRowNorms\(options.masked\)/,
    ],
    // a mask needs the value of a masked row
    [
      'mask without maskedValue',
      () => matchRowNorms(g, new Float32Array(6), 2, { masked: new Uint8Array(3) }),
      /matchRowNorms\(options.maskedValue\)/,
    ],
    // an empty global head has no classes
    ['empty global', () => matchRowNorms(new Float32Array(0), new Float32Array(0), 2), /at least one class row/],
  ])('rejects bad %s', (_name, call, message) => {
    expect(call).toThrow(message);
  });
});
