/**
 * CONTRIBUTING.md's walks (a strategy, an aggregator, a data set, the kernels) say how many files each touches and
 * list them, with the file of an existing built-in beside each. This test holds the lists to the code: the stated
 * count is the number of rows, every example file exists and mentions the example, a `<name>` path matches its
 * example, and the kernel walks agree with what kernels.table.mjs makes the example row need.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const KERNELS_PKG = 'packages/cuda-kernels';

interface WalkRow {
  readonly n: number;
  readonly file: string;
  readonly example: string;
}

interface Walk {
  readonly name: string;
  readonly example: string;
  readonly stated: number;
  /** Files counted from an earlier walk ("the 6 above"). */
  readonly inherited: number;
  readonly rows: readonly WalkRow[];
}

interface KernelRow {
  readonly name: string;
  readonly binding: string;
  readonly cpu?: readonly string[];
  readonly cuda?: readonly string[];
  readonly native?: readonly string[];
}

/** The walks of CONTRIBUTING.md: a `<!-- walk: name, example x -->` marker, a `**N files` line, then the table. */
function walks(): Walk[] {
  const lines = readFileSync(join(ROOT, 'CONTRIBUTING.md'), 'utf8').split('\n');
  const out: Walk[] = [];
  for (let i = 0; i < lines.length; i++) {
    const marker = /^<!-- walk: ([\w-]+), example ([\w-]+) -->$/.exec(lines[i]!);
    if (!marker) continue;
    let j = i + 1;
    while (j < lines.length && !/^\*\*\d+ files/.test(lines[j]!)) j++;
    const count = /^\*\*(\d+) files(?:\*\*)?(?:.*?the (\d+) above)?/.exec(lines[j] ?? '');
    if (!count) throw new Error(`CONTRIBUTING.md:${i + 1}: walk "${marker[1]}" has no "**N files" line after its marker`);
    while (j < lines.length && !lines[j]!.startsWith('| 1 |')) j++;
    const rows: WalkRow[] = [];
    for (; j < lines.length && lines[j]!.startsWith('|'); j++) {
      const cells = lines[j]!.split('|').map((c) => c.trim());
      const unquote = (c: string): string => /^`([^`]+)`$/.exec(c)?.[1] ?? c;
      rows.push({ n: Number(cells[1]), file: unquote(cells[2]!), example: unquote(cells[3]!) });
    }
    out.push({ name: marker[1]!, example: marker[2]!, stated: Number(count[1]), inherited: Number(count[2] ?? 0), rows });
  }
  return out;
}

/** The spellings of an example name in code and file names: fashion-mnist, fashion_mnist, fashionMnist, maxPool2d, max_pool… */
function spellings(name: string): string[] {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[-_ ]/)
    .map((w) => w.toLowerCase());
  const variants = new Set([name.toLowerCase(), words.join('-'), words.join('_'), words.join('')]);
  // A trailing dimension suffix (maxPool2d) is often dropped in file names (max_pool.cc).
  if (/\d\w?$/.test(name)) for (const v of [...variants]) variants.add(v.replace(/\d\w?$/, ''));
  return [...variants];
}

const placeholderPattern = (file: string): RegExp =>
  new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/<[^>]+>/g, '[^/]+')}$`);

describe('CONTRIBUTING.md walks match the code', () => {
  const all = walks();
  let table: readonly KernelRow[] = [];
  beforeAll(async () => {
    // A computed specifier: the table is plain JavaScript for the generator, not part of the type-checked sources.
    const href = pathToFileURL(join(ROOT, KERNELS_PKG, 'kernels.table.mjs')).href;
    table = ((await import(href)) as { KERNELS: readonly KernelRow[] }).KERNELS;
  });

  it('finds the strategy, aggregator, data set and kernel walks', () => {
    expect(all.map((w) => w.name)).toEqual(['strategy', 'aggregator', 'dataset', 'native-kernel', 'cuda-kernel', 'matrix-kernel']);
  });

  it.each(all.map((w) => [w.name, w] as const))('%s: the stated file count is the number of rows', (_name, walk) => {
    expect(walk.rows.map((r) => r.n)).toEqual(walk.rows.map((_, i) => i + 1));
    expect(walk.inherited + walk.rows.length, `CONTRIBUTING.md says ${walk.stated} files for the ${walk.name} walk`).toBe(walk.stated);
  });

  it.each(all.map((w) => [w.name, w] as const))('%s: every example file exists, mentions the example and fits its row', (_name, walk) => {
    const problems: string[] = [];
    for (const row of walk.rows) {
      if (!placeholderPattern(row.file).test(row.example) && !row.example.endsWith('.test.ts'))
        problems.push(`row ${row.n}: ${row.example} is not an instance of ${row.file}`);
      if (!existsSync(join(ROOT, row.example))) {
        problems.push(`row ${row.n}: ${row.example} does not exist`);
        continue;
      }
      const text = readFileSync(join(ROOT, row.example), 'utf8').toLowerCase();
      if (!spellings(walk.example).some((s) => text.includes(s)))
        problems.push(`row ${row.n}: ${row.example} never mentions ${walk.example}`);
    }
    expect(problems).toEqual([]);
  });

  it('the native kernel walk lists what the example row of kernels.table.mjs needs: its sources, headers, binding, KernelConfig, a test and the row', () => {
    const walk = all.find((w) => w.name === 'native-kernel')!;
    const row = table.find((r) => r.name === walk.example);
    expect(row, `kernels.table.mjs has no row "${walk.example}"`).toBeDefined();
    const headers = (row!.cpu ?? []).map((f) => f.replace(/\.cc$/, '.h')).filter((h) => existsSync(join(ROOT, KERNELS_PKG, h)));
    const needed = [
      ...headers,
      ...(row!.cpu ?? []),
      row!.binding,
      ...(row!.native ?? []).map((k) => `src/backend/kernels/${k}.ts`),
      'kernels.table.mjs',
    ].map((f) => `${KERNELS_PKG}/${f}`);
    const listed = walk.rows.map((r) => r.example);
    expect(needed.filter((f) => !listed.includes(f))).toEqual([]);
    // Everything the row needs, plus its test: nothing else is written by hand.
    expect(walk.stated).toBe(needed.length + 1);
  });

  it('the cuda and matrix kernel walks list the example row’s binding and CUDA sources', () => {
    const problems: string[] = [];
    for (const [walkName, rowName] of [
      ['cuda-kernel', 'cudaMaxPool'],
      ['matrix-kernel', 'renormRows'],
    ] as const) {
      const walk = all.find((w) => w.name === walkName)!;
      const row = table.find((r) => r.name === rowName);
      if (!row) {
        problems.push(`kernels.table.mjs has no row "${rowName}" (the ${walkName} walk's example)`);
        continue;
      }
      const listed = walk.rows.map((r) => r.example);
      for (const f of [row.binding, ...(row.cpu ?? []), ...(row.cuda ?? [])])
        if (!listed.includes(`${KERNELS_PKG}/${f}`)) problems.push(`the ${walkName} walk does not list ${f} (row "${rowName}")`);
    }
    expect(problems).toEqual([]);
  });
});
