#!/usr/bin/env node
// Checks (--check, the default) or rewrites (--write) the C++/CUDA sources with clang-format and the
// repository's .clang-format. Skips, saying so, when clang-format is not installed: the TypeScript
// side of `npm test` must not need a C++ tool chain (Debian: `apt-get install clang-format`).
// CLANG_FORMAT=/path/to/clang-format picks the binary.
import { spawnSync } from 'node:child_process';

const mode = process.argv[2] ?? '--check';
if (mode !== '--check' && mode !== '--write') {
  console.error(`usage: node scripts/clang-format.mjs [--check | --write] (got '${mode}')`);
  process.exit(2);
}
const clangFormat = process.env.CLANG_FORMAT ?? 'clang-format';
const version = spawnSync(clangFormat, ['--version'], { encoding: 'utf8' });
if (version.error || version.status !== 0) {
  console.log(`clang-format: skipped, '${clangFormat}' is not installed (apt-get install clang-format) — C++/CUDA formatting not checked`);
  process.exit(0);
}

const listed = spawnSync('git', ['ls-files', '-z', '--', '*.cc', '*.cpp', '*.h', '*.hpp', '*.cu', '*.cuh'], { encoding: 'utf8' });
if (listed.status !== 0) {
  console.error(`clang-format: git ls-files failed: ${listed.stderr}`);
  process.exit(1);
}
const files = listed.stdout.split('\0').filter((f) => f !== '');
const args = mode === '--write' ? ['-i', '--style=file', ...files] : ['--dry-run', '--Werror', '--style=file', ...files];
const result = spawnSync(clangFormat, args, { stdio: 'inherit' });
if (result.status !== 0) {
  if (mode === '--check') console.error('clang-format: the files above are not formatted; run `npm run format`');
  process.exit(result.status ?? 1);
}
console.log(`clang-format: ${files.length} files ${mode === '--write' ? 'formatted' : 'formatted correctly'} (${version.stdout.trim()})`);
