/**
 * What `predict` needs from a finished run folder: the resolved config in summary.json (data set,
 * seed, partition, plugins) and the model folder the strategy exported into it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  MODEL_MANIFEST_FILE as MANIFEST_FILE,
  MODEL_SAFETENSORS_FILE,
  STATE_MODEL_FORMAT,
  readSafetensorsMetadata,
  safetensorsSource,
} from '@fedloge/core';
import { FEDLOGE_MODEL_FORMAT } from '@fedloge/strategies';
import type { RunConfig } from '../config/schema.js';
import { RUN_FILES } from '../output/run-directory.js';
import type { RunSummary } from '../output/summary.js';

/** The parts of summary.json that predict reads. */
export type RunFolderSummary = Pick<RunSummary, 'strategy' | 'config' | 'model'>;

export interface RunFolder {
  readonly path: string;
  readonly summary: RunFolderSummary;
  /** The model folder to load (checked to hold a manifest or model.safetensors), or a .safetensors file. */
  readonly modelDir: string;
  /** Its format: FedLoGe's own or the generic state export of every other strategy. */
  readonly format: RunModelFormat;
}

/** The model formats predict reads. */
export type RunModelFormat = typeof FEDLOGE_MODEL_FORMAT | typeof STATE_MODEL_FORMAT;
const READABLE_FORMATS: readonly string[] = [FEDLOGE_MODEL_FORMAT, STATE_MODEL_FORMAT];

/**
 * Read `runDir`'s summary.json and find its model (`modelDir` overrides `<run>/model`: a model
 * folder, or a .safetensors file of an export). A folder with only model.safetensors is read from
 * that file (its metadata holds the manifest). Errors say
 * what is missing and why: not a run folder, a run still going or killed, a run from before every
 * strategy exported its model.
 */
export function openRunFolder(runDir: string, modelDir?: string): RunFolder {
  const summaryPath = join(runDir, RUN_FILES.summary);
  if (!existsSync(runDir))
    throw new Error(`Run folder ${runDir} does not exist; pass --run the folder 'fedloge train' printed ("Results written to …").`);
  if (!existsSync(summaryPath)) {
    throw new Error(
      `${runDir} has no ${RUN_FILES.summary}: it is not a finished 'fedloge train' run (the file is written when the last round ends).`,
    );
  }
  let summary: RunFolderSummary;
  try {
    summary = JSON.parse(readFileSync(summaryPath, 'utf8')) as RunFolderSummary;
  } catch (e) {
    throw new Error(`${summaryPath} is not valid JSON (${(e as Error).message}); was it edited by hand?`, { cause: e });
  }
  if (typeof summary.config?.dataset?.name !== 'string' || typeof summary.config.seed !== 'number') {
    throw new Error(`${summaryPath} holds no run config (config.dataset, config.seed); it was not written by 'fedloge train'.`);
  }
  const dir = modelDir ?? join(runDir, RUN_FILES.model);
  const safetensors = safetensorsSource(dir, MANIFEST_FILE);
  if (!safetensors && !existsSync(join(dir, MANIFEST_FILE))) {
    const why =
      modelDir !== undefined
        ? `--model ${modelDir} holds no ${MANIFEST_FILE} or ${MODEL_SAFETENSORS_FILE}; pass the model/ folder of a 'fedloge train' run or a .safetensors file.`
        : summary.model === null || summary.model === undefined
          ? `the run (strategy '${summary.strategy}') exported no model; it predates model export for every strategy. Train it again.`
          : `the model folder ${dir} is missing or incomplete (no ${MANIFEST_FILE} or ${MODEL_SAFETENSORS_FILE}); train the run again.`;
    throw new Error(`No model to load from ${runDir}: ${why}`);
  }
  const format = safetensors ? String(readSafetensorsMetadata(safetensors)['format']) : manifestFormat(join(dir, MANIFEST_FILE));
  if (!READABLE_FORMATS.includes(format)) {
    throw new Error(`${dir} holds a '${format}' model; predict reads ${READABLE_FORMATS.map((f) => `'${f}'`).join(' and ')} models.`);
  }
  return { path: runDir, summary, modelDir: dir, format: format as RunModelFormat };
}

/** The `format` field of a manifest.json. */
function manifestFormat(path: string): string {
  try {
    return String((JSON.parse(readFileSync(path, 'utf8')) as { format?: unknown }).format);
  } catch (e) {
    throw new Error(`${path} is not valid JSON (${(e as Error).message}); export the model again.`, { cause: e });
  }
}

/** The run's config with the data folder replaced (`--data-dir`). */
export function configWithDataDir(config: RunConfig, dataDir: string | undefined): RunConfig {
  return dataDir === undefined ? config : { ...config, dataset: { ...config.dataset, dataDir } };
}
