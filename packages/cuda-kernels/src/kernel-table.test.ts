/**
 * The files generated from kernels.table.mjs are current (the CI check), and the generator's check really fails: on a
 * generated file edited by hand, and on a row naming a binding that does not exist. Runs the real script, the last two
 * on a scratch copy of the package.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const PKG = fileURLToPath(new URL('..', import.meta.url));
const SCRIPT = join(PKG, 'scripts', 'generate-kernels.mjs');

function generate(...args: string[]): { status: number | null; output: string } {
  const r = spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

describe('scripts/generate-kernels.mjs', () => {
  // Outside the repository, so that a copy of the script there finds no node_modules.
  const scratch = mkdtempSync(join(tmpdir(), 'fedkern-table-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  const copy = (name: string): string => {
    const root = join(scratch, name);
    cpSync(join(PKG, 'src'), join(root, 'src'), { recursive: true });
    for (const f of ['kernels.table.mjs', 'kernels.cmake']) cpSync(join(PKG, f), join(root, f));
    return root;
  };

  it('every generated file matches kernels.table.mjs', () => {
    const r = generate('--check');
    expect(r.output, r.output).toMatch(/7 generated files match kernels\.table\.mjs \(\d+ rows\)/);
    expect(r.status).toBe(0);
  });

  it('--check names a generated file that was edited by hand, and leaves it as it is', () => {
    const root = copy('edited');
    const bindings = join(root, 'src', 'binding', 'bindings.h');
    const edited = readFileSync(bindings, 'utf8').replace(/^Napi::Value RenormRows.*$/m, '');
    writeFileSync(bindings, edited);
    const r = generate('--check', '--root', root);
    expect(r.status, r.output).toBe(1);
    expect(r.output).toMatch(/out of date .*: src\/binding\/bindings\.h\. Run `npm run generate -w @fedloge\/cuda-kernels`/);
    expect(readFileSync(bindings, 'utf8')).toBe(edited);
    // Without --check it rewrites the file from the table.
    expect(generate('--root', root).status).toBe(0);
    expect(readFileSync(bindings, 'utf8')).toBe(readFileSync(join(PKG, 'src', 'binding', 'bindings.h'), 'utf8'));
  });

  it('without Prettier (an install of the package alone) it still writes the C++ and CMake lists the build needs', () => {
    const root = copy('no-prettier');
    // A copy of the script outside the workspace cannot resolve prettier from node_modules.
    mkdirSync(join(root, 'scripts'));
    cpSync(SCRIPT, join(root, 'scripts', 'generate-kernels.mjs'));
    rmSync(join(root, 'kernels.cmake'));
    const r = spawnSync(process.execPath, [join(root, 'scripts', 'generate-kernels.mjs'), '--root', root], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/prettier is not installed: writing the C\+\+ and CMake lists only/);
    expect(readFileSync(join(root, 'kernels.cmake'), 'utf8')).toBe(readFileSync(join(PKG, 'kernels.cmake'), 'utf8'));
    // --check cannot compare the TypeScript lists without it, and says so.
    const check = spawnSync(process.execPath, [join(root, 'scripts', 'generate-kernels.mjs'), '--check', '--root', root], {
      encoding: 'utf8',
    });
    expect(check.status).toBe(2);
    expect(check.stderr).toMatch(/--check needs prettier/);
  });

  it('a row whose binding file lacks the binding function is refused, naming the row and the function', () => {
    const root = copy('bad-row');
    const table = join(root, 'kernels.table.mjs');
    writeFileSync(table, readFileSync(table, 'utf8').replace("name: 'renormRows'", "name: 'renormRowz'"));
    const r = generate('--check', '--root', root);
    expect(r.status, r.output).toBe(2);
    expect(r.output).toContain(
      'row "renormRowz": src/binding/renorm_rows.cc does not define Napi::Value RenormRowz(const Napi::CallbackInfo& info)',
    );
  });
});
