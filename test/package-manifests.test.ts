/**
 * Every workspace package.json says what it ships and what it may not tree-shake: an MIT license,
 * a `files` list, and `sideEffects` covering every source file that imports a module only for its
 * side effects (reflect-metadata's Reflect polyfill, tfjs backend and gradient registrations).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[]; license?: string; private?: boolean };

interface Manifest {
  readonly name: string;
  readonly license?: string;
  readonly files?: readonly string[];
  readonly sideEffects?: boolean | readonly string[];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => join(e.parentPath, e.name))
    .filter((p) => !p.includes('__fixtures__'));
}

/** `./dist/a/*.js` → a RegExp over `./dist/...` paths (the glob forms npm and bundlers accept here). */
const globToRegExp = (glob: string) => new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);

describe('workspace package manifests', () => {
  it('the root is private and MIT', () => {
    expect(root.private).toBe(true);
    expect(root.license).toBe('MIT');
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} FedLoGe\.ts contributors\n/);
  });

  for (const workspace of root.workspaces) {
    const manifest = JSON.parse(readFileSync(join(ROOT, workspace, 'package.json'), 'utf8')) as Manifest;
    it(`${manifest.name}: MIT, a files list, and sideEffects covering its side-effect imports`, () => {
      expect(manifest.license).toBe('MIT');
      expect(manifest.files?.length).toBeGreaterThan(0);
      expect(manifest.sideEffects).toBeDefined();
      if (!existsSync(join(ROOT, workspace, 'src'))) return; // no sources yet
      const sources = sourceFiles(join(ROOT, workspace, 'src'));
      const withSideEffects = sources
        .filter((file) => /^import '[^']+';$/m.test(readFileSync(file, 'utf8')))
        .map((file) => `./dist/${relative(join(ROOT, workspace, 'src'), file).replace(/\.ts$/, '.js')}`);
      if (manifest.sideEffects === true) return;
      const globs = manifest.sideEffects === false || manifest.sideEffects === undefined ? [] : manifest.sideEffects.map(globToRegExp);
      const uncovered = withSideEffects.filter((path) => !globs.some((g) => g.test(path)));
      expect(uncovered, 'files with side-effect imports that sideEffects does not list').toEqual([]);
    });
  }
});
