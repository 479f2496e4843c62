/**
 * What `predict` needs from a finished run folder: the resolved config in summary.json (data set,
 * seed, partition, plugins) and the model folder the strategy exported into it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FEDLOGE_MODEL_FORMAT, MANIFEST_FILE } from '@fedloge/strategies';
import type { RunConfig } from '../config/schema.js';
import { RUN_FILES } from '../output/run-directory.js';
import type { RunSummary } from '../output/summary.js';

/** The parts of summary.json that predict reads. */
export type RunFolderSummary = Pick<RunSummary, 'strategy' | 'config' | 'model'>;

export interface RunFolder {
  readonly path: string;
  readonly summary: RunFolderSummary;
  /** The model folder to load (checked to hold a FedLoGe manifest). */
  readonly modelDir: string;
}

/**
 * Read `runDir`'s summary.json and find its model (`modelDir` overrides `<run>/model`). Errors say
 * what is missing and why: not a run folder, a run still going or killed, a strategy without a
 * FedLoGe export.
 */
export function openRunFolder(runDir: string, modelDir?: string): RunFolder {
  const summaryPath = join(runDir, RUN_FILES.summary);
  if (!existsSync(runDir)) throw new Error(`Run folder ${runDir} does not exist; pass --run the folder 'fedloge train' printed ("Results written to …").`);
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
  if (!existsSync(join(dir, MANIFEST_FILE))) {
    const why =
      modelDir !== undefined
        ? `--model ${modelDir} holds no ${MANIFEST_FILE}; pass the model/ folder of a FedLoGe run.`
        : summary.model === null || summary.model === undefined
          ? `the run's strategy '${summary.strategy}' exports no model; predict reads FedLoGe models (train with --strategy fedloge).`
          : `the model folder ${dir} is missing or incomplete (no ${MANIFEST_FILE}); train the run again.`;
    throw new Error(`No model to load from ${runDir}: ${why}`);
  }
  if (summary.model && summary.model.format !== FEDLOGE_MODEL_FORMAT && modelDir === undefined) {
    throw new Error(`${dir} holds a '${summary.model.format}' model; predict reads '${FEDLOGE_MODEL_FORMAT}' (FedLoGe) models.`);
  }
  return { path: runDir, summary, modelDir: dir };
}

/** The run's config with the data folder replaced (`--data-dir`). */
export function configWithDataDir(config: RunConfig, dataDir: string | undefined): RunConfig {
  return dataDir === undefined ? config : { ...config, dataset: { ...config.dataset, dataDir } };
}
