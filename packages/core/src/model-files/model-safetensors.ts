/**
 * A model folder's arrays as one safetensors file (safetensors.ts), written beside our own format
 * so that other tools read the model, and readable by our loaders on its own. Every group's arrays
 * are tensors named `<prefix><key>` (a '/' in a key becomes '.'), the prefix per group chosen by the
 * export (e.g. FedLoGe's `local.<k>.weight`); `__metadata__` holds the export's manifest.json as
 * JSON under `manifest` and each group file's prefix under `tensor_prefixes`, so a loader finds
 * every array by its name, whatever order or offsets the writer used (a file PyTorch-side code
 * rewrote loads too).
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ArrayRecord } from '../arrays.js';
import type { GroupEntry } from './array-groups.js';
import { SafetensorsFile, writeSafetensors } from './safetensors.js';

/** The safetensors file's name in a model folder. */
export const MODEL_SAFETENSORS_FILE = 'model.safetensors';
const MANIFEST_KEY = 'manifest';
const PREFIXES_KEY = 'tensor_prefixes';

/** The tensor name of array `key` of a group whose prefix is `prefix`. */
export function safetensorsName(prefix: string, key: string): string {
  return prefix + key.replaceAll('/', '.');
}

/** One group of an export: its manifest entry, the tensor-name prefix and its arrays. */
export interface SafetensorsGroup {
  readonly entry: GroupEntry;
  readonly prefix: string;
  readonly record: ArrayRecord;
}

/**
 * Write `dir/model.safetensors` holding every group's arrays; `metadata` adds facts other tools
 * show (format, strategy, classes…). Returns the file name.
 */
export async function writeModelSafetensors(
  dir: string,
  manifest: { readonly format: string },
  groups: readonly SafetensorsGroup[],
  metadata: Readonly<Record<string, string>>,
): Promise<string> {
  const tensors: ArrayRecord = {};
  const prefixes: Record<string, string> = {};
  for (const { entry, prefix, record } of groups) {
    prefixes[entry.file] = prefix;
    for (const [key, value] of Object.entries(record)) {
      const name = safetensorsName(prefix, key);
      if (tensors[name]) throw new Error(`writeModelSafetensors: two arrays map to the tensor name '${name}' (group ${entry.file})`);
      tensors[name] = value;
    }
  }
  await writeSafetensors(join(dir, MODEL_SAFETENSORS_FILE), tensors, {
    format: manifest.format,
    ...metadata,
    [MANIFEST_KEY]: JSON.stringify(manifest),
    [PREFIXES_KEY]: JSON.stringify(prefixes),
  });
  return MODEL_SAFETENSORS_FILE;
}

/**
 * The safetensors file that stands for `dir` when it has no `file` of our own format: `dir` itself
 * when it is a `.safetensors` file, else `dir/model.safetensors` when that exists; undefined when
 * our own format is to be read.
 */
export function safetensorsSource(dir: string, file: string): string | undefined {
  if (dir.endsWith('.safetensors') && existsSync(dir) && statSync(dir).isFile()) return dir;
  if (existsSync(join(dir, file))) return undefined;
  const path = join(dir, MODEL_SAFETENSORS_FILE);
  return existsSync(path) ? path : undefined;
}

/** The manifest.json text an export stored in its safetensors metadata. */
export async function safetensorsManifestText(path: string): Promise<string> {
  const file = await SafetensorsFile.open(path);
  const text = file.metadata[MANIFEST_KEY];
  if (text === undefined) {
    throw new Error(
      `${path}: its __metadata__ has no '${MANIFEST_KEY}' entry, so it is not a fedloge model export ` +
        `(a file written by other code must copy __metadata__ from the model.safetensors of a run).`,
    );
  }
  return text;
}

/** Read the arrays of `entry` (a group of the stored manifest) from the safetensors file `path`. */
export async function readSafetensorsGroup(path: string, entry: GroupEntry): Promise<ArrayRecord> {
  const file = await SafetensorsFile.open(path);
  let prefixes: Record<string, string>;
  try {
    prefixes = JSON.parse(file.metadata[PREFIXES_KEY] ?? 'null') as Record<string, string>;
  } catch (e) {
    throw new Error(`${path}: __metadata__.${PREFIXES_KEY} is not JSON (${(e as Error).message})`, { cause: e });
  }
  const prefix = prefixes?.[entry.file];
  if (typeof prefix !== 'string') throw new Error(`${path}: __metadata__.${PREFIXES_KEY} names no prefix for the group '${entry.file}'`);
  const names = entry.arrays.map((a) => safetensorsName(prefix, a.key));
  const tensors = await file.read(names);
  const out: ArrayRecord = {};
  entry.arrays.forEach(({ key, shape }, i) => {
    const tensor = tensors[names[i]!]!;
    if (tensor.shape.length !== shape.length || tensor.shape.some((d, j) => d !== shape[j])) {
      throw new Error(`${path}: tensor '${names[i]}' has shape [${tensor.shape.join(', ')}] but the model needs [${shape.join(', ')}]`);
    }
    out[key] = tensor;
  });
  return out;
}
