#!/usr/bin/env bash
# The GPU check of the `cuda` backend and the FedLoGe head kernels: one command on a GPU machine that has nvcc, CMake
# and a driver but no Node.js and no node_modules (the device tool's machines), fed by a carry built beforehand on a
# CPU machine. It fails closed: no GPU, a failed build, a wrong compute capability, a skipped or failed check, or a
# stage cut short by its timeout all end non-zero.
#
#   packages/cuda-kernels/scripts/gpu-check.sh --carry     (CPU machine) build the carry: packages/cuda-kernels/build/gpu-carry
#   packages/cuda-kernels/scripts/gpu-check.sh --dry-run   (CPU machine) the carry, its size, and every stage that needs
#                                                          no GPU: the harness compiled (when nvcc is here) and failing
#                                                          closed, the addon built from the carried headers without
#                                                          oneDNN, the carried Node running the bundled stage against
#                                                          the CPU-emulated device
#   packages/cuda-kernels/scripts/gpu-check.sh             (GPU machine) the check itself, within a 450-s budget
#
# Stages on the GPU machine, each under `timeout` within an overall budget ($GPU_CHECK_BUDGET_S, default 450 s):
#   device        nvidia-smi: name and compute capability (the build targets exactly that architecture; 90 → 90a)
#   harness-build nvcc: harness/gpu_harness.cu with the backend's CUDA sources (no Node, no CMake)
#   addon-build   in the background meanwhile: fedkern.node by plain CMake from the carried Node-API headers, CUDA
#                 required, no oneDNN; `ldd` must find every library; and the carried Node binary unpacked
#   harness       every launcher and head kernel vs double-precision references; then --lost (a sticky error)
#   node-stage    the bundled Node stage (src/backend/cuda/__fixtures__/node-stage.ts) on the new addon
#   bench         harness --bench (CUDA events) and harness/torch_bench.py (PyTorch + cuDNN on the same card)
#   memcheck, synccheck, racecheck   compute-sanitizer over harness --small (last: the slowest, and cut first when the
#                 budget runs short, which counts as a failure)
# It stops at the first fatal stage (device, builds, Node), but always writes $OUT (at most 8 files): summary.json,
# build.log, harness.log, harness.json, sanitizer.log, node.log, node.json, bench.log. Ends with "N passed, N failed".
set -u -o pipefail

mode="check"
case "${1:-}" in
  --dry-run) mode="dry-run" ;;
  --carry) mode="carry" ;;
  "") ;;
  *)
    echo "usage: $0 [--dry-run | --carry]" >&2
    exit 2
    ;;
esac

pkg="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$pkg/../.." && pwd)"
carry="$pkg/build/gpu-carry"
out="${OUT:-$pkg/build/gpu-check-out}"
mkdir -p "$out"
work="$(mktemp -d "${TMPDIR:-/tmp}/fedkern-gpu-check.XXXXXX")"
# Kept between runs (an ignored folder), so a second dry run rebuilds only what changed.
addon_dir="$pkg/build/gpu-check-addon-$mode"
budget="${GPU_CHECK_BUDGET_S:-$([ "$mode" = check ] && echo 450 || echo 900)}"
started=$SECONDS
# The device tool's limit on what travels, and on what comes back from $OUT.
carry_limit=$((64 * 1024 * 1024))

total_passed=0
total_failed=0
stages_json=""
fatal=""

log() { printf '%s\n' "$*"; }

