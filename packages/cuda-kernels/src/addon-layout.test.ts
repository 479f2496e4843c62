/**
 * The addon's bookkeeping is consistent. The lists a native function needs (registration, declaration, TypeScript type,
 * tfjs kernel list, CMake sources) are generated from kernels.table.mjs (src/kernel-table.test.ts checks they are
 * current); this test checks what they say against the sources themselves, and what the generator cannot see: a
 * CUDA entry point without its CPU-only stub links fine and kills the process on its first call in a CPU-only build.
 * It reads the sources (no build needed, except for the last check) and names the missing file or entry.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const PKG = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(PKG, 'src');
const read = (rel: string): string => readFileSync(join(PKG, rel), 'utf8');
/** Source text without `//` and block comments, so commented-out code does not count. */
const code = (rel: string): string =>
  read(rel)
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\/\/.*$/gm, '');

/** Files under `dir` (relative to the package), recursively, whose names end with one of `exts`. */
function filesUnder(dir: string, exts: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (abs: string): void => {
    for (const entry of readdirSync(abs, { withFileTypes: true })) {
      const p = join(abs, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (exts.some((e) => entry.name.endsWith(e))) out.push(relative(PKG, p));
    }
  };
  walk(join(PKG, dir));
  return out.sort();
}

interface Registration {
  readonly jsName: string;
  readonly binding: string;
  readonly nameArg: string;
}

/** `exports.Set("jsName", Napi::Function::New(env, Binding, "jsName"))` lines of src/addon.cc. */
function registrations(): Registration[] {
  const re = /exports\.Set\(\s*"(\w+)"\s*,\s*Napi::Function::New\(\s*env\s*,\s*(\w+)\s*,\s*"(\w+)"\s*\)\s*\)/g;
  return [...code('src/addon.cc').matchAll(re)].map((m) => ({ jsName: m[1]!, binding: m[2]!, nameArg: m[3]! }));
}

/** Names of the `Napi::Value Name(const Napi::CallbackInfo& info)` functions a text declares or defines. */
function bindingFunctions(text: string, terminator: ';' | '{'): string[] {
  const re = new RegExp(`Napi::Value\\s+(\\w+)\\s*\\(\\s*const\\s+Napi::CallbackInfo&\\s*\\w*\\s*\\)\\s*\\${terminator}`, 'g');
  return [...text.matchAll(re)].map((m) => m[1]!);
}

/** The members of the TypeScript interfaces that type the addon object. */
function addonInterfaceMembers(): Set<string> {
  const members = new Set<string>();
  for (const [file, name] of [
    ['src/addon-functions.ts', 'NativeAddon'],
    ['src/addon-functions.ts', 'CudaBackendAddon'],
  ] as const) {
    const text = read(file);
    const start = text.indexOf(`export interface ${name}`);
    if (start < 0) throw new Error(`${file} no longer declares interface ${name}; update addon-layout.test.ts`);
    const body = text.slice(text.indexOf('{', start) + 1, text.indexOf('\n}', start));
    for (const m of body.matchAll(/^ {2}(?:readonly\s+)?(\w+)\??\s*[(:]/gm)) members.add(m[1]!);
  }
  return members;
}

/** Source files CMakeLists.txt and the kernels.cmake it includes name (any `src/….cc|.cu` token). */
function cmakeSources(): Set<string> {
  // Build lists only: a file named in set_source_files_properties(...) alone is not compiled.
  const text = `${read('CMakeLists.txt')}\n${read('kernels.cmake')}`
    .replace(/#.*$/gm, '')
    .replace(/set_source_files_properties\([^)]*\)/g, '');
  return new Set([...text.matchAll(/\bsrc\/[\w/]+\.(?:cc|cu)\b/g)].map((m) => m[0]));
}

/** Files the single CUDA translation unit includes, relative to the package. */
function unityIncludes(): Set<string> {
  const unity = 'src/cuda_unity.cu';
  return new Set([...code(unity).matchAll(/#include\s+"([^"]+\.cu)"/g)].map((m) => relative(PKG, resolve(PKG, dirname(unity), m[1]!))));
}

/** Free functions declared in a header: `Type name(...);` at column 0, not inline. */
function declaredFunctions(header: string): string[] {
  const text = code(header);
  return [...text.matchAll(/^(?!inline\b|static\b|return\b|using\b|typedef\b)[\w:<>]+(?:\s*[*&])?\s+[*&]?(\w+)\s*\([^;{}]*\)\s*;/gm)].map(
    (m) => m[1]!,
  );
}

/** Whether `text` defines a function `name` at column 0 (`Type name(...) {`). */
function defines(text: string, name: string): boolean {
  return new RegExp(`^[\\w:<>]+(?:\\s*[*&])?(?:\\s+[\\w:<>]+)*\\s+[*&]?(?:\\w+::)*${name}\\s*\\([^;{}]*\\)\\s*(?:const\\s*)?\\{`, 'm').test(
    text,
  );
}

const CPU_ONLY_STUBS = ['src/matrix/cuda_unavailable.cc', 'src/cuda/unavailable.cc'];

describe('addon layout: every native function is registered everywhere it must be', () => {
  const regs = registrations();
  const bindingSources = filesUnder('src/binding', ['.cc']);

  it('reads a registration table from src/addon.cc', () => {
    expect(regs.length).toBeGreaterThan(40);
    // The JS name is given twice per line (property and function name): they must agree.
    expect(
      regs
        .filter((r) => r.jsName !== r.nameArg)
        .map((r) => `src/addon.cc: "${r.jsName}" is registered under the function name "${r.nameArg}"`),
    ).toEqual([]);
    const dup = regs.map((r) => r.jsName).filter((n, i, all) => all.indexOf(n) !== i);
    expect(dup.map((n) => `src/addon.cc registers "${n}" twice`)).toEqual([]);
  });

  it('each registered binding is declared in src/binding/bindings.h and defined once in a src/binding/*.cc that CMakeLists.txt builds', () => {
    const declared = new Set(bindingFunctions(code('src/binding/bindings.h'), ';'));
    const cmake = cmakeSources();
    const problems: string[] = [];
    for (const r of regs) {
      if (!declared.has(r.binding)) problems.push(`${r.binding} (for "${r.jsName}") is not declared in src/binding/bindings.h`);
      const definedIn = bindingSources.filter((f) => bindingFunctions(code(f), '{').includes(r.binding));
      if (definedIn.length !== 1) {
        problems.push(
          `${r.binding} (for "${r.jsName}") is defined in ${definedIn.length} src/binding/*.cc files (${definedIn.join(', ') || 'none'}), expected 1`,
        );
      }
      for (const f of definedIn)
        if (!cmake.has(f)) problems.push(`${f} (defines ${r.binding}) is not listed in CMakeLists.txt or kernels.cmake`);
    }
    const registered = new Set(regs.map((r) => r.binding));
    for (const d of declared)
      if (!registered.has(d)) problems.push(`${d} is declared in src/binding/bindings.h but not registered in src/addon.cc`);
    expect(problems).toEqual([]);
  });

  it('each registered function is typed in NativeAddon or CudaBackendAddon (src/addon-functions.ts), and nothing typed there is missing from src/addon.cc', () => {
    const members = addonInterfaceMembers();
    const registered = new Set(regs.map((r) => r.jsName));
    const problems = [
      ...regs
        .filter((r) => !members.has(r.jsName))
        .map((r) => `"${r.jsName}" is registered in src/addon.cc but not typed in NativeAddon (src/load.ts)`),
      ...[...members]
        .filter((m) => !registered.has(m))
        .map((m) => `"${m}" is typed on the addon object but src/addon.cc does not register it`),
    ];
    expect(problems).toEqual([]);
  });

  it('every C++ source file is built: .cc files are listed in CMakeLists.txt, .cu files are included by src/cuda_unity.cu', () => {
    const cmake = cmakeSources();
    const unity = unityIncludes();
    const problems: string[] = [];
    for (const f of filesUnder('src', ['.cc'])) if (!cmake.has(f)) problems.push(`${f} is not listed in CMakeLists.txt or kernels.cmake`);
    for (const f of filesUnder('src', ['.cu'])) {
      if (f !== 'src/cuda_unity.cu' && !unity.has(f) && !cmake.has(f))
        problems.push(`${f} is neither included by src/cuda_unity.cu nor listed in CMakeLists.txt`);
    }
    for (const f of cmake) if (!existsSync(join(PKG, f))) problems.push(`CMakeLists.txt lists ${f}, which does not exist`);
    expect(problems).toEqual([]);
  });

  it('every function a .h header declares and a .cu file defines has a CPU-only stub (src/matrix/cuda_unavailable.cc or src/cuda/unavailable.cc)', () => {
    const cuFiles = filesUnder('src', ['.cu']).map((f) => code(f));
    const stubs = CPU_ONLY_STUBS.map((f) => code(f));
    const problems: string[] = [];
    let cudaFunctions = 0;
    // Headers CPU code can include (.h, not the device-only .cuh) that CUDA code implements.
    const cuSources = filesUnder('src', ['.cu']).map((f) => read(f));
    const cudaHeaders = filesUnder('src', ['.h']).filter((h) => cuSources.some((t) => t.includes(`${h.split('/').pop()!}"`)));
    for (const header of cudaHeaders) {
      for (const name of declaredFunctions(header)) {
        if (!cuFiles.some((t) => defines(t, name))) continue;
        cudaFunctions++;
        if (!stubs.some((t) => defines(t, name))) {
          problems.push(
            `${name} (declared in ${header}, defined in CUDA code) has no stub in ${CPU_ONLY_STUBS.join(' or ')}: a CPU-only build would link without it and crash when it is called`,
          );
        }
      }
    }
    expect(cudaFunctions).toBeGreaterThan(20);
    expect(problems).toEqual([]);
  });

  it('every native tfjs kernel file in src/backend/kernels is listed in NATIVE_KERNELS (src/backend/kernels/index.ts)', () => {
    const index = code('src/backend/kernels/index.ts');
    const problems: string[] = [];
    for (const f of filesUnder('src/backend/kernels', ['.ts'])) {
      if (f.endsWith('.test.ts') || f.endsWith('index.ts')) continue;
      for (const m of code(f).matchAll(/export const (\w+Config)\s*:\s*KernelConfig\b/g)) {
        const name = m[1]!;
        const imported = new RegExp(
          `import\\s*\\{[^}]*\\b${name}\\b[^}]*\\}\\s*from\\s*'\\./${f.split('/').pop()!.replace(/\.ts$/, '')}\\.js'`,
        ).test(index);
        const listed = new RegExp(`\\b${name}\\b`).test(index.replace(/import[^;]*;/g, ''));
        if (!imported || !listed)
          problems.push(`${name} (${f}) is not ${imported ? 'listed' : 'imported and listed'} in src/backend/kernels/index.ts`);
      }
    }
    expect(problems).toEqual([]);
  });

  const addon = join(SRC, '..', 'build', 'Release', 'fedkern.node');
  const canInspect = existsSync(addon) && process.platform === 'linux';
  it.skipIf(!canInspect)('the built fedkern.node leaves no fedkern:: function undefined (a missing stub or source file)', () => {
    let undefinedSymbols: string;
    try {
      undefinedSymbols = execFileSync('nm', ['-DC', '--undefined-only', addon], { encoding: 'utf8' });
    } catch (e) {
      // Without binutils there is nothing to inspect; the source checks above still ran.
      expect((e as Error).message).toMatch(/ENOENT|not found/);
      return;
    }
    const ours = undefinedSymbols.split('\n').filter((l) => /\bfedkern::/.test(l));
    expect(ours.map((l) => `${relative(PKG, addon)} needs ${l.trim()} but no source in the build defines it`)).toEqual([]);
  });
});
