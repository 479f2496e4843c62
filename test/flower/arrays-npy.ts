/**
 * Array records as the harnesses exchange them: a folder with keys.json (the names, in order) and
 * <i>.npy per array, written and read with @fedloge/fleet's numpy-exact encoder and decoder.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeNpy, encodeNpy, fleetArray } from '@fedloge/fleet';
import type { ArrayRecord } from '@fedloge/core';

export function writeArrays(folder: string, arrays: ArrayRecord): void {
  mkdirSync(folder, { recursive: true });
  const keys = Object.keys(arrays);
  keys.forEach((k, i) => writeFileSync(join(folder, `${i}.npy`), encodeNpy(fleetArray('float32', arrays[k]!.shape, arrays[k]!.data))));
  writeFileSync(join(folder, 'keys.json'), JSON.stringify(keys));
}

export function readArrays(folder: string): ArrayRecord {
  const keys = JSON.parse(readFileSync(join(folder, 'keys.json'), 'utf8')) as string[];
  const out: Record<string, { shape: number[]; data: Float32Array }> = {};
  keys.forEach((k, i) => {
    const a = decodeNpy(readFileSync(join(folder, `${i}.npy`)));
    if (!(a.data instanceof Float32Array)) throw new Error(`${folder}/${i}.npy (${k}) is ${a.dtype}, expected float32`);
    out[k] = { shape: [...a.shape], data: a.data };
  });
  return out;
}

/** Largest |a − b| over every array of two records with the same names and shapes. */
export function maxAbsDiff(a: ArrayRecord, b: ArrayRecord): number {
  const names = Object.keys(a).sort();
  if (names.join() !== Object.keys(b).sort().join())
    throw new Error(`different arrays: ${names.join()} vs ${Object.keys(b).sort().join()}`);
  let worst = 0;
  for (const k of names) {
    const x = a[k]!.data;
    const y = b[k]!.data;
    if (x.length !== y.length) throw new Error(`${k}: ${x.length} vs ${y.length} elements`);
    for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i]! - y[i]!));
  }
  return worst;
}
