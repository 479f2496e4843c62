#!/usr/bin/env node
// Two runs sharing the machine: training-step throughput of one process alone against two at once, each choosing its
// thread count as `fedloge train` does by default (src/runtime/threads.ts: all cores when clients train on the main
// thread) on the native backend. Goal (issue 16): each of two default runs keeps ≥ 40 % of a solo run's throughput.
// Without a waiting policy, OpenMP's idle threads spin and two 2-thread runs on 2 cores collapse.
//
//   node packages/cli/bench/shared-cores.mjs [--model resnet8] [--batch 32] [--seconds 20] [--threads auto|n]
//        [--runs 2] [--smoke]                                    (after npx tsc -b packages/cli/tsconfig.json)
//
// Each child process loads the backend, warms up, says it is ready, and on "go" (sent to all at once) trains for
// --seconds; it reports steps/s, its thread count, the OpenMP settings it ran with and its peak RSS (getrusage via
// process.resourceUsage). --smoke: the small CNN at batch 4 for 1 s (bench/shared-cores.test.ts).
import { spawn } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'resnet8' },
    batch: { type: 'string', default: '32' },
    seconds: { type: 'string', default: '20' },
    threads: { type: 'string', default: 'auto' },
    runs: { type: 'string', default: '2' },
    smoke: { type: 'boolean', default: false },
    child: { type: 'boolean', default: false },
  },
});
if (values.smoke) Object.assign(values, { model: 'cnn', batch: '4', seconds: '1' });
const INPUT_SHAPES = { cnn: [28, 28, 1], resnet8: [32, 32, 3], resnet18: [32, 32, 3], resnet34: [32, 32, 3] };
if (!INPUT_SHAPES[values.model]) throw new Error(`--model: unknown '${values.model}'; choose from ${Object.keys(INPUT_SHAPES).join(', ')}`);
const batch = positiveInt('--batch', values.batch);
const seconds = Number(values.seconds);
if (!(seconds > 0)) throw new Error(`--seconds: expected a number > 0 but received '${values.seconds}'`);
const runs = positiveInt('--runs', values.runs);
const threadsArg = values.threads === 'auto' ? 'auto' : positiveInt('--threads', values.threads);

