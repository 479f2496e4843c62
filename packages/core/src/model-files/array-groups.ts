/**
 * Named arrays on disk: one little-endian float32 file per group of arrays, described by a JSON
 * entry (key, shape, offset of every array) that the caller keeps in its manifest. The model
 * exports (FedLoGe's own and the generic state export) share this layout.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sizeOf, type ArrayRecord } from '../arrays.js';
import { readSafetensorsGroup, safetensorsManifestText, safetensorsSource } from './model-safetensors.js';

/** Where one array sits in its group's file. */
export interface ArrayLocation {
  readonly key: string;
  readonly shape: readonly number[];
  /** Offset in float32 elements from the start of the file. */
  readonly offset: number;
}

/** One group's file and contents, as a manifest records it. */
export interface GroupEntry {
  readonly file: string;
  /** Total float32 elements in the file. */
  readonly length: number;
  readonly arrays: readonly ArrayLocation[];
}

/** Write `record` as `<group>.f32` in `dir` (created if needed) and return its manifest entry. */
export async function writeArrayGroup(dir: string, group: string, record: ArrayRecord): Promise<GroupEntry> {
  const arrays: ArrayLocation[] = [];
  let length = 0;
  for (const [key, entry] of Object.entries(record)) {
    if (entry.data.length !== sizeOf(entry.shape)) {
      throw new RangeError(
        `writeArrayGroup(${group}): '${key}' holds ${entry.data.length} values but its shape [${entry.shape.join(', ')}] needs ${sizeOf(entry.shape)}`,
      );
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

/**
 * Read a group written by {@link writeArrayGroup}, or, where the folder has only the export's
 * model.safetensors (or `dir` is a .safetensors file), from that; errors name the file and what is
 * wrong with it.
 */
export async function readArrayGroup(dir: string, entry: GroupEntry): Promise<ArrayRecord> {
  const safetensors = safetensorsSource(dir, entry.file);
  if (safetensors) return readSafetensorsGroup(safetensors, entry);
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
    if (offset + n > entry.length)
      throw new Error(`${path}: '${key}' [${shape.join(', ')}] at offset ${offset} runs past the end of the file`);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = view.getFloat32((offset + i) * 4, true);
    out[key] = { shape: [...shape], data };
  }
  return out;
}

/** Write `manifest` as pretty-printed JSON (people read it) to `dir/file`. */
export async function writeJsonManifest(dir: string, file: string, manifest: unknown): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, file), `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * Read `dir/file` as JSON (or the copy in the export's safetensors metadata, where only that file
 * is there) and check its `format` and `version`; `what` names the export in errors (e.g.
 * 'FedLoGe model').
 */
export async function readJsonManifest<M extends { format: string; version: number }>(
  dir: string,
  file: string,
  expected: { readonly format: M['format']; readonly version: M['version']; readonly what: string },
): Promise<Partial<M>> {
  const safetensors = safetensorsSource(dir, file);
  const path = safetensors ?? join(dir, file);
  let text: string;
  try {
    text = safetensors ? await safetensorsManifestText(safetensors) : await readFile(path, 'utf8');
  } catch (e) {
    throw new Error(`No ${expected.what} at ${dir}: cannot read ${file} (${(e as Error).message}). Pass the model folder a run exported.`, {
      cause: e,
    });
  }
  let manifest: Partial<M>;
  try {
    manifest = JSON.parse(text) as Partial<M>;
  } catch (e) {
    throw new Error(`${path} is not valid JSON (${(e as Error).message}); export the model again.`, { cause: e });
  }
  if (manifest.format !== expected.format) {
    throw new Error(
      `${path}: expected format '${expected.format}' but found '${String(manifest.format)}'; this is not a ${expected.what} export`,
    );
  }
  if (manifest.version !== expected.version) {
    throw new Error(`${path}: format version ${String(manifest.version)} is not supported (this build reads version ${expected.version})`);
  }
  return manifest;
}
