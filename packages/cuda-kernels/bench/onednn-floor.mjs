// The oneDNN primitives-only floor of a training step, for bench-train --floor: harness/conv_layouts.cc built with g++
// against libdnnl (once per run, in a scratch folder) and run at the step's batch and thread count. The floor is the
// step's convolutions in oneDNN's blocked layouts with no reorders, plus its matmuls: what a step cannot do without
// whatever the framework around it does. The harness knows the small CNN and ResNet-8 only.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = fileURLToPath(new URL('../harness/conv_layouts.cc', import.meta.url));
/** The models harness/conv_layouts.cc times. */
export const FLOOR_MODELS = ['cnn', 'resnet8'];

let binary = null;
let buildError = null;
/** The harness's output per batch and thread count (it times both models at once). */
const outputs = new Map();

function build() {
  if (binary || buildError) return;
  const dir = mkdtempSync(join(tmpdir(), 'fedkern-floor-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const out = join(dir, 'conv_layouts');
  const r = spawnSync('g++', ['-std=c++17', '-O2', SOURCE, '-ldnnl', '-o', out], { encoding: 'utf8' });
  if (r.error || r.status !== 0) buildError = `g++ could not build ${SOURCE} (needs libdnnl-dev): ${r.error?.message ?? r.stderr.trim()}`;
  else binary = out;
}

/**
 * { ms: floor per step in ms, convNhwcMs: the same convolutions in the native backend's default layout, with its weight
 * reorders } for `model` at `batch` with `threads` OpenMP threads, or { skip: why }. Each call is repeated for
 * `msPerMeasurement` and its minimum taken.
 */
export function oneDnnFloor(model, batch, threads, msPerMeasurement = 150) {
  if (!FLOOR_MODELS.includes(model)) return { skip: `harness/conv_layouts.cc has no ${model} (only ${FLOOR_MODELS.join(', ')})` };
  build();
  if (buildError) return { skip: buildError };
  const key = `${batch}:${threads}:${msPerMeasurement}`;
  if (!outputs.has(key)) {
    const r = spawnSync(binary, [String(batch), String(msPerMeasurement)], {
      encoding: 'utf8',
      env: { ...process.env, OMP_NUM_THREADS: String(threads) },
    });
    outputs.set(
      key,
      r.error || r.status !== 0 ? { skip: `${binary} failed: ${r.error?.message ?? r.stderr.trim()}` } : { stdout: r.stdout },
    );
  }
  const output = outputs.get(key);
  if (output.skip) return output;
  // The output has one section per model: its name alone on a line, the rows, "sum per step", the matmuls, the floor.
  const section = output.stdout.split(/\n(?=\S)/).find((s) => s.startsWith(`${model}\n`));
  const floor = section && /floor per step [^:]*: ([\d.]+) ms/.exec(section);
  const sums = section && /sum per step +([\d.]+) +([\d.]+) +([\d.]+) +([\d.]+)/.exec(section);
  if (!floor || !sums) return { skip: `no floor for ${model} in the output of ${binary}` };
  return { ms: Number(floor[1]), convNhwcMs: Number(sums[3]) };
}
