#!/usr/bin/env node
// The README's sample results table comes from running the command it names, never from a hand
// edit: `--write` runs it and puts its table between the readme-sample markers, `--check` (the
// default; test/readme-sample.test.ts) runs it and fails when the README's table differs.
// The command pins one backend thread (oneDNN's float sums follow the thread count), so the table
// is the same on every machine with the native backend and the same CPU instruction set (oneDNN
// picks its kernels by ISA: AVX-512 here and in CI). FedLoGe's heads after 2 rounds amplify
// last-bit differences (a convolution layout change moved g_aux GM by 8 points, SSE-C not at all),
// so any change to float order anywhere shows up here: regenerate with --write and say why.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const README = join(ROOT, 'README.md');
const BIN = join(ROOT, 'packages/cli/dist/bin.js');
/** The command as the README shows it, after `npx fedloge`. */
export const SAMPLE_ARGS = ['train', '--strategy', 'fedloge', '--rounds', '2', '--threads', '1'];
const BEGIN = '<!-- readme-sample:begin -->';
const END = '<!-- readme-sample:end -->';

const mode = process.argv[2] ?? '--check';
if (mode !== '--check' && mode !== '--write') {
  console.error(`usage: node scripts/readme-sample.mjs [--check | --write] (got '${mode}')`);
  process.exit(2);
}

const readme = readFileSync(README, 'utf8');
const shown = `npx fedloge ${SAMPLE_ARGS.join(' ')}`;
if (!readme.includes(`\`${shown}\``))
  fail(`README.md no longer names the sample's command \`${shown}\`: name it, or change SAMPLE_ARGS here.`);
const begin = readme.indexOf(BEGIN);
const end = readme.indexOf(END);
if (begin < 0 || end < begin) fail(`README.md lacks the ${BEGIN} … ${END} markers around the sample table.`);

const out = mkdtempSync(join(tmpdir(), 'fedloge-readme-sample-'));
let run;
try {
  run = spawnSync(process.execPath, [BIN, ...SAMPLE_ARGS, '--out', join(out, 'run')], { cwd: ROOT, encoding: 'utf8' });
} finally {
  rmSync(out, { recursive: true, force: true });
}
if (run.error || run.status !== 0) fail(`\`${shown}\` failed (status ${run.status}): ${run.error?.message ?? run.stderr.slice(-2000)}`);
const backend = /^backend: (\S+)/m.exec(run.stderr)?.[1];
if (backend !== 'native')
  fail(
    `the sample table is the native backend's; this machine ran '${backend}' (build the addon with oneDNN: apt-get install libdnnl-dev, then npm run build:native -w @fedloge/cuda-kernels).`,
  );

const lines = run.stdout.split('\n');
const first = lines.findIndex((l) => l.startsWith('Results after round'));
const last = lines.findIndex((l) => l.startsWith('Best GM'));
if (first < 0 || last < first) fail(`\`${shown}\` printed no results table:\n${run.stdout}`);
const block = `${BEGIN}\n\n\`\`\`\n${lines.slice(first, last + 1).join('\n')}\n\`\`\`\n\n${END}`;
const current = readme.slice(begin, end + END.length);

if (mode === '--write') {
  writeFileSync(README, readme.slice(0, begin) + block + readme.slice(end + END.length));
  console.log(current === block ? 'README.md sample table: unchanged' : 'README.md sample table: rewritten');
} else if (current !== block) {
  fail(
    `README.md's sample table is not what \`${shown}\` prints now; run \`node scripts/readme-sample.mjs --write\`.\n--- README\n${current}\n--- now\n${block}`,
  );
} else {
  console.log('README.md sample table: matches');
}

function fail(message) {
  console.error(`readme-sample: ${message}`);
  process.exit(1);
}
