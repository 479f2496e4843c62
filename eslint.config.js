// ESLint flat config: typescript-eslint's recommended rules, no import cycles, kebab-case file names.
// Formatting is Prettier's job (`npm run format:check`), not ESLint's.
import js from '@eslint/js';
import checkFile from 'eslint-plugin-check-file';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * Files named in another style, kept until the rename that the naming-convention change does by
 * script (issue 10, item 8). Delete each entry when its file is renamed, and this list with the last.
 */
const NOT_YET_RENAMED = [
  // snake_case
  'packages/core/src/engine/fused/batch-norm-train-grad.ts',
  'packages/core/src/engine/fused/fused-contracts.test.ts',
  'packages/core/src/engine/fused/has-fused-kernel.ts',
  'packages/core/src/engine/fused/kernel-names.ts',
  'packages/core/src/engine/kernels/call-kernel.ts',
  'packages/core/src/engine/kernels/conv2d-geometry.ts',
  'packages/core/src/engine/kernels/register-all-kernels.test.ts',
  'packages/core/src/engine/kernels/register-all-kernels.ts',
  'packages/core/src/models/__fixtures__/grad-check.ts',
  'packages/core/src/models/input-checks.ts',
  'packages/core/src/models/small-cnn.test.ts',
  'packages/core/src/models/small-cnn.ts',
  'packages/core/src/nn/batch-norm.test.ts',
  'packages/core/src/nn/batch-norm.ts',
  'packages/core/src/nn/batch-norm-train.ts',
  'packages/core/src/nn/conv-bn.ts',
  'packages/core/src/nn/linear-head.test.ts',
  'packages/core/src/nn/linear-head.ts',
  'packages/core/src/nn/parameter-set.test.ts',
  'packages/core/src/nn/parameter-set.ts',
  'packages/cuda-kernels/src/backend/__fixtures__/parity-nan.ts',
  'packages/cuda-kernels/src/backend/kernels/binary-kernel.ts',
  'packages/cuda-kernels/src/backend/kernels/fused-io.ts',
  'packages/cuda-kernels/src/backend/kernels/fused-names.ts',
  'packages/cuda-kernels/src/backend/kernels/native-kernel.ts',
  'packages/cuda-kernels/src/backend/kernels/reduce-kernel.ts',
  'packages/cuda-kernels/src/backend/kernels/unary-kernel.ts',
  // camelCase
  'packages/datasets/src/__fixtures__/http-server.ts',
  'packages/datasets/src/__fixtures__/real-data.ts',
  'packages/datasets/src/cache-dir.test.ts',
  'packages/datasets/src/cache-dir.ts',
  'packages/datasets/src/checksum-file.ts',
  'packages/datasets/src/cifar-class-names.ts',
  'packages/datasets/src/cifar-integrity.test.ts',
  'packages/datasets/src/cifar-integrity.ts',
  'packages/datasets/src/cifar-records.ts',
  'packages/datasets/src/dataset-source.ts',
  'packages/datasets/src/dirichlet-partition.test.ts',
  'packages/datasets/src/dirichlet-partition.ts',
  'packages/datasets/src/fashion-mnist.test.ts',
  'packages/datasets/src/fashion-mnist.ts',
  'packages/datasets/src/federated-data.test.ts',
  'packages/datasets/src/federated-data.ts',
  'packages/datasets/src/iid-partition.test.ts',
  'packages/datasets/src/iid-partition.ts',
  'packages/datasets/src/image-writer.ts',
  'packages/datasets/src/in-memory-image-dataset.test.ts',
  'packages/datasets/src/in-memory-image-dataset.ts',
  'packages/datasets/src/load-dataset.test.ts',
  'packages/datasets/src/load-dataset.ts',
  'packages/datasets/src/local-test-sets.test.ts',
  'packages/datasets/src/local-test-sets.ts',
  'packages/datasets/src/long-tail.test.ts',
  'packages/datasets/src/long-tail.ts',
  'packages/datasets/src/partition-file.test.ts',
  'packages/datasets/src/partition-file.ts',
  'packages/strategies/src/baselines/batch-norm-keys.test.ts',
  'packages/strategies/src/baselines/batch-norm-keys.ts',
  'packages/strategies/src/baselines/creff/class-gradients.test.ts',
  'packages/strategies/src/baselines/creff/class-gradients.ts',
  'packages/strategies/src/baselines/creff/federated-features.test.ts',
  'packages/strategies/src/baselines/creff/federated-features.ts',
  'packages/strategies/src/baselines/creff/gradient-matching-distance.test.ts',
  'packages/strategies/src/baselines/creff/gradient-matching-distance.ts',
  'packages/strategies/src/baselines/creff/linear-classifier-gradient.test.ts',
  'packages/strategies/src/baselines/creff/linear-classifier-gradient.ts',
  'packages/strategies/src/baselines/creff/retrain-classifier.test.ts',
  'packages/strategies/src/baselines/creff/retrain-classifier.ts',
  'packages/strategies/src/baselines/fedetf/etf-head.test.ts',
  'packages/strategies/src/baselines/fedetf/etf-head.ts',
  'packages/strategies/src/baselines/losses/class-prior.ts',
  'packages/strategies/src/baselines/losses/offset-cross-entropy.test.ts',
  'packages/strategies/src/baselines/losses/offset-cross-entropy.ts',
  'packages/strategies/src/baselines/losses/proximal-term.test.ts',
  'packages/strategies/src/baselines/losses/proximal-term.ts',
  'packages/strategies/src/baselines/losses/stop-gradient.test.ts',
  'packages/strategies/src/baselines/losses/stop-gradient.ts',
  'packages/strategies/src/baselines/personal-part.ts',
];

export default tseslint.config(
  {
    ignores: ['**/node_modules/', '**/dist/', '**/build/', '**/generated/', '**/gen/', 'results/', '.nx/', 'coverage/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: { console: 'readonly', process: 'readonly', performance: 'readonly', URL: 'readonly', Buffer: 'readonly', AbortController: 'readonly' },
      // tsyringe reads constructor parameter types from decorator metadata, so a type used in a
      // decorated constructor must stay a value import; consistent-type-imports knows this when told.
      parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true },
    },
    plugins: { 'import-x': importX, 'check-file': checkFile },
    settings: {
      'import-x/extensions': ['.ts', '.mts', '.js', '.mjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.mts'] },
      // Resolve `./x.js` to `./x.ts` (NodeNext imports). no-cycle follows imports within a package;
      // a cycle between packages is already an error of the TypeScript project references.
      'import-x/resolver-next': [createNodeResolver({ extensionAlias: { '.js': ['.ts', '.js'] } })],
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'check-file/filename-naming-convention': [
        'error',
        { '**/*.{ts,mts,js,mjs}': 'KEBAB_CASE' },
        // `.test`, `.e2e`, `.d` and the like are not part of the name.
        { ignoreMiddleExtensions: true },
      ],
    },
  },
  {
    // The tfjs kernel mirrors are named after the tfjs kernel they implement (`Conv2D.ts` for the
    // kernel 'Conv2D'), as in tfjs's own backends, so a kernel's file is found by its name.
    files: ['packages/*/src/**/kernels/**/*.ts'],
    rules: {
      'check-file/filename-naming-convention': [
        'error',
        { '**/*.ts': '@(+([a-z0-9])*(-+([a-z0-9]))|[A-Z]*([A-Za-z0-9]))' },
        { ignoreMiddleExtensions: true },
      ],
    },
  },
  {
    files: NOT_YET_RENAMED,
    rules: { 'check-file/filename-naming-convention': 'off' },
  },
);
