/**
 * Every reference to the documentation resolves: `docs/<page>.md#<anchor>` in code comments (a path
 * from the repository root) and relative Markdown links `[text](path.md#anchor)` in Markdown files must
 * name an existing file and, when they carry one, an existing heading (GitHub's anchor rules). Nothing
 * may point outside the repository at the old spec files. The convention is in docs/README.md.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** This file quotes the patterns it looks for. */
const SELF = relative(ROOT, fileURLToPath(import.meta.url));

/** Tracked and untracked-but-not-ignored files: what a reader of the repository sees. */
function repositoryFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' });
  return out
    .split('\n')
    .filter((f) => f !== '' && existsSync(join(ROOT, f)))
    .filter((f) => !f.startsWith('results/') && f !== SELF);
}

/** GitHub's heading anchor: lower case, punctuation other than `-` and `_` dropped, spaces to hyphens. */
export function githubSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

const anchorCache = new Map<string, Set<string>>();
/** The anchors of a Markdown file's headings (repeated headings get -1, -2, … as on GitHub). */
function anchorsOf(file: string): Set<string> {
  let anchors = anchorCache.get(file);
  if (anchors) return anchors;
  anchors = new Set();
  const seen = new Map<string, number>();
  let fenced = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const m = fenced ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = githubSlug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  anchorCache.set(file, anchors);
  return anchors;
}

interface Reference {
  readonly from: string;
  readonly line: number;
  readonly target: string;
  readonly base: string;
}

function problem(ref: Reference): string | null {
  const [path, anchor] = ref.target.split('#') as [string, string | undefined];
  const file = resolve(ref.base, path);
  if (!file.startsWith(ROOT + '/')) return `${ref.from}:${ref.line}: ${ref.target} points outside the repository`;
  if (!existsSync(file)) return `${ref.from}:${ref.line}: ${ref.target}: no file ${relative(ROOT, file)}`;
  if (anchor !== undefined && anchor !== '' && file.endsWith('.md') && !anchorsOf(file).has(anchor)) {
    return `${ref.from}:${ref.line}: ${ref.target}: ${relative(ROOT, file)} has no heading with anchor #${anchor}`;
  }
  return null;
}

const CODE_FILE = /\.(ts|mts|mjs|js|cc|h|cu|cuh|py|sh|txt|json|yaml|yml)$|CMakeLists\.txt$/;
/** `docs/page.md` or `docs/page.md#anchor` in code: a path from the repository root. */
const CODE_REF = /(?<![\w./-])docs\/[\w./-]+\.md(?:#[\w-]+)?/g;
/** A relative Markdown link or image target; external links and pure anchors are checked elsewhere. */
const MD_LINK = /\]\(([^)\s]+?)(?:\s+"[^"]*")?\)/g;

function collectReferences(): Reference[] {
  const refs: Reference[] = [];
  for (const f of repositoryFiles()) {
    const abs = join(ROOT, f);
    if (f.endsWith('.md')) {
      let fenced = false;
      readFileSync(abs, 'utf8')
        .split('\n')
        .forEach((text, i) => {
          if (/^\s*```/.test(text)) fenced = !fenced;
          if (fenced) return;
          // Inline code is an example, not a link.
          for (const m of text.replace(/`[^`]*`/g, '').matchAll(MD_LINK)) {
            const target = m[1]!;
            if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // http:, https:, mailto:
            if (target.startsWith('#')) {
              refs.push({ from: f, line: i + 1, target: `${f.split('/').pop()}${target}`, base: dirname(abs) });
              continue;
            }
            refs.push({ from: f, line: i + 1, target, base: dirname(abs) });
          }
        });
    } else if (CODE_FILE.test(f)) {
      readFileSync(abs, 'utf8')
        .split('\n')
        .forEach((text, i) => {
          for (const m of text.matchAll(CODE_REF)) refs.push({ from: f, line: i + 1, target: m[0], base: ROOT });
        });
    }
  }
  return refs;
}

describe('documentation references', () => {
  const refs = collectReferences();

  it('finds the references it checks (code comments and Markdown links)', () => {
    expect(refs.filter((r) => !r.from.endsWith('.md')).length).toBeGreaterThan(30);
    expect(refs.filter((r) => r.from.endsWith('.md')).length).toBeGreaterThan(20);
  });

  it('every docs/…md#anchor in code and every relative Markdown link resolves', () => {
    expect(refs.map(problem).filter((p) => p !== null)).toEqual([]);
  });

  it('nothing cites the old spec files outside the repository', () => {
    const stale: string[] = [];
    for (const f of repositoryFiles()) {
      if (!CODE_FILE.test(f) && !f.endsWith('.md')) continue;
      readFileSync(join(ROOT, f), 'utf8')
        .split('\n')
        .forEach((text, i) => {
          // A page name followed by a section sign, or a path into the old spec folder: citations of files beside the repository.
          if (/\b(fedloge|baselines|stack|ecosystem|style)\.md\s*§|shared\/specs|(?<![\w/])specs\/\w+\.md/.test(text)) {
            stale.push(`${f}:${i + 1}: ${text.trim()}`);
          }
        });
    }
    expect(stale).toEqual([]);
  });

  it('computes anchors the way GitHub does', () => {
    expect(githubSlug('SSE-C refinement')).toBe('sse-c-refinement');
    expect(githubSlug('Personalized model (PM)')).toBe('personalized-model-pm');
    expect(githubSlug('A new native kernel')).toBe('a-new-native-kernel');
    expect(githubSlug('Native kernels addon (`packages/cuda-kernels`)')).toBe('native-kernels-addon-packagescuda-kernels');
  });
});
