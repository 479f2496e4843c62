/**
 * model.safetensors against an independent reader: tiny FedLoGe and FedAvg runs export their model,
 * Python reads the file by the format's rules with its own 40-line reader (Debian has no
 * python3-safetensors package) and loads every tensor with torch.frombuffer; the values equal the
 * arrays of our own format (manifest.json + .f32 groups) bit for bit, under the names our state keys
 * give them. Python then rewrites the tensors from torch in another order, and `fedloge predict`
 * reads that file (`--model x.safetensors`) and a model folder holding only model.safetensors, with
 * the same predictions as the run's own model.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { MODEL_MANIFEST_FILE, readArrayGroup, type ArrayRecord, type GroupEntry } from '@fedloge/core';
import { FASHION_MNIST_DIR, tempDir, writeTinyPartition } from '../../packages/cli/src/__fixtures__/tiny-run.js';
import { runCli } from '../../packages/cli/src/__fixtures__/run-cli.js';
import { PYTHON, fromJsonArray, torchUnavailable, type JsonArray } from './torch-reference.js';

const SCRIPT = fileURLToPath(new URL('./safetensors_torch.py', import.meta.url));
const CLIENTS = 3;
const skip = torchUnavailable();

/** Every array of our own format in `modelDir`, under the tensor name the export gives it. */
async function ownArrays(modelDir: string, nameOf: (group: string, key: string) => string): Promise<ArrayRecord> {
  const manifest = JSON.parse(readFileSync(join(modelDir, MODEL_MANIFEST_FILE), 'utf8')) as { groups: Record<string, GroupEntry> };
  const out: ArrayRecord = {};
  for (const [group, entry] of Object.entries(manifest.groups)) {
    for (const [key, value] of Object.entries(await readArrayGroup(modelDir, entry))) out[nameOf(group, key)] = value;
  }
  return out;
}

/** Python's view of `file`; it also writes the torch-rewritten copy to `rewritten`. */
function torchRead(file: string, rewritten: string): { metadata: Record<string, string>; tensors: Record<string, JsonArray> } {
  const run = spawnSync(PYTHON, [SCRIPT, file, rewritten], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`${SCRIPT} failed (exit ${run.status}):\n${run.stderr}`);
  return JSON.parse(run.stdout);
}

const FEDLOGE_NAMES: Record<string, string> = {
  backbone: 'backbone.',
  'sse-c': 'sse-c.',
  'global-head': 'gaux.',
  'realigned-global-head': 'realigned-gaux.',
  'local-heads': 'local.',
  'realigned-local-heads': 'realigned-local.',
};

describe.skipIf(skip !== undefined).each([
  ['fedloge', (group: string, key: string) => FEDLOGE_NAMES[group]! + key, ['universal', 'personalized']],
  ['fedavg', (group: string, key: string) => (group === 'global' ? key : `clients.${key.replace('/', '.')}`), ['global']],
] as const)('model.safetensors of a %s run', (strategy, nameOf, modes) => {
  let dir: string;

  beforeAll(async () => {
    dir = tempDir(`safetensors-${strategy}`);
    writeTinyPartition(dir, CLIENTS, 40);
    const r = await runCli(
      ['train', '--strategy', strategy, '--partition', 'tiny-partition.json', '--data-dir', FASHION_MNIST_DIR, '--clients', String(CLIENTS)]
        .concat(['--clients-per-round', '2', '--rounds', '1', '--batch-size', '16', '--backend', 'wasm', '--workers', '0', '--seed', '5'])
        .concat(['--out', 'run']),
      dir,
    );
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  it('PyTorch reads every array, bit for bit, under our state keys', async () => {
    const model = join(dir, 'run', 'model');
    const own = await ownArrays(model, nameOf);
    const py = torchRead(join(model, 'model.safetensors'), join(dir, 'torch.safetensors'));
    expect(py.metadata).toMatchObject({ format: strategy === 'fedloge' ? 'fedloge-model' : 'fedloge-state-model', classes: '10' });
    expect(py.metadata['strategy']).toBe(strategy);
    expect(Object.keys(py.tensors).sort()).toEqual(Object.keys(own).sort());
    if (strategy === 'fedloge')
      expect(Object.keys(py.tensors)).toEqual(expect.arrayContaining(['local.2.weight', 'sse-c.weight', 'gaux.bias']));
    for (const [name, value] of Object.entries(own)) {
      const theirs = fromJsonArray(py.tensors[name]!);
      expect(theirs.shape, name).toEqual(value.shape);
      expect(Buffer.from(theirs.data.buffer).equals(Buffer.from(Float32Array.from(value.data).buffer)), name).toBe(true);
    }
  });

  it.each(modes)(
    'predict (%s) reads a torch-written file and a safetensors-only model folder, as the run model predicts',
    async (mode) => {
      const flags = ['--mode', mode, ...(mode === 'personalized' ? ['--client', '1'] : []), '--backend', 'wasm'];
      const predict = async (extra: string[], out: string): Promise<string> => {
        const r = await runCli(['predict', ...extra, ...flags, '--out', out], dir);
        expect(r.code, r.stderr).toBe(0);
        return readFileSync(join(dir, out), 'utf8');
      };
      const reference = await predict(['--run', 'run'], `own-${mode}.jsonl`);
      expect(await predict(['--run', 'run', '--model', 'torch.safetensors'], `torch-${mode}.jsonl`)).toBe(reference);
      rmSync(join(dir, 'only'), { recursive: true, force: true });
      cpSync(join(dir, 'run'), join(dir, 'only'), { recursive: true });
      for (const f of readdirSync(join(dir, 'only', 'model'))) if (f !== 'model.safetensors') rmSync(join(dir, 'only', 'model', f));
      expect(await predict(['--run', 'only'], `only-${mode}.jsonl`)).toBe(reference);
    },
    90_000,
  );
});
