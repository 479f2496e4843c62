#!/usr/bin/env node
/**
 * Writes the SSE-C FedLoGe builds for a run (weight [C, d] and bias [C], from the run's root seed) to a
 * numpy .npz, for the whole-run PyTorch reference (torch_fedloge_run.py). The SSE-C is never sent in a
 * run (every process rebuilds it from the seed), so `--export-initial` does not hold it.
 *
 *   node results/tools/export-sse-c.mjs --seed 3407 --feature-dim 64 --classes 10 [--etf-norm 0.1] --out sse-c.npz
 *
 * Built on the `native` backend, as the runs it serves (the Adam refinement rounds per backend).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { consoleLogger, initBackend } from '@fedloge/core';
import { FedLoGe } from '@fedloge/strategies';
import { encodeNpz, fleetArray } from '@fedloge/fleet';
import { registerAddonBackends } from '../../packages/cli/dist/run/backend-providers.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    'feature-dim': { type: 'string' },
    classes: { type: 'string' },
    'etf-norm': { type: 'string' },
    out: { type: 'string' },
    backend: { type: 'string', default: 'native' },
  },
});
const need = (name) => {
  if (values[name] === undefined) throw new Error(`export-sse-c: --${name} is missing (see the usage at the top of the file)`);
  const n = Number(values[name]);
  if (!Number.isFinite(n)) throw new Error(`export-sse-c: --${name} must be a number, got '${values[name]}'`);
  return n;
};
const seed = need('seed');
const featureDim = need('feature-dim');
const classes = need('classes');
if (values.out === undefined) throw new Error('export-sse-c: --out <file.npz> is missing');

registerAddonBackends();
await initBackend({ backend: values.backend, logger: consoleLogger, threads: 1 });
const options = values['etf-norm'] !== undefined ? { etfNorm: Number(values['etf-norm']) } : {};
const strategy = new FedLoGe({ options, logger: consoleLogger });
const { sseC } = strategy.sseCFor(seed, featureDim, classes);
writeFileSync(
  values.out,
  encodeNpz([
    ['weight', fleetArray('float32', [classes, featureDim], sseC.weight)],
    ['bias', fleetArray('float32', [classes], sseC.bias)],
  ]),
);
console.log(`sse-c: [${classes}, ${featureDim}] (seed ${seed}, ${values.backend}) written to ${values.out}`);
