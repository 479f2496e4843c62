/**
 * The bridge to the PyTorch reference (test/torch/fedloge_steps.py): arrays as base64 float32 in
 * JSON, the program run with Debian's /usr/bin/python3, and whether torch is there at all.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ArrayRecord } from '@fedloge/core';

export const PYTHON = '/usr/bin/python3';
export const STEPS_SCRIPT = fileURLToPath(new URL('./fedloge_steps.py', import.meta.url));

/** Why the PyTorch reference cannot run here, or undefined when it can. */
export function torchUnavailable(): string | undefined {
  const probe = spawnSync(PYTHON, ['-c', 'import torch, numpy; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} cannot be run (${probe.error.message}); install python3-torch`;
  if (probe.status !== 0) return `${PYTHON} has no torch/numpy (apt-get install python3-torch python3-numpy)`;
  return undefined;
}

export interface JsonArray {
  readonly shape: number[];
  readonly data: string;
}

export function toJsonArray(shape: readonly number[], data: ArrayLike<number>): JsonArray {
  const f32 = Float32Array.from(data);
  return { shape: [...shape], data: Buffer.from(f32.buffer, f32.byteOffset, f32.byteLength).toString('base64') };
}

export function fromJsonArray(a: JsonArray): { shape: number[]; data: Float32Array } {
  const bytes = Buffer.from(a.data, 'base64');
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  return { shape: a.shape, data: new Float32Array(copy.buffer) };
}

export function recordToJson(record: ArrayRecord): Record<string, JsonArray> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, toJsonArray(v.shape, v.data)]));
}

/** Run the reference `script` on `input` and parse its JSON answer; stderr is part of the error on failure. */
export function runTorchReference<T>(input: unknown, script: string = STEPS_SCRIPT): T {
  const run = spawnSync(PYTHON, [script], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 });
  if (run.status !== 0) throw new Error(`${script} failed (exit ${run.status}):\n${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

/** ‖a − b‖ / ‖b‖ (‖b‖ floored at 1e-12): the relative difference of two arrays. */
export function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < a.length; i++) {
    diff += (a[i]! - b[i]!) ** 2;
    norm += b[i]! ** 2;
  }
  return Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-12);
}
