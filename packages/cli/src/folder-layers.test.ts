/**
 * The folders of cli/src are layers: imports between them point one way, so none of them imports
 * another that (directly or through others) imports it back (issue 19 item 4). Tests and
 * fixtures may reach across layers; the graph is built from the source files only.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('.', import.meta.url));

/** Every source file under `dir` (not tests, not `__fixtures__`, not declaration files). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === '__fixtures__' ? [] : sourceFiles(path);
    return /\.ts$/.test(entry.name) && !/\.(test|d)\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** For each pair of folders `a -> b`, the files of `a` that import from `b` (static, dynamic and type imports). */
function folderImports(): Map<string, Map<string, string[]>> {
  const edges = new Map<string, Map<string, string[]>>();
  for (const file of sourceFiles(SRC)) {
    const rel = relative(SRC, file);
    const parts = rel.split(/[\\/]/);
    if (parts.length < 2) continue; // index.ts, bin.ts, main.ts: the package's top, above every folder
    const from = parts[0]!;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:from\s+|import\s*\(\s*)'((?:\.\.\/)+)([^/']+)\//g)) {
      // `../x/` from a file directly in a folder, `../../x/` from one a level deeper.
      if (match[1]!.length / 3 !== parts.length - 1) continue;
      const to = match[2]!;
      if (to === from) continue;
      const targets = edges.get(from) ?? new Map<string, string[]>();
      targets.set(to, [...(targets.get(to) ?? []), rel]);
      edges.set(from, targets);
    }
  }
  return edges;
}

/** A cycle of folders (first = last), or undefined when the graph has none. */
function findCycle(edges: ReadonlyMap<string, ReadonlyMap<string, unknown>>): string[] | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (node: string): string[] | undefined => {
    const at = path.indexOf(node);
    if (at >= 0) return [...path.slice(at), node];
    if (done.has(node)) return undefined;
    path.push(node);
    for (const next of edges.get(node)?.keys() ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(node);
    return undefined;
  };
  for (const node of edges.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('cli/src folders', () => {
  it('import each other one way only (no cycle, of two folders or more)', () => {
    const edges = folderImports();
    const cycle = findCycle(edges);
    const where = cycle?.slice(1).map((to, i) => `${cycle[i]} -> ${to} (${edges.get(cycle[i]!)!.get(to)!.join(', ')})`);
    expect(where, 'move the shared code into the lower folder, or a new one below both').toBeUndefined();
  });

  it('the graph is the real one: run uses output, workers and runtime', () => {
    const run = folderImports().get('run');
    expect([...(run?.keys() ?? [])]).toEqual(expect.arrayContaining(['output', 'workers', 'runtime', 'config']));
  });

  it('finds a cycle through three folders, and none in a layered graph', () => {
    const graph = (pairs: [string, string][]) => {
      const m = new Map<string, Map<string, true>>();
      for (const [a, b] of pairs) m.set(a, (m.get(a) ?? new Map<string, true>()).set(b, true));
      return m;
    };
    expect(
      findCycle(
        graph([
          ['a', 'b'],
          ['b', 'c'],
          ['c', 'a'],
        ]),
      ),
    ).toEqual(['a', 'b', 'c', 'a']);
    expect(
      findCycle(
        graph([
          ['a', 'b'],
          ['b', 'c'],
          ['a', 'c'],
        ]),
      ),
    ).toBeUndefined();
  });
});
