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
  'packages/core/src/engine/fused/batch_norm_train_grad.ts',
  'packages/core/src/engine/fused/fused_contracts.test.ts',
  'packages/core/src/engine/fused/has_fused_kernel.ts',
  'packages/core/src/engine/fused/kernel_names.ts',
  'packages/core/src/engine/kernels/call_kernel.ts',
  'packages/core/src/engine/kernels/conv2d_geometry.ts',
  'packages/core/src/engine/kernels/register_all_kernels.test.ts',
  'packages/core/src/engine/kernels/register_all_kernels.ts',
  'packages/core/src/models/__fixtures__/grad_check.ts',
  'packages/core/src/models/input_checks.ts',
  'packages/core/src/models/small_cnn.test.ts',
  'packages/core/src/models/small_cnn.ts',
  'packages/core/src/nn/batch_norm.test.ts',
  'packages/core/src/nn/batch_norm.ts',
  'packages/core/src/nn/batch_norm_train.ts',
  'packages/core/src/nn/conv_bn.ts',
  'packages/core/src/nn/linear_head.test.ts',
  'packages/core/src/nn/linear_head.ts',
  'packages/core/src/nn/parameter_set.test.ts',
  'packages/core/src/nn/parameter_set.ts',
  'packages/cuda-kernels/src/backend/__fixtures__/parity_nan.ts',
  'packages/cuda-kernels/src/backend/kernels/binary_kernel.ts',
  'packages/cuda-kernels/src/backend/kernels/fused_io.ts',
  'packages/cuda-kernels/src/backend/kernels/fused_names.ts',
  'packages/cuda-kernels/src/backend/kernels/native_kernel.ts',
  'packages/cuda-kernels/src/backend/kernels/reduce_kernel.ts',
  'packages/cuda-kernels/src/backend/kernels/unary_kernel.ts',
  // camelCase
  'packages/datasets/src/__fixtures__/httpServer.ts',
  'packages/datasets/src/__fixtures__/realData.ts',
  'packages/datasets/src/cacheDir.test.ts',
  'packages/datasets/src/cacheDir.ts',
  'packages/datasets/src/checksumFile.ts',
  'packages/datasets/src/cifarClassNames.ts',
  'packages/datasets/src/cifarIntegrity.test.ts',
  'packages/datasets/src/cifarIntegrity.ts',
  'packages/datasets/src/cifarRecords.ts',
  'packages/datasets/src/datasetSource.ts',
  'packages/datasets/src/dirichletPartition.test.ts',
  'packages/datasets/src/dirichletPartition.ts',
  'packages/datasets/src/fashionMnist.test.ts',
  'packages/datasets/src/fashionMnist.ts',
  'packages/datasets/src/federatedData.test.ts',
  'packages/datasets/src/federatedData.ts',
  'packages/datasets/src/iidPartition.test.ts',
  'packages/datasets/src/iidPartition.ts',
  'packages/datasets/src/imageWriter.ts',
  'packages/datasets/src/inMemoryImageDataset.test.ts',
  'packages/datasets/src/inMemoryImageDataset.ts',
  'packages/datasets/src/loadDataset.test.ts',
  'packages/datasets/src/loadDataset.ts',
  'packages/datasets/src/localTestSets.test.ts',
  'packages/datasets/src/localTestSets.ts',
  'packages/datasets/src/longTail.test.ts',
  'packages/datasets/src/longTail.ts',
  'packages/datasets/src/partitionFile.test.ts',
  'packages/datasets/src/partitionFile.ts',
  'packages/strategies/src/baselines/batchNormKeys.test.ts',
  'packages/strategies/src/baselines/batchNormKeys.ts',
  'packages/strategies/src/baselines/creff/classGradients.test.ts',
  'packages/strategies/src/baselines/creff/classGradients.ts',
  'packages/strategies/src/baselines/creff/federatedFeatures.test.ts',
  'packages/strategies/src/baselines/creff/federatedFeatures.ts',
  'packages/strategies/src/baselines/creff/gradientMatchingDistance.test.ts',
  'packages/strategies/src/baselines/creff/gradientMatchingDistance.ts',
  'packages/strategies/src/baselines/creff/linearClassifierGradient.test.ts',
  'packages/strategies/src/baselines/creff/linearClassifierGradient.ts',
  'packages/strategies/src/baselines/creff/retrainClassifier.test.ts',
  'packages/strategies/src/baselines/creff/retrainClassifier.ts',
  'packages/strategies/src/baselines/fedetf/etfHead.test.ts',
  'packages/strategies/src/baselines/fedetf/etfHead.ts',
  'packages/strategies/src/baselines/losses/classPrior.ts',
  'packages/strategies/src/baselines/losses/offsetCrossEntropy.test.ts',
  'packages/strategies/src/baselines/losses/offsetCrossEntropy.ts',
  'packages/strategies/src/baselines/losses/proximalTerm.test.ts',
  'packages/strategies/src/baselines/losses/proximalTerm.ts',
  'packages/strategies/src/baselines/losses/stopGradient.test.ts',
  'packages/strategies/src/baselines/losses/stopGradient.ts',
  'packages/strategies/src/baselines/personalPart.ts',
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
