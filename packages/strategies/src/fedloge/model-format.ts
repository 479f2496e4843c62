/**
 * The on-disk format of an exported FedLoGe model: one JSON manifest plus one little-endian
 * float32 file per group of arrays (backbone, SSE-C, heads…). The manifest lists every array of a
 * group with its key, shape and offset, so a reader needs nothing but this file to find them.
 *
 *   model/
 *     manifest.json
 *     backbone.f32  sse-c.f32  global-head.f32  realigned-global-head.f32
 *     local-heads.f32  realigned-local-heads.f32
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sizeOf, type ArrayRecord } from '@fedloge/core';

export const FEDLOGE_MODEL_FORMAT = 'fedloge-model';
export const FEDLOGE_MODEL_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';

/** The array groups of an export, one binary file each. */
export const MODEL_GROUPS = [
  'backbone',
  'sse-c',
  'global-head',
  'realigned-global-head',
  'local-heads',
  'realigned-local-heads',
] as const;
export type ModelGroup = (typeof MODEL_GROUPS)[number];

/** Where one array sits in its group's file. */
export interface ArrayLocation {
  readonly key: string;
  readonly shape: readonly number[];
  /** Offset in float32 elements from the start of the file. */
  readonly offset: number;
}

/** One group's file and contents. */
export interface GroupEntry {
  readonly file: string;
  /** Total float32 elements in the file. */
  readonly length: number;
  readonly arrays: readonly ArrayLocation[];
}

/** manifest.json. */
export interface FedLoGeManifest {
  readonly format: typeof FEDLOGE_MODEL_FORMAT;
  readonly version: typeof FEDLOGE_MODEL_VERSION;
  readonly dtype: 'float32';
  readonly byteOrder: 'little-endian';
  readonly numClasses: number;
  readonly featureDim: number;
  /** Input image shape [h, w, c] (NHWC batches). */
  readonly inputShape: readonly [number, number, number];
  /** The backbone plugin and its options, to rebuild the architecture before loading its state. */
  readonly backbone: { readonly name: string; readonly options?: unknown };
  /** Number of clients; `local-heads` holds `${k}.weight` and `${k}.bias` for k < numClients. */
  readonly numClients: number;
  /** GA-FR row norm used for `realigned-global-head`. */
  readonly realignNorm: number;
  /** How the SSE-C was built (for the record; its arrays are in `sse-c`). */
  readonly sseC: Readonly<Record<string, unknown>>;
  /** What each group holds, in words, so the folder explains itself. */
  readonly notes: Readonly<Record<ModelGroup, string>>;
  readonly groups: Readonly<Record<ModelGroup, GroupEntry>>;
}

/** Write `record` as `<group>.f32` in `dir` and return its manifest entry. */
export async function writeGroup(dir: string, group: ModelGroup, record: ArrayRecord): Promise<GroupEntry> {
  const arrays: ArrayLocation[] = [];
  let length = 0;
  for (const [key, entry] of Object.entries(record)) {
    if (entry.data.length !== sizeOf(entry.shape)) {
      throw new RangeError(`writeGroup(${group}): '${key}' holds ${entry.data.length} values but its shape [${entry.shape.join(', ')}] needs ${sizeOf(entry.shape)}`);
    }
    arrays.push({ key, shape: [...entry.shape], offset: length });
    length += entry.data.length;
  }
  const bytes = new DataView(new ArrayBuffer(length * 4));
  for (const { key, offset } of arrays) {
    const data = record[key]!.data;
    for (let i = 0; i < data.length; i++) bytes.setFloat32((offset + i) * 4, data[i]!, true);
  }
  const file = `${group}.f32`;
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, file), new Uint8Array(bytes.buffer));
  return { file, length, arrays };
}

/** Read a group written by {@link writeGroup}; errors name the file and what is wrong with it. */
export async function readGroup(dir: string, entry: GroupEntry): Promise<ArrayRecord> {
  const path = join(dir, entry.file);
  const buffer = await readFile(path);
  if (buffer.byteLength !== entry.length * 4) {
    throw new Error(
      `${path}: expected ${entry.length} float32 values (${entry.length * 4} bytes) as the manifest says, but the file has ` +
        `${buffer.byteLength} bytes. The export is incomplete or was modified; export the model again.`,
    );
  }
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const out: ArrayRecord = {};
  for (const { key, shape, offset } of entry.arrays) {
    const n = sizeOf(shape);
    if (offset + n > entry.length) throw new Error(`${path}: '${key}' [${shape.join(', ')}] at offset ${offset} runs past the end of the file`);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = view.getFloat32((offset + i) * 4, true);
    out[key] = { shape: [...shape], data };
  }
  return out;
}

/** Read and check manifest.json in `dir`. */
export async function readManifest(dir: string): Promise<FedLoGeManifest> {
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(`No FedLoGe model at ${dir}: cannot read ${MANIFEST_FILE} (${(e as Error).message}). Pass the folder written by exportFedLoGeModel.`, { cause: e });
  }
  const manifest = JSON.parse(text) as Partial<FedLoGeManifest>;
  if (manifest.format !== FEDLOGE_MODEL_FORMAT) {
    throw new Error(`${path}: expected format '${FEDLOGE_MODEL_FORMAT}' but found '${String(manifest.format)}'; this is not a FedLoGe model export`);
  }
  if (manifest.version !== FEDLOGE_MODEL_VERSION) {
    throw new Error(`${path}: format version ${String(manifest.version)} is not supported (this build reads version ${FEDLOGE_MODEL_VERSION})`);
  }
  for (const group of MODEL_GROUPS) {
    if (!manifest.groups?.[group]) throw new Error(`${path}: the manifest lists no '${group}' group; export the model again`);
  }
  return manifest as FedLoGeManifest;
}

/** Write manifest.json (pretty-printed: people read it). */
export async function writeManifest(dir: string, manifest: FedLoGeManifest): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}