# record NAME RC PASSED FAILED SECONDS DETAIL
record() {
  local name=$1 rc=$2 p=$3 f=$4 secs=$5 detail=${6:-}
  total_passed=$((total_passed + p))
  total_failed=$((total_failed + f))
  detail=${detail//\\/\\\\}
  detail=${detail//\"/\\\"}
  stages_json+="${stages_json:+,}{\"stage\":\"$name\",\"rc\":$rc,\"passed\":$p,\"failed\":$f,\"seconds\":$secs,\"detail\":\"$detail\"}"
  printf '== %-12s %s  (%s passed, %s failed, %ss)%s\n' "$name" "$([ "$f" -eq 0 ] && [ "$p" -gt 0 ] && echo ok || echo FAIL)" "$p" "$f" "$secs" \
    "${detail:+  $detail}"
}

# Seconds a stage may take: its own limit, cut to what is left of the budget (less a reserve for the summary).
limit() {
  local want=$1 left=$((budget - (SECONDS - started) - 10))
  [ "$left" -lt 5 ] && left=5
  [ "$want" -lt "$left" ] && echo "$want" || echo "$left"
}

# stage NAME TIMEOUT LOG COMMAND...: runs COMMAND under timeout, appends its output to LOG, records one check, or
# the counts from its "N passed, N failed" line (a stage that ran checks but printed no such line failed).
stage() {
  local name=$1 secs rc t0=$SECONDS logfile=$3
  secs=$(limit "$2")
  shift 3
  printf '\n==== %s (timeout %ss): %s\n' "$name" "$secs" "$*" >>"$logfile"
  local before
  before=$(wc -l <"$logfile")
  if declare -F "$1" >/dev/null; then
    # A function of this script: `timeout` runs programs, so give a fresh bash the functions and variables it needs.
    timeout --kill-after=10 "$secs" bash -c "$(declare -f; declare -p pkg root carry work out nvcc harness_sources carry_limit codec addon_dir); \"\$@\"" \
      _ "$@" >>"$logfile" 2>&1
  else
    timeout --kill-after=10 "$secs" "$@" >>"$logfile" 2>&1
  fi
  rc=$?
  local counts p f detail=""
  counts=$(tail -n +$((before + 1)) "$logfile" | sed -n 's/^\([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1 \2/p' | tail -n 1)
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then detail="timed out after ${secs}s"; fi
  if [ -n "$counts" ] && [ "${STAGE_COUNTS:-1}" = 1 ]; then
    p=${counts% *}
    f=${counts#* }
    [ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1 && detail="${detail:-exit status $rc}"
  else
    p=$([ "$rc" -eq 0 ] && echo 1 || echo 0)
    f=$([ "$rc" -eq 0 ] && echo 0 || echo 1)
    [ "$rc" -ne 0 ] && detail="${detail:-exit status $rc}"
  fi
  record "$name" "$rc" "$p" "$f" $((SECONDS - t0)) "$detail"
  return "$rc"
}

finish() {
  local secs=$((SECONDS - started)) verdict
  verdict=$([ -z "$fatal" ] && [ "$total_failed" -eq 0 ] && [ "$total_passed" -gt 0 ] && echo PASSED || echo FAILED)
  printf '{"mode":"%s","verdict":"%s","passed":%d,"failed":%d,"seconds":%d,"fatal":"%s","stages":[%s],"bench":%s}\n' \
    "$mode" "$verdict" "$total_passed" "$total_failed" "$secs" "$fatal" "$stages_json" "$(bench_json)" >"$out/summary.json"
  printf '\n%d passed, %d failed\n' "$total_passed" "$total_failed"
  echo "GPU CHECK ($mode) $verdict in ${secs}s${fatal:+ (stopped at $fatal)}; logs and JSON in $out"
  rm -rf "$work"
  [ "$verdict" = PASSED ]
  exit $?
}

# Benchmark figures of the harness, the Node stage and PyTorch, merged (null where a part did not run).
bench_json() {
  local h="null" t="null" n="null"
  [ -s "$work/harness-bench.json" ] && h=$(sed -n 's/.*"bench":\({[^}]*}\).*/\1/p' "$work/harness-bench.json")
  [ -s "$work/torch.json" ] && t=$(tr -d '\n' <"$work/torch.json")
  [ -s "$out/node.json" ] && n=$(tr -d '\n' <"$out/node.json" | sed -n 's/.*"bench": *\({[^}]*}\).*/\1/p')
  printf '{"harness":%s,"node":%s,"torch":%s}' "${h:-null}" "${n:-null}" "${t:-null}"
}

fail_fatal() {
  fatal=$1
  finish
}

# The Node binary travels as node.gz (gzip -6: about 31 MB for Node 20, 10 s on 2 cores) or, with
# GPU_CARRY_CODEC=xz, as node.xz (xz -9: about 21 MB, but a minute or two): xz when the working tree grows tight.
codec="${GPU_CARRY_CODEC:-gzip}"
compress_node() { # SRC DST
  if [ "$codec" = xz ]; then xz -9 -T0 -c "$1" >"$2"; else gzip -6 -c "$1" >"$2"; fi
}
node_archive() { # the carried archive, whichever codec made it
  if [ -s "$carry/node.xz" ]; then echo "$carry/node.xz"; else echo "$carry/node.gz"; fi
}
decompress_node() { # SRC DST
  case "$1" in
    *.xz)
      if command -v xz >/dev/null 2>&1; then xz -dc "$1" >"$2"; else
        py=$(command -v python3 || echo /opt/torch/.venv/bin/python3)
        "$py" -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],"wb"))' "$1" "$2"
      fi
      ;;
    *) gzip -dc "$1" >"$2" ;;
  esac
}