function positiveInt(name, text) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: expected a positive integer but received '${text}'`);
  return n;
}

if (values.child) await child();
else await parent();

/** One run: the CLI's thread choice, the native backend, the model + head + SGD step; trains from "go" for --seconds. */
async function child() {
  const tf = await import('@tensorflow/tfjs-core');
  const { CORE_MODEL_PLUGINS, LinearHead, Rng, SGD, crossEntropy, initBackend, minimize, silentLogger } = await import('@fedloge/core');
  const { registerAddonBackends } = await import('../dist/runtime/backend-providers.js');
  const { resolveThreads } = await import('../dist/runtime/threads.js');
  registerAddonBackends();
  const choice = resolveThreads({ configured: threadsArg, workers: 0 });
  const info = await initBackend({ backend: 'native', logger: silentLogger(), threads: choice.threads });
  const rng = new Rng(0);
  const shape = INPUT_SHAPES[values.model];
  const net = CORE_MODEL_PLUGINS.find((p) => p.name === values.model).create({ inputShape: shape, rng: rng.derive('backbone') }, {});
  const head = new LinearHead({ inputDim: net.featureDim, numClasses: 10, rng: rng.derive('head') });
  const opt = new SGD([...net.params.values(), ...head.params.values()], { lr: 0.01, momentum: 0.9 });
  const data = rng.derive('data');
  const x = tf.tensor4d(
    Float32Array.from({ length: batch * shape[0] * shape[1] * shape[2] }, () => data.normal()),
    [batch, ...shape],
  );
  const y = tf.tensor1d(
    Int32Array.from({ length: batch }, () => data.int(10)),
    'int32',
  );
  const step = () => minimize(opt, () => crossEntropy(head.apply(net.apply(x, 'train')), y));
  for (let i = 0; i < 2; i++) step();
  console.log('ready');
  const go = createInterface({ input: process.stdin });
  await new Promise((resolve) => go.once('line', resolve));
  go.close(); // an open stdin would keep this process alive after its report
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let steps = 0;
  while (performance.now() - t0 < seconds * 1000) {
    step();
    steps++;
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  tf.dispose([x, y]);
  opt.dispose();
  net.dispose();
  head.dispose();
  const omp = Object.fromEntries(['OMP_WAIT_POLICY', 'GOMP_SPINCOUNT', 'OMP_NUM_THREADS'].map((k) => [k, process.env[k] ?? null]));
  console.log(
    JSON.stringify({
      steps,
      wall,
      stepsPerSecond: steps / wall,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      threads: choice.threads,
      threadsSource: choice.source,
      backend: info.detail,
      omp,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
}

/** Start `n` children, wait until all are warm, start them together, collect their reports. */
async function together(n) {
  const script = fileURLToPath(import.meta.url);
  const args = [script, '--child', '--model', values.model, '--batch', String(batch), '--seconds', String(seconds)];
  args.push('--threads', String(threadsArg));
  const procs = Array.from({ length: n }, () => spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] }));
  const lines = procs.map((p) => createInterface({ input: p.stdout }));
  const ready = lines.map(
    (l, i) =>
      new Promise((resolve, reject) => {
        l.once('line', (line) => (line === 'ready' ? resolve() : reject(new Error(`run ${i}: expected 'ready' but got '${line}'`))));
        procs[i].once('exit', (code) => reject(new Error(`run ${i} exited with ${code} before it was ready`)));
      }),
  );
  await Promise.all(ready);
  const reports = lines.map((l) => new Promise((resolve) => l.once('line', (line) => resolve(JSON.parse(line)))));
  for (const p of procs) p.stdin.end('go\n');
  const out = await Promise.all(reports);
  await Promise.all(procs.map((p) => (p.exitCode !== null ? Promise.resolve() : new Promise((resolve) => p.once('exit', resolve)))));
  for (const [i, p] of procs.entries()) if (p.exitCode !== 0) throw new Error(`run ${i} exited with ${p.exitCode}`);
  return out;
}

function line(label, r) {
  return (
    `${label.padEnd(8)} ${r.stepsPerSecond.toFixed(2).padStart(7)} steps/s  ${(1000 / r.stepsPerSecond).toFixed(1).padStart(7)} ms/step  ` +
    `${r.steps} steps in ${r.wall.toFixed(1)} s, CPU ${(r.cpuSeconds / r.wall).toFixed(2)} cores  threads ${r.threads} (${r.threadsSource})  ` +
    `peak RSS ${r.peakRssMb.toFixed(0)} MB`
  );
}

async function parent() {
  console.log(
    `shared cores: ${values.model} B=${batch}, native backend, ${seconds} s per measurement; ${availableParallelism()} × ${cpus()[0]?.model.trim()}, ` +
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' / ')}; --threads ${threadsArg}`,
  );
  const [solo] = await together(1);
  console.log(`backend: ${solo.backend}; OpenMP env in the runs: ${JSON.stringify(solo.omp)}`);
  console.log(line('solo', solo));
  const shared = await together(runs);
  shared.forEach((r, i) => console.log(line(`run ${i + 1}/${runs}`, r)));
  const ratios = shared.map((r) => r.stepsPerSecond / solo.stepsPerSecond);
  const worst = Math.min(...ratios);
  console.log(
    `ratio    ${ratios.map((q) => q.toFixed(2)).join(' / ')} of solo (worst ${worst.toFixed(2)}; goal ≥ 0.40: ${worst >= 0.4 ? 'met' : 'NOT met'})  ` +
      `sum ${ratios.reduce((a, b) => a + b, 0).toFixed(2)} × solo`,
  );
}
