import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (p: string) => fileURLToPath(new URL(`./packages/${p}`, import.meta.url));

// Tests run against the TypeScript sources, so `npm test` never depends on a stale dist/.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@fedloge\/core\/data$/, replacement: src('core/src/data.ts') },
      { find: /^@fedloge\/core$/, replacement: src('core/src/index.ts') },
      { find: /^@fedloge\/datasets$/, replacement: src('datasets/src/index.ts') },
      { find: /^@fedloge\/strategies$/, replacement: src('strategies/src/index.ts') },
      { find: /^@fedloge\/cuda-kernels$/, replacement: src('cuda-kernels/src/index.ts') },
      { find: /^@fedloge\/cli$/, replacement: src('cli/src/index.ts') },
      { find: /^@fedloge\/fleet$/, replacement: src('fleet/src/index.ts') },
    ],
  },
  test: {
    // bench/*.test.ts run each benchmark in its smoke mode, so the manual benchmarks cannot rot.
    include: ['packages/*/src/**/*.test.ts', 'packages/*/bench/**/*.test.ts', 'test/**/*.test.ts'],
    // The cpu backend and the op gradients, as `@fedloge/core` registers them on import, for tests that
    // use tfjs directly (the cuda-kernels tests, which do not import core, included).
    setupFiles: ['packages/core/src/engine/tfjs-runtime.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default'],
    // Drop only tfjs's "Hi, looks like you are running TensorFlow.js in Node.js" banner, which every
    // test that touches a fresh cpu backend prints once (initBackend already hides it for runs; tests
    // that use tfjs directly get a new backend instance, so only the log can be filtered).
    onConsoleLog: (log) => !log.includes('Hi, looks like you are running TensorFlow.js in Node.js'),
  },
});
