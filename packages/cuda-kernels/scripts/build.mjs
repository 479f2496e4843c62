#!/usr/bin/env node
// Builds build/Release/fedkern.node from source with cmake-js (Node-API mode, no download): configure, then build. Runs as the package's
// `install` script, so it must NEVER fail the install: on any failure it prints one warning and exits 0, and
// the TypeScript wrapper falls back to its reference kernels at run time.
//
// Environment:
//   FEDKERN_CUDA=OFF         build CPU-only even when nvcc is found
//   FEDKERN_CUDA=ON          require CUDA: configure fails when no working nvcc is found (default: CUDA when found)
//   FEDKERN_DNNL=OFF         build without oneDNN even when it is installed (an addon for a machine without libdnnl)
//   FEDKERN_BUILD_DIR=dir    build there instead of build/ (relative to the package; tests use a scratch folder)
//   CUDACXX=/path/to/nvcc    pick the CUDA compiler (default: nvcc on PATH, else /usr/local/cuda/bin/nvcc)
//   CUDAARCHS="90;90a"       override the GPU architectures (default 80;86;89;90;90a, as in CMakeLists.txt)
//   FEDKERN_BUILD_STRICT=1   exit non-zero on failure, and never retry CPU-only after a failed CUDA build (the GPU
//                            check and CI jobs that must have the addon they asked for)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const strict = process.env.FEDKERN_BUILD_STRICT === '1';
const buildDir = process.env.FEDKERN_BUILD_DIR
  ? isAbsolute(process.env.FEDKERN_BUILD_DIR)
    ? process.env.FEDKERN_BUILD_DIR
    : join(packageRoot, process.env.FEDKERN_BUILD_DIR)
  : join(packageRoot, 'build');
/** The GPU architectures built by default (the same list as CMakeLists.txt, which plain `cmake` runs use). */
const DEFAULT_CUDA_ARCHITECTURES = '80;86;89;90;90a';

function fallback(reason) {
  console.warn(`[@fedloge/cuda-kernels] native kernels unavailable, falling back to tfjs ops: ${reason}`);
  process.exit(strict ? 1 : 0);
}

/**
 * Runs `cmake-js configure` with the -D definitions, then `cmake-js build`; returns null on success or a one-line
 * reason. (configure is explicit because `cmake-js compile` skips it when a CMakeCache exists, so a changed switch
 * such as FEDKERN_CUDA would be ignored.)
 */
function cmakeJsCompile(cmakeJsBin, defines, env) {
  for (const step of ['configure', 'build']) {
    const args = [cmakeJsBin, step, '--out', buildDir, ...(step === 'configure' ? defines.map((d) => `--CD${d}`) : [])];
    console.log(`[@fedloge/cuda-kernels] ${['cmake-js', ...args.slice(1)].join(' ')}`);
    const result = spawnSync(process.execPath, args, { cwd: packageRoot, stdio: 'inherit', env });
    if (result.error) return result.error.message;
    if (result.status !== 0) return `cmake-js ${step} exited with status ${result.status ?? result.signal}`;
  }
  return null;
}

/**
 * Write `<addon>.manifest.json` (size and SHA-256) beside a finished build, through a temporary
 * file and a rename; src/addon-integrity.ts checks the addon against it before loading, so a
 * truncated or damaged fedkern.node is refused with a message instead of killing the process.
 * Any older manifest is removed first, so an interrupted build never leaves a stale one that matches.
 */
function writeManifest() {
  const addon = join(buildDir, 'Release', 'fedkern.node');
  const manifest = `${addon}.manifest.json`;
  rmSync(manifest, { force: true });
  if (!existsSync(addon)) return;
  const bytes = readFileSync(addon);
  const text = `${JSON.stringify({ file: 'fedkern.node', size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }, null, 2)}\n`;
  writeFileSync(`${manifest}.tmp`, text);
  renameSync(`${manifest}.tmp`, manifest);
}

