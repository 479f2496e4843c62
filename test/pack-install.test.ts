/**
 * The packages work outside this repository: `npm pack` of every workspace package, installed with
 * TypeScript into an empty temp project, compiles the library example of docs/guides/plugins.md
 * ("Use as a library", extracted from the page so the docs cannot drift) with plain `tsc` (strict,
 * `module: nodenext`, no `skipLibCheck`, the project's own @types only) and runs it: one FedLoGe
 * round on Fashion-MNIST, writing a run folder with summary.json.
 *
 * Cost: about 2–4 minutes on 2 busy cores (npm install from the npm cache or registry ~1.5 min, most of
 * it building the addon with FEDKERN_CUDA=OFF; tsc ~15 s; the run ~10 s). It packs the built dist/
 * folders, so `npm run build` comes first (as in `npm test`). It skips only where npm can reach neither
 * the registry nor a local cache.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const rootManifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  workspaces: string[];
  devDependencies: Record<string, string>;
};

/** The first ```ts block of the guide's "Use as a library" section. */
function libraryExample(): string {
  const guide = readFileSync(join(ROOT, 'docs/guides/plugins.md'), 'utf8');
  const section = guide.split(/^## /m).find((s) => s.startsWith('Use as a library'));
  const code = section?.match(/^```ts\n([\s\S]*?)^```$/m)?.[1];
  if (code === undefined) throw new Error('docs/guides/plugins.md: no ```ts block in the "Use as a library" section');
  return code;
}

function npmReachable(): boolean {
  if (spawnSync('npm', ['ping'], { timeout: 20_000, stdio: 'ignore' }).status === 0) return true;
  const cache = spawnSync('npm', ['config', 'get', 'cache'], { encoding: 'utf8' }).stdout.trim();
  return cache !== '' && existsSync(join(cache, '_cacache'));
}

const work = mkdtempSync(join(tmpdir(), 'fedloge-pack-install-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = (cmd: string, args: string[], cwd: string, timeout: number) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, FEDKERN_CUDA: 'OFF' }, stdio: 'pipe' });

describe.skipIf(!npmReachable())('the npm pack tarballs', () => {
  it("install into an empty project, where the guide's library example compiles with plain tsc and runs", () => {
    for (const workspace of rootManifest.workspaces) {
      if (!existsSync(join(ROOT, workspace, 'dist/index.js')))
        throw new Error(`${workspace}/dist is missing: run \`npm run build\` before this test (it packs the built packages)`);
    }
    const packDir = join(work, 'pack');
    mkdirSync(packDir);
    for (const workspace of rootManifest.workspaces)
      run('npm', ['pack', '-w', workspace, '--pack-destination', packDir, '--ignore-scripts', '--silent'], ROOT, 120_000);
    const tarballs = readdirSync(packDir).map((f) => join(packDir, f));
    expect(tarballs).toHaveLength(rootManifest.workspaces.length);
    // What runs ships (dist, bin, the addon sources); tests, their fixtures and build state do not.
    for (const tarball of tarballs) {
      const listing = run('tar', ['tzf', tarball], work, 60_000).split('\n');
      expect(
        listing.filter((f) => /\.test\.[jt]s$|__fixtures__|\.tsbuildinfo$/.test(f)),
        tarball,
      ).toEqual([]);
      expect(listing, tarball).toContain('package/dist/index.js');
    }

    const project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'library-user', private: true, type: 'module' }));
    const typescript = `typescript@${rootManifest.devDependencies['typescript']}`;
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', ...tarballs, typescript], project, 600_000);

    writeFileSync(join(project, 'example.ts'), libraryExample());
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, module: 'nodenext', target: 'es2022', outDir: 'out' }, files: ['example.ts'] }),
    );
    const tsc = spawnSync(join(project, 'node_modules/.bin/tsc'), ['-p', '.'], { cwd: project, encoding: 'utf8', timeout: 300_000 });
    expect(tsc.stdout + tsc.stderr, 'tsc errors in the installed packages or the example').toBe('');
    expect(tsc.status).toBe(0);

    const output = run('node', ['out/example.js'], project, 600_000);
    expect(output).toMatch(/^round 1: loss \d+\.\d{3}$/m);
    const gm = Number(output.match(/^GM accuracy (\d\.\d{3})/m)?.[1]);
    expect(gm).toBeGreaterThan(0.1); // above chance (10 classes) after one round
    const summary = JSON.parse(readFileSync(join(project, 'runs/fedloge/summary.json'), 'utf8')) as {
      strategy: string;
      config: { rounds: number };
      final: { gm: { acc: number } };
    };
    expect(summary.strategy).toBe('fedloge');
    expect(summary.config.rounds).toBe(1);
    expect(summary.final.gm.acc).toBeCloseTo(gm, 3);
  }, 1_500_000);
});
