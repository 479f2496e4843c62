#!/usr/bin/env node
// Peak memory of one training step at real image sizes: @fedloge/core's ImageNet ResNet-18/50 + linear head
// (cross-entropy, SGD with momentum) on the native backend against PyTorch running the same architecture
// (bench/torch_models.py), each side in its own child process of this run so that neither shares the other's
// high-water mark. Reported per side: peak resident memory (getrusage's maxRSS) once the model and batch exist,
// and after the steps; the ratio native/PyTorch of the peaks (goal ≤ 1.2).
//
//   npx nx run cuda-kernels:bench-memory [-- flags]   (builds dist/ first), or after `npm run build`:
//   node packages/cuda-kernels/bench/train-memory.mjs [--models resnet18-imagenet@32,resnet50-imagenet@32] [--size 224]
//        [--steps 1] [--threads 1] [--backends native,torch] [--json FILE]
//   --smoke: ResNet-18 at 32 px, batch 2, one step, for bench/train-memory.test.ts; seconds.
//
// --steps > 1 shows growth across steps (tensors kept alive, a pool that keeps growing): each step's resident
// memory is printed. The child of a JS backend also prints the buffer pool's bytes in use and cached after the steps.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const PYTHON = '/usr/bin/python3';
const TORCH_SCRIPT = fileURLToPath(new URL('./torch_models.py', import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const MODELS = ['resnet18-imagenet', 'resnet50-imagenet'];
const NUM_CLASSES = 10;

const { values: flags } = parseArgs({
  options: {
    models: { type: 'string', default: 'resnet18-imagenet@32,resnet50-imagenet@32' },
    size: { type: 'string', default: '224' },
    steps: { type: 'string', default: '1' },
    threads: { type: 'string', default: '1' },
    backends: { type: 'string', default: 'native,torch' },
    json: { type: 'string' },
    smoke: { type: 'boolean', default: false },
    child: { type: 'string' }, // internal: `backend:model@batch`, run in this process and print one JSON line
  },
});
if (flags.smoke) Object.assign(flags, { models: 'resnet18-imagenet@2', size: '32', steps: '1' });
const size = positiveInt('--size', flags.size);
const steps = positiveInt('--steps', flags.steps);
const threads = positiveInt('--threads', flags.threads);

function positiveInt(name, text) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: expected a positive integer but received '${text}'`);
  return n;
}

function parseConfig(spec) {
  const [model, batch] = spec.trim().split('@');
  if (!MODELS.includes(model)) throw new Error(`--models: unknown model '${model}'; choose from ${MODELS.join(', ')} (as name@batch)`);
  return { model, batch: batch === undefined ? 32 : positiveInt(`--models ${spec}`, batch) };
}

const rssKb = () => process.resourceUsage().maxRSS; // peak so far, KiB on Linux
/** Resident memory now, KiB (Linux's /proc; NaN elsewhere). */
function currentRssKb() {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
  } catch {
    return NaN;
  }
}

if (flags.child) await runChild(flags.child);
else runParent();

// ---- one side, in this process -------------------------------------------------------------------------------------
async function runChild(spec) {
  const [backend, rest] = spec.split(':');
  const { model, batch } = parseConfig(rest);
  const tf = await import('@tensorflow/tfjs-core');
  const core = await import('@fedloge/core');
  const kernels = await import('../dist/index.js');
  core.registerBackendProvider(kernels.nativeBackendProvider);
  if (kernels.cudaBackendProvider) core.registerBackendProvider(kernels.cudaBackendProvider);
  await core.initBackend({ backend, logger: core.silentLogger(), threads });

  const plugin = core.CORE_MODEL_PLUGINS.find((p) => p.name === model);
  const rng = new core.Rng(0);
  const shape = [size, size, 3];
  const net = plugin.create({ inputShape: shape, rng: rng.derive('backbone') }, {});
  const head = new core.LinearHead({ inputDim: net.featureDim, numClasses: NUM_CLASSES, rng: rng.derive('head') });
  const variables = [...net.params.values(), ...head.params.values()];
  const params = variables.reduce((s, v) => s + v.size, 0);
  const opt = new core.SGD(variables, { lr: 0.01, momentum: 0.9 });
  const data = rng.derive('data');
  const pixels = new Float32Array(batch * size * size * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = data.normal();
  const x = tf.tensor4d(pixels, [batch, ...shape]);
  const y = tf.tensor1d(
    Int32Array.from({ length: batch }, () => data.int(NUM_CLASSES)),
    'int32',
  );
  const setupRssKb = rssKb();
  const stepRssKb = [];
  const timesMs = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    core.minimize(opt, () => core.crossEntropy(head.apply(net.apply(x, 'train')), y));
    timesMs.push(performance.now() - t0);
    stepRssKb.push({ peak: rssKb(), now: currentRssKb() });
  }
  const pool = tf.backend().nativeMemory?.();
  const tensorsAfter = tf.memory().numTensors;
  tf.dispose([x, y]);
  opt.dispose();
  net.dispose();
  head.dispose();
  console.log(JSON.stringify({ backend, model, batch, params, setupRssKb, peakRssKb: rssKb(), stepRssKb, timesMs, pool, tensorsAfter }));
}

// ---- the run: one child per side and configuration ----------------------------------------------------------------
function runParent() {
  const configs = flags.models.split(',').map(parseConfig);
  const backends = flags.backends
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const b of backends)
    if (!['native', 'cuda', 'wasm', 'cpu', 'torch'].includes(b))
      throw new Error(`--backends: unknown '${b}'; choose from native, cuda, wasm, cpu, torch`);
  const cpus = os.cpus();
  const machine = { cpu: cpus[0]?.model.trim() ?? 'unknown', cores: cpus.length, memGb: os.totalmem() / 2 ** 30, loadavg: os.loadavg() };
  console.log(
    `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memGb.toFixed(1)} GiB, load average ${machine.loadavg.map((l) => l.toFixed(2)).join(' / ')} (1/5/15 min), node ${process.version}`,
  );
  console.log(`${size}×${size} px, ${steps} step(s) per side, ${threads} thread(s); each side in its own child process`);
  const results = [];
  let torchSkip = null;
  for (const config of configs) {
    const label = `${config.model} ${size} px B=${config.batch}`;
    console.log(`\n${label}`);
    const row = { ...config, size };
    for (const backend of backends) {
      if (backend === 'torch' && torchSkip) continue;
      const r =
        backend === 'torch'
          ? spawnSync(
              PYTHON,
              [
                TORCH_SCRIPT,
                '--model',
                config.model,
                '--batch',
                String(config.batch),
                '--size',
                String(size),
                '--threads',
                String(threads),
              ].concat(['--steps', String(steps), '--warmup', '0', '--max-seconds', '1e9']),
              { encoding: 'utf8', maxBuffer: 1 << 24 },
            )
          : spawnSync(
              process.execPath,
              [
                SELF,
                '--child',
                `${backend}:${config.model}@${config.batch}`,
                '--size',
                String(size),
                '--steps',
                String(steps),
                '--threads',
                String(threads),
              ],
              { encoding: 'utf8', maxBuffer: 1 << 24 },
            );
      if (r.error || r.status !== 0) {
        if (backend === 'torch' && (r.error || /No module named 'torch'/.test(r.stderr))) {
          torchSkip = `${PYTHON} cannot import torch (${r.error?.message ?? r.stderr.trim().split('\n').pop()})`;
          console.log(`  torch: skipped: ${torchSkip}`);
          continue;
        }
        throw new Error(`${backend} ${label} failed (exit ${r.status ?? r.signal}): ${r.error?.message ?? r.stderr}`);
      }
      const out = JSON.parse(r.stdout.trim().split('\n').pop());
      const side =
        backend === 'torch'
          ? { params: out.params, setupMb: out.setup_rss_kb / 1024, peakMb: out.peak_rss_kb / 1024, stepMs: out.times_ms, steps: steps }
          : { params: out.params, setupMb: out.setupRssKb / 1024, peakMb: out.peakRssKb / 1024, stepMs: out.timesMs, pool: out.pool };
      row[backend] = side;
      if (row[backends[0]]?.params !== undefined && side.params !== row[backends[0]].params) {
        throw new Error(`${label}: ${backend} has ${side.params} parameters, ${backends[0]} ${row[backends[0]].params}: the twins differ`);
      }
      const pool = side.pool
        ? `; pool after: ${(side.pool.bytesInUse / 2 ** 20).toFixed(0)} MB in use, ${(side.pool.bytesCached / 2 ** 20).toFixed(0)} MB cached`
        : '';
      const perStep =
        backend === 'torch' ? '' : `; RSS after each step ${out.stepRssKb.map((s) => (s.now / 1024).toFixed(0)).join(', ')} MB`;
      console.log(
        `  ${backend.padEnd(7)} peak RSS ${side.peakMb.toFixed(0).padStart(6)} MB  (model + batch ${side.setupMb.toFixed(0)} MB; the step adds ${(side.peakMb - side.setupMb).toFixed(0)} MB; ${side.stepMs.map((t) => (t / 1000).toFixed(1)).join(', ')} s/step${perStep}${pool})`,
      );
    }
    results.push(row);
  }
  const ratio = (row) => (row.native && row.torch ? row.native.peakMb / row.torch.peakMb : undefined);
  console.log(`\npeak RSS per training step, MB (each side its own process; goal native/torch ≤ 1.2)\n`);
  console.log(`| model | px | B | ${backends.map((b) => `${b} MB`).join(' | ')} | native/torch |`);
  console.log(`|---|---|---|${backends.map(() => '---').join('|')}|---|`);
  for (const row of results) {
    const r = ratio(row);
    console.log(
      `| ${row.model} | ${row.size} | ${row.batch} | ${backends.map((b) => (row[b] ? row[b].peakMb.toFixed(0) : '—')).join(' | ')} | ${r === undefined ? '—' : r.toFixed(2)} |`,
    );
  }
  if (flags.json) {
    writeFileSync(flags.json, `${JSON.stringify({ machine, size, steps, threads, results }, null, 2)}\n`);
    console.log(`\nwrote ${flags.json}`);
  }
}