# ---- the carry (CPU machine) ----

build_carry() {
  local node_bin stamp
  node_bin=$(command -v node) || {
    echo "node not found: the carry takes this machine's Node binary" >&2
    return 1
  }
  mkdir -p "$carry/include"
  # The Node binary, stripped and compressed, redone only when the binary or the codec changed.
  local archive="$carry/node.$([ "$codec" = xz ] && echo xz || echo gz)"
  stamp="$(stat -Lc '%s %Y' "$node_bin") $(node --version) $codec"
  if [ ! -s "$archive" ] || [ "$(cat "$carry/node.stamp" 2>/dev/null)" != "$stamp" ]; then
    rm -f "$carry/node.xz" "$carry/node.gz"
    cp -L "$node_bin" "$work/node" && chmod u+w "$work/node"
    strip "$work/node" 2>/dev/null || echo "strip not found: carrying the unstripped binary"
    compress_node "$work/node" "$archive.tmp" && mv "$archive.tmp" "$archive" || return 1
    echo "$stamp" >"$carry/node.stamp"
  fi
  # One bundled ES module: the Node stage with tfjs-core, tfjs-cpu, @fedloge/core and this package's sources.
  (cd "$root" && node packages/cuda-kernels/scripts/gpu-bundle.mjs "$carry/gpu-node-stage.mjs") || return 1
  # The Node-API headers cmake-js would pass (CMAKE_JS_INC), for a plain CMake build of the addon there.
  cp "$root"/node_modules/node-api-headers/include/*.h "$carry/include/" || return 1
  cp "$root"/node_modules/node-addon-api/napi.h "$root"/node_modules/node-addon-api/napi-inl.h \
    "$root"/node_modules/node-addon-api/napi-inl.deprecated.h "$carry/include/" || return 1
  # What travels: the working tree (tracked and untracked files git does not ignore) plus the carry.
  local carry_bytes tree_bytes
  carry_bytes=$(du -sb "$carry" | cut -f1)
  if git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
    tree_bytes=$(cd "$root" && git ls-files -z --cached --others --exclude-standard | xargs -0 stat -c '%s' 2>/dev/null | awk '{s+=$1} END {print s+0}')
  else # not a checkout: everything but the usual ignored folders
    tree_bytes=$(du -sb --exclude=node_modules --exclude=build --exclude=dist --exclude=.git --exclude=.nx "$root" | cut -f1)
  fi
  awk -v c="$carry_bytes" -v n="$(stat -c %s "$archive")" -v a="$(basename "$archive")" -v b="$(stat -c %s "$carry/gpu-node-stage.mjs")" \
    -v h="$(du -sb "$carry/include" | cut -f1)" -v t="$tree_bytes" -v l="$carry_limit" 'BEGIN {
      m = 1048576
      printf "carry: packages/cuda-kernels/build/gpu-carry %.1f MiB (%s %.1f MiB, bundle %.1f MiB, headers %.2f MiB); working tree %.1f MiB; together %.1f MiB of %d MiB\n", c/m, a, n/m, b/m, h/m, t/m, (c+t)/m, l/m
    }'
  [ $((carry_bytes + tree_bytes)) -le "$carry_limit" ] || {
    echo "the carry and the working tree exceed the device tool's 64 MiB" >&2
    return 1
  }
}

# ---- shared steps ----

# build_addon CUDA(ON|OFF) ARCH: fedkern.node by plain CMake from the carried headers, no oneDNN, into $addon_dir.
build_addon() {
  local gen=() jobs
  command -v ninja >/dev/null 2>&1 && gen=(-G Ninja)
  jobs=$(nproc 2>/dev/null || echo 4)
  # CUDACXX: CMake's check_language(CUDA) then finds the same nvcc as the harness build, on PATH or not.
  CUDACXX="$nvcc" cmake -S "$pkg" -B "$addon_dir" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release "-DCMAKE_JS_INC=$carry/include" \
    "-DCMAKE_LIBRARY_OUTPUT_DIRECTORY=$addon_dir/Release" -DFEDKERN_DNNL=OFF "-DFEDKERN_CUDA=$1" \
    "-DFEDKERN_CUDA_REQUIRED=$1" ${2:+"-DCMAKE_CUDA_ARCHITECTURES=$2"} &&
    cmake --build "$addon_dir" -j "$jobs" &&
    echo "ldd $addon_dir/Release/fedkern.node:" && ldd "$addon_dir/Release/fedkern.node" &&
    ! ldd "$addon_dir/Release/fedkern.node" | grep -q 'not found' &&
    ! ldd "$addon_dir/Release/fedkern.node" | grep -q 'libdnnl'
}

unpack_node() {
  decompress_node "$(node_archive)" "$work/node" && chmod +x "$work/node" && "$work/node" --version
}

harness_sources=(harness/gpu_harness.cu src/cuda_unity.cu src/matrix/csr_project.cc src/matrix/csr_cross_entropy.cc
  src/matrix/renorm_rows.cc src/matrix/match_row_norms.cc)
build_harness() { # ARCH
  (cd "$pkg" && "$nvcc" -std=c++17 -O2 -lineinfo "-arch=sm_$1" "-DFEDKERN_CUDA_ARCHS=\"$1\"" "${harness_sources[@]}" -o "$work/gpu_harness")
}

nvcc="${CUDACXX:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}"

# ---- modes ----

if [ "$mode" = carry ]; then
  build_carry
  exit $?
fi

if [ "$mode" = dry-run ]; then
  : >"$out/build.log"
  : >"$out/harness.log"
  : >"$out/node.log"
  STAGE_COUNTS=0 stage carry 600 "$out/build.log" build_carry || fail_fatal carry
  grep '^carry:' "$out/build.log" | tail -n 1
  if [ -x "$nvcc" ]; then
    stage harness-build 300 "$out/build.log" build_harness 90a || fail_fatal harness-build
    # No GPU here: the harness must say so and fail, never pass with nothing run.
    STAGE_COUNTS=0 stage fails-closed 30 "$out/harness.log" bash -c \
      "! '$work/gpu_harness' --json '$work/h.json' && grep -q '\"name\":\"device available\",\"ok\":false' '$work/h.json'"
  else
    echo "nvcc not found: the harness is not compiled here (the GPU machine builds it)" | tee -a "$out/build.log"
  fi
  STAGE_COUNTS=0 stage addon-build 600 "$out/build.log" build_addon OFF "" || fail_fatal addon-build
  STAGE_COUNTS=0 stage node 120 "$out/node.log" unpack_node || fail_fatal node
  # From a folder with no node_modules above it: the bundle must stand on its own.
  cd "$work" || fail_fatal node-stage
  stage node-stage 300 "$out/node.log" env FEDKERN_ADDON_PATH="$addon_dir/Release/fedkern.node" \
    "$work/node" "$carry/gpu-node-stage.mjs" --emulated --batch 2 --steps 5 --json "$out/node.json"
  finish
fi

# ---- the check on the GPU machine ----
for f in build.log harness.log sanitizer.log node.log bench.log; do : >"$out/$f"; done
[ -s "$(node_archive)" ] && [ -s "$carry/gpu-node-stage.mjs" ] && [ -s "$carry/include/node_api.h" ] || {
  echo "the carry is missing: build it with --carry on a CPU machine and name packages/cuda-kernels/build/gpu-carry in carry" |
    tee -a "$out/build.log"
  fail_fatal carry
}

detect_device() {
  command -v nvidia-smi >/dev/null || {
    echo "nvidia-smi not found: no GPU driver"
    return 1
  }
  nvidia-smi --query-gpu=name,compute_cap,driver_version,memory.total --format=csv,noheader | head -n 1 || return 1
  [ -x "$nvcc" ] || {
    echo "nvcc not found (set CUDACXX)"
    return 1
  }
  "$nvcc" --version | tail -n 2
}
STAGE_COUNTS=0 stage device 30 "$out/build.log" detect_device || fail_fatal device
cc=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -n 1 | tr -d ' .')
arch=$cc
[ "$arch" = 90 ] && arch=90a # Hopper: the arch-specific target also runs the sm_90 paths
echo "compute capability $cc: building for sm_$arch" | tee -a "$out/build.log"

STAGE_COUNTS=0 stage harness-build 240 "$out/build.log" build_harness "$arch" || fail_fatal harness-build

# The addon and Node meanwhile (CPU work while the harness uses the GPU); waited for before the Node stage.
(
  addon_t0=$SECONDS
  timeout --kill-after=10 "$(limit 300)" bash -c "$(declare -f; declare -p pkg carry work codec addon_dir nvcc); build_addon ON '$arch' && unpack_node" \
    >"$addon_dir.log" 2>&1
  echo $? >"$addon_dir.rc"
  echo $((SECONDS - addon_t0)) >"$addon_dir.secs"
) &
background=$!

stage harness 240 "$out/harness.log" "$work/gpu_harness" --json "$out/harness.json"
stage lost 60 "$out/harness.log" "$work/gpu_harness" --lost --json "$work/lost.json"

wait "$background"
cat "$addon_dir.log" >>"$out/build.log"
addon_rc=$(cat "$addon_dir.rc" 2>/dev/null || echo 1)
record addon-build "$addon_rc" $([ "$addon_rc" -eq 0 ] && echo "1 0" || echo "0 1") "$(cat "$addon_dir.secs" 2>/dev/null || echo 0)" \
  "$([ "$addon_rc" -ne 0 ] && echo "see build.log")"
[ "$addon_rc" -eq 0 ] || fail_fatal addon-build

cd "$work" || fail_fatal node-stage
stage node-stage 300 "$out/node.log" env FEDKERN_ADDON_PATH="$addon_dir/Release/fedkern.node" \
  "$work/node" "$carry/gpu-node-stage.mjs" --expect-cc "$cc" --bench --json "$out/node.json"

STAGE_COUNTS=0 stage bench 90 "$out/bench.log" "$work/gpu_harness" --bench --json "$work/harness-bench.json"
py=/opt/torch/.venv/bin/python3
[ -x "$py" ] || py=$(command -v python3)
STAGE_COUNTS=0 stage torch-bench 150 "$out/bench.log" env PYTHONUNBUFFERED=1 "$py" "$pkg/harness/torch_bench.py" --json "$work/torch.json"
sanitizer="$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)"
for tool in memcheck synccheck racecheck; do
  if [ -x "$sanitizer" ]; then
    STAGE_COUNTS=0 stage "$tool" 100 "$out/sanitizer.log" "$sanitizer" --tool "$tool" --error-exitcode 1 "$work/gpu_harness" --small
  else
    record "$tool" 1 0 1 0 "compute-sanitizer not found"
  fi
done

finish
