// ESLint flat config: typescript-eslint's recommended rules, no import cycles, kebab-case file names.
// Formatting is Prettier's job (`npm run format:check`), not ESLint's.
import js from '@eslint/js';
import checkFile from 'eslint-plugin-check-file';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/node_modules/', 'docs/api/', '**/dist/', '**/build/', '**/generated/', '**/gen/', 'results/', '.nx/', 'coverage/'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: {
        console: 'readonly',
        process: 'readonly',
        performance: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        AbortController: 'readonly',
      },
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
);
