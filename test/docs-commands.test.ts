/**
 * Every shell command in the documentation runs, or says why it cannot run here.
 *
 * Each ```sh / ```bash block of a tracked Markdown file carries a marker on the line above it:
 * `<!-- docs-test: run -->` (executed by this test, in the repository root),
 * `<!-- docs-test: run in a temp folder -->` (executed in an empty folder), or
 * `<!-- docs-test: needs <what is not here> -->` (e.g. a second host, a Flower install, 280 hours).
 * A block without a marker fails, naming the file and line. Blocks run in order (README.md first,
 * then the guides), as a reader would type them, so a later block may use a run an earlier one made:
 * `runs/<timestamp>-<strategy>` becomes the newest such folder, `<data>` the folder that holds
 * CIFAR-10's `cifar-10-batches-bin` (the block is reported skipped when it is absent). The set-up
 * commands `npm install`, `npm ci` and `npm test` are not run again: they are what `.ci/run` runs
 * before this test. Files and run folders the commands create in the repository are removed after.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const DATA = resolve(process.env['FEDLOGE_CIFAR10_DIR'] ?? resolve(ROOT, '../shared/data/cifar-10-batches-bin'), '..');
const MARKER = /^<!--\s*docs-test:\s*(run in a temp folder|run|needs\s+(.+?))\s*-->$/;
const SETUP = /^(npm (install|ci|test))(\s|$)/;

interface Block {
  readonly file: string;
  readonly line: number;
  readonly lines: readonly string[];
  readonly marker?: { readonly kind: 'run' | 'temp' | 'needs'; readonly why?: string };
}

/** Markdown files a reader of the repository sees, README first, then the guides, then the rest. */
function markdownFiles(): string[] {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.md'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f !== '' && existsSync(join(ROOT, f)) && !f.includes('node_modules/'));
  const rank = (f: string) => (f === 'README.md' ? 0 : f.startsWith('docs/guides/') ? 1 : f.startsWith('docs/') ? 2 : 3);
  return files.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function shellBlocks(file: string): Block[] {
  const text = readFileSync(join(ROOT, file), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < text.length; i++) {
    const fence = /^(\s*)```(\w*)/.exec(text[i]!);
    if (!fence) continue;
    const end = text.findIndex((l, j) => j > i && /^\s*```\s*$/.test(l));
    if (end < 0) break;
    if (fence[2] === 'sh' || fence[2] === 'bash') {
      let above = i - 1;
      while (above >= 0 && text[above]!.trim() === '') above--;
      const m = above >= 0 ? MARKER.exec(text[above]!.trim()) : null;
      const marker = m
        ? m[1] === 'run'
          ? { kind: 'run' as const }
          : m[1] === 'run in a temp folder'
            ? { kind: 'temp' as const }
            : { kind: 'needs' as const, why: m[2]! }
        : undefined;
      blocks.push({ file, line: i + 1, lines: text.slice(i + 1, end), ...(marker ? { marker } : {}) });
    }
    i = end;
  }
  return blocks;
}

/** Shell lines of a block: continuation lines joined, comments and set-up commands left out. */
function commands(block: Block): string[] {
  const joined = block.lines.join('\n').replace(/\\\n\s*/g, ' ');
  return joined
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) =>
      l
        .split(/\s+&&\s+/)
        .filter((part) => !SETUP.test(part))
        .join(' && '),
    )
    .filter((l) => l !== '');
}

/** The newest `runs/*-<strategy>` folder, for `runs/<timestamp>-<strategy>`. */
function newestRun(strategy: string): string | undefined {
  const runs = join(ROOT, 'runs');
  if (!existsSync(runs)) return undefined;
  const found = readdirSync(runs)
    .filter((d) => d.endsWith(`-${strategy}`) && /^\d/.test(d))
    .map((d) => ({ d, t: statSync(join(runs, d)).mtimeMs }))
    .sort((a, b) => b.t - a.t);
  return found[0] ? `runs/${found[0].d}` : undefined;
}

/** Fills the placeholders; returns the reason when one cannot be filled here. */
function fill(line: string): { readonly line: string } | { readonly missing: string } {
  let missing: string | undefined;
  let out = line.replace(/runs\/<timestamp>-([a-z0-9-]+)/g, (whole, strategy: string) => {
    const run = newestRun(strategy);
    if (!run) missing ??= `no earlier block made a ${strategy} run for ${whole}`;
    return run ?? whole;
  });
  out = out.replace(/<data>/g, () => {
    if (!existsSync(join(DATA, 'cifar-10-batches-bin'))) missing ??= `CIFAR-10 is not in ${DATA} (set FEDLOGE_CIFAR10_DIR)`;
    return DATA;
  });
  const left = /<[a-z][^>]*>/i.exec(out);
  if (missing === undefined && left)
    missing = `the placeholder ${left[0]} has no value here: give the command a literal value, or mark the block 'needs'`;
  return missing !== undefined ? { missing } : { line: out };
}

/** What the commands leave in the repository, to remove afterwards. */
const before = new Set([
  ...readdirSync(ROOT).map((e) => e),
  ...(existsSync(join(ROOT, 'runs')) ? readdirSync(join(ROOT, 'runs')).map((e) => `runs/${e}`) : []),
]);
afterAll(() => {
  const now = [...readdirSync(ROOT), ...(existsSync(join(ROOT, 'runs')) ? readdirSync(join(ROOT, 'runs')).map((e) => `runs/${e}`) : [])];
  for (const entry of now) if (!before.has(entry) && entry !== 'runs') rmSync(join(ROOT, entry), { recursive: true, force: true });
  if (!before.has('runs')) rmSync(join(ROOT, 'runs'), { recursive: true, force: true });
});

const ENV = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', CI: 'true' };

describe('shell commands in the docs', () => {
  const blocks = markdownFiles().flatMap(shellBlocks);

  it('every shell block says whether it runs here', () => {
    const unmarked = blocks.filter((b) => !b.marker).map((b) => `${b.file}:${b.line}`);
    expect(unmarked, 'add <!-- docs-test: run --> or <!-- docs-test: needs <what> --> on the line above each block').toEqual([]);
  });

  for (const block of blocks) {
    if (!block.marker || block.marker.kind === 'needs') continue;
    it(`${block.file}:${block.line} runs`, (ctx) => {
      const temp = block.marker!.kind === 'temp' ? mkdtempSync(join(tmpdir(), 'fedloge-docs-')) : undefined;
      try {
        for (const raw of commands(block)) {
          const filled = fill(raw);
          if ('missing' in filled) {
            ctx.skip(`${raw}: ${filled.missing}`);
            return;
          }
          const run = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', filled.line], {
            cwd: temp ?? ROOT,
            env: ENV,
            encoding: 'utf8',
            maxBuffer: 64 << 20,
          });
          if (run.status !== 0)
            throw new Error(
              `${block.file}:${block.line}: \`${filled.line}\` exited with ${run.status}\n${(run.stderr || run.stdout).slice(-3000)}`,
            );
        }
      } finally {
        if (temp) rmSync(temp, { recursive: true, force: true });
      }
    }, 900_000);
  }
});