function main() {
  let cmakeJsBin;
  try {
    cmakeJsBin = join(dirname(require.resolve('cmake-js/package.json')), 'bin', 'cmake-js');
  } catch {
    return fallback('cmake-js is not installed (it is a dependency of @fedloge/cuda-kernels; run npm install)');
  }
  const probe = spawnSync('cmake', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    return fallback('cmake was not found on PATH (install cmake ≥ 3.18 and a C++17 compiler, then `npm rebuild`)');
  }

  const env = { ...process.env };
  // Without this, cmake-js under `npm install` may pick up npm_config_nodedir and look for napi.h in the wrong place.
  delete env.npm_config_nodedir;
  const cudaSwitch = (process.env.FEDKERN_CUDA ?? '').toUpperCase();
  const cudaOff = cudaSwitch === 'OFF';
  const cudaRequired = cudaSwitch === 'ON';
  const dnnlOff = (process.env.FEDKERN_DNNL ?? '').toUpperCase() === 'OFF';
  const defaultNvcc = '/usr/local/cuda/bin/nvcc';
  if (!cudaOff && !env.CUDACXX && spawnSync('nvcc', ['--version']).status !== 0 && existsSync(defaultNvcc)) {
    env.CUDACXX = defaultNvcc;
  }

  // The registration lists and CMake source lists come from kernels.table.mjs: regenerate them first, so a row added
  // without running the generator still builds (src/kernel-table.test.ts and CI then ask for the files to be committed).
  const generated = spawnSync(process.execPath, [join(packageRoot, 'scripts', 'generate-kernels.mjs')], {
    cwd: packageRoot,
    stdio: 'inherit',
  });
  if (generated.status !== 0) {
    return fallback(`scripts/generate-kernels.mjs exited with status ${generated.status ?? generated.signal} (see its message above)`);
  }

  const started = Date.now();
  // A build that is cut short must not leave the previous build's manifest beside a partial file.
  rmSync(join(buildDir, 'Release', 'fedkern.node.manifest.json'), { force: true });
  // Always pass the switches explicitly: CMake caches them, so an earlier CPU-only build, or an earlier
  // CUDAARCHS=80 iteration build, would otherwise stick to later builds.
  const archs = process.env.CUDAARCHS || DEFAULT_CUDA_ARCHITECTURES;
  const failure = cmakeJsCompile(
    cmakeJsBin,
    [
      `FEDKERN_CUDA=${cudaOff ? 'OFF' : 'ON'}`,
      `FEDKERN_CUDA_REQUIRED=${cudaRequired ? 'ON' : 'OFF'}`,
      `FEDKERN_DNNL=${dnnlOff ? 'OFF' : 'ON'}`,
      ...(cudaOff ? [] : [`CMAKE_CUDA_ARCHITECTURES=${archs}`]),
    ],
    env,
  );
  if (failure === null) {
    writeManifest();
    console.log(
      `[@fedloge/cuda-kernels] built ${join(buildDir, 'Release', 'fedkern.node')} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    return;
  }
  if (!cudaOff && strict) {
    // Strict builds fail closed: a CPU-only addon in place of the CUDA one asked for would let a GPU check "pass"
    // without running a single kernel on the device.
    return fallback(`${failure} (CUDA build failed; FEDKERN_BUILD_STRICT=1, so no CPU-only retry)`);
  }
  if (!cudaOff) {
    // A broken CUDA toolchain should not cost the CPU kernels: retry without CUDA before giving up.
    console.warn(`[@fedloge/cuda-kernels] build with CUDA failed (${failure}); retrying CPU-only`);
    const cpuFailure = cmakeJsCompile(
      cmakeJsBin,
      ['FEDKERN_CUDA=OFF', 'FEDKERN_CUDA_REQUIRED=OFF', `FEDKERN_DNNL=${dnnlOff ? 'OFF' : 'ON'}`],
      env,
    );
    if (cpuFailure === null) {
      writeManifest();
      console.warn('[@fedloge/cuda-kernels] built CPU-only kernels (CUDA build failed; see the log above)');
      return;
    }
    return fallback(cpuFailure);
  }
  return fallback(failure);
}

main();
