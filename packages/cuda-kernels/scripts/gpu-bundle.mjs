#!/usr/bin/env node
// Bundles the GPU check's Node stage (src/backend/cuda/__fixtures__/node-stage.ts) with tfjs-core, tfjs-backend-cpu,
// @fedloge/core and this package's sources into one ES module, so a GPU machine with a bare Node binary and no
// node_modules can run it. The addon (fedkern.node) stays outside: it is loaded at run time from FEDKERN_ADDON_PATH.
//
//   node packages/cuda-kernels/scripts/gpu-bundle.mjs OUT.mjs
//
// Uses rolldown (in node_modules as vite's bundler; no dependency of its own).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'rolldown';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const packages = join(packageRoot, '..');
const out = process.argv[2];
if (!out) {
  console.error('usage: node scripts/gpu-bundle.mjs OUT.mjs');
  process.exit(2);
}

await build({
  input: join(packageRoot, 'src/backend/cuda/__fixtures__/node-stage.ts'),
  platform: 'node',
  // Loaded only by backends the stage never selects (core's optional tfjs-node, wasm): left as imports that fail
  // if ever reached, instead of bundling their binaries.
  external: [/^@tensorflow\/tfjs-node/, '@tensorflow/tfjs-backend-wasm'],
  resolve: {
    alias: {
      '@fedloge/core/data': join(packages, 'core/src/data.ts'),
      '@fedloge/core': join(packages, 'core/src/index.ts'),
    },
  },
  output: { file: out, format: 'esm', codeSplitting: false },
  logLevel: 'warn',
});
console.log(`[gpu-bundle] wrote ${out}`);
