#!/usr/bin/env bash
# GPU check of the `cuda` tfjs backend, for a machine with an NVIDIA GPU (it has never run on one before this script):
#   1. Node.js ≥ 20.19 and the repository's node_modules are present,
#   2. builds fedkern.node for this device's architecture only (fast), strictly (a failed CUDA build fails here),
#   3. prints what the addon says about the device,
#   4. runs the cuda backend's tests: GPU parity with tfjs-cpu (TF32 and FP32), memory and error handling, plus the
#      CPU-side host-logic tests,
#   5. trains one round with --backend cuda when Fashion-MNIST is at hand ($FEDLOGE_DATA_DIR),
#   6. runs the bench-train target with --backends cuda when this checkout has one.
# Usage (from anywhere): packages/cuda-kernels/scripts/gpu-check.sh   — exit status 0 only if every step passed.
set -u -o pipefail
cd "$(dirname "$0")/../../.."  # repository root
failed=0
step() { printf '\n== %s\n' "$*"; }

step "node"
if ! command -v node >/dev/null 2>&1; then
  echo "node not found: bring a Node.js ≥ 20.19 binary (e.g. node-v20 linux-x64 tarball) and put its bin/ on PATH" >&2
  exit 2
fi
node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error(`node ${process.version} is too old (need ≥ 20.19)`); process.exit(2); } console.log(`node ${process.version}`)' || exit 2
if [ ! -d node_modules/@tensorflow/tfjs-core ] || [ ! -d node_modules/vitest ]; then
  echo "node_modules is missing: run npm ci (or copy node_modules from a machine that has it)" >&2
  exit 2
fi

step "device"
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=name,compute_cap,driver_version,memory.total --format=csv,noheader || true
  cap=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -n1 | tr -d ' .')
else
  echo "nvidia-smi not found; building for the default architecture list"
  cap=""
fi
archs="${CUDAARCHS:-${cap:-80;86;89;90;90a}}"
[ "$archs" = "90" ] && archs="90a"  # Hopper: the arch-specific target (also runs the plain sm_90 code paths)
nvcc="${CUDACXX:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}"
[ -x "$nvcc" ] || { echo "nvcc not found (set CUDACXX): the cuda backend needs the CUDA toolkit to build" >&2; exit 2; }
"$nvcc" --version | tail -n 2

step "build fedkern.node for sm_${archs}"
if ! CUDACXX="$nvcc" CUDAARCHS="$archs" FEDKERN_BUILD_STRICT=1 node packages/cuda-kernels/scripts/build.mjs; then
  echo "BUILD FAILED" >&2
  exit 1
fi
npx tsc -b packages/cli/tsconfig.json packages/cuda-kernels/tsconfig.json || failed=1

step "what the addon reports"
node --input-type=module -e '
  import { createRequire } from "node:module";
  const addon = createRequire(import.meta.url)("./packages/cuda-kernels/build/Release/fedkern.node");
  console.log(JSON.stringify(addon.cudaDeviceStatus(), null, 2));
' || failed=1

step "cuda backend tests (GPU parity, memory, errors; host logic)"
npx vitest run packages/cuda-kernels/src/backend/cuda/ || failed=1

step "a one-round training run with --backend cuda (prints the CPU-fallback report at exit)"
data_dir="${FEDLOGE_DATA_DIR:-/usr/share/datasets/fashion-mnist}"
if [ -d "$data_dir" ]; then
  out_dir="$(mktemp -d)"
  node packages/cli/dist/bin.js train --backend cuda --workers 0 --rounds 1 --clients 4 --clients-per-round 2 \
    --data-dir "$data_dir" --out "$out_dir" || failed=1
else
  echo "skipped: no Fashion-MNIST at $data_dir (set FEDLOGE_DATA_DIR)"
fi

step "bench-train --backends cuda"
if node -e 'const p=require("./package.json"); process.exit(p.scripts && p.scripts["bench-train"] ? 0 : 1)'; then
  npm run bench-train -- --backends cuda || failed=1
elif [ -f packages/cli/package.json ] && node -e 'const p=require("./packages/cli/package.json"); process.exit(p.scripts && p.scripts["bench-train"] ? 0 : 1)'; then
  npm run bench-train -w @fedloge/cli -- --backends cuda || failed=1
else
  echo "skipped: this checkout has no bench-train script (root or @fedloge/cli)"
fi

step "result"
if [ "$failed" -eq 0 ]; then echo "GPU CHECK PASSED"; else echo "GPU CHECK FAILED (see above)"; fi
exit "$failed"
