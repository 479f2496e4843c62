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
import {
  MODEL_MANIFEST_FILE,
  readArrayGroup,
  readJsonManifest,
  writeArrayGroup,
  writeJsonManifest,
  type ArrayRecord,
  type GroupEntry,
} from '@fedloge/core';

export type { GroupEntry };

export const FEDLOGE_MODEL_FORMAT = 'fedloge-model';
export const FEDLOGE_MODEL_VERSION = 1;
export const MANIFEST_FILE = MODEL_MANIFEST_FILE;

/** The array groups of an export, one binary file each. */
export const MODEL_GROUPS = ['backbone', 'sse-c', 'global-head', 'realigned-global-head', 'local-heads', 'realigned-local-heads'] as const;
export type ModelGroup = (typeof MODEL_GROUPS)[number];

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
export function writeGroup(dir: string, group: ModelGroup, record: ArrayRecord): Promise<GroupEntry> {
  return writeArrayGroup(dir, group, record);
}

/** Read a group written by {@link writeGroup}; errors name the file and what is wrong with it. */
export function readGroup(dir: string, entry: GroupEntry): Promise<ArrayRecord> {
  return readArrayGroup(dir, entry);
}

/** Read and check manifest.json in `dir`. */
export async function readManifest(dir: string): Promise<FedLoGeManifest> {
  const manifest = await readJsonManifest<FedLoGeManifest>(dir, MANIFEST_FILE, {
    format: FEDLOGE_MODEL_FORMAT,
    version: FEDLOGE_MODEL_VERSION,
    what: 'FedLoGe model',
  });
  for (const group of MODEL_GROUPS) {
    if (!manifest.groups?.[group])
      throw new Error(`${dir}/${MANIFEST_FILE}: the manifest lists no '${group}' group; export the model again`);
  }
  return manifest as FedLoGeManifest;
}

/** Write manifest.json (pretty-printed: people read it). */
export function writeManifest(dir: string, manifest: FedLoGeManifest): Promise<void> {
  return writeJsonManifest(dir, MANIFEST_FILE, manifest);
}
