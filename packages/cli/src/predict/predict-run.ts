/**
 * `fedloge predict`: load a run's exported model (FedLoGe's, in one of its three inference modes,
 * or any other strategy's global or personalized model), predict a chosen set of test images, score the predictions with the run's head/middle/tail groups
 * and write them to a file. The data set and partition are rebuilt from summary.json's config
 * (same seed, same draws), so the test split and local test sets are exactly the run's.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  buildClientData,
  classHistogram,
  clientModelAccuracy,
  globalModelAccuracy,
  globalTestDistribution,
  initBackend,
  tallyPredictions,
  type BackendInfo,
  type Logger,
  type ShotAccuracy,
} from '@fedloge/core';
import { KERNEL_CHOICES, type KernelChoice, type PredictMode } from '@fedloge/strategies';
import { UsageError } from '../config/errors.js';
import { writeFileAtomic } from '../output/atomic-write.js';
import { backendThreads, registerAddonBackends } from '../runtime/backend-providers.js';
import { buildPluginContainer } from '../runtime/plugin-container.js';
import { loadRunData, type RunData } from '../runtime/run-data.js';
import type { PredictArgs } from './predict-args.js';
import { formatPredictions, type PredictionRow } from './predictions-file.js';
import { configWithDataDir, openRunFolder, type RunFolder } from './run-folder.js';
import { openRunModel, type RunModel } from './run-model.js';

export { modeFormula } from './run-model.js';

export interface PredictOutcome {
  readonly run: RunFolder;
  readonly backend: BackendInfo;
  /** The mode used (`--mode`, or the model's default). */
  readonly mode: PredictMode;
  /** What the mode computes, in words. */
  readonly modeDescription: string;
  /** What was predicted, e.g. "fashion-mnist test split" or "client 3's local test set". */
  readonly imagesDescription: string;
  readonly rows: readonly PredictionRow[];
  /** Pooled accuracy with the run's groups: GM groups on the test split, the client's on its local test set. */
  readonly accuracy: ShotAccuracy;
  readonly correct: number;
  readonly outFile: string;
  /** Clients in the model (personalized heads). */
  readonly numClients: number;
}

export interface PredictIo {
  readonly cwd: string;
  readonly logger: Logger;
}

export async function predictRun(args: PredictArgs, io: PredictIo): Promise<PredictOutcome> {
  const run = openRunFolder(args.run, args.model);
  const { config } = run.summary;
  const container = await buildPluginContainer(config.plugins, io.cwd);
  registerAddonBackends();
  const backend = await initBackend({ backend: args.backend, logger: io.logger, threads: backendThreads(0) });
  const runData = await loadRunData(configWithDataDir(config, args.dataDir), container, io.logger);
  let clients: ReturnType<typeof buildClientData> | undefined;
  const model = await openRunModel(run.modelDir, run.format, {
    container,
    logger: io.logger,
    kernels: args.kernels ?? runKernels(config.strategy.options),
    clientData: (k) => (clients ??= buildClientData(runData.data, true))[k]!,
  });
  try {
    if (args.client !== undefined && args.client >= model.numClients) {
      throw new UsageError(
        `--client ${args.client} is out of range: the run had ${model.numClients} clients (ids 0 to ${model.numClients - 1}).`,
      );
    }
    checkCompatible(model, runData, run.modelDir);
    const mode = args.mode ?? model.defaultMode;
    const resolved = { ...args, mode };
    const { indices, description } = selectImages(resolved, runData);
    const predicted = await classifyAll(model, runData, indices, resolved);
    const labels = runData.dataset.test.labels;
    const rows = indices.map((index, i) => ({ index, label: labels[index]!, predicted: predicted[i]! }));
    const accuracy = scoreRows(rows, resolved, runData);
    const outFile = args.out ?? join(run.path, defaultFileName(resolved));
    writeFileAtomic(outFile, formatPredictions(rows, args.outFormat));
    return {
      run,
      backend,
      mode,
      modeDescription: model.describe(mode, args.client, args.variant),
      imagesDescription: description,
      rows,
      accuracy,
      correct: rows.filter((r) => r.label === r.predicted).length,
      outFile,
      numClients: model.numClients,
    };
  } finally {
    model.dispose();
  }
}

/** `predictions-<mode>[-<variant>][-client<k>][-local].jsonl` in the run folder. */
export function defaultFileName(args: Pick<PredictArgs, 'client' | 'split'> & { mode: PredictMode; variant?: string | undefined }): string {
  const client = args.client === undefined ? '' : `-client${args.client}`;
  const variant = args.variant === undefined ? '' : `-${args.variant.replace(/[^a-zA-Z0-9_.-]/g, '_')}`;
  return `predictions-${args.mode}${variant}${client}${args.split === 'local' ? '-local' : ''}.jsonl`;
}

/** The run's `kernels` strategy option, when it is one (fedloge's); else the loader's default. */
function runKernels(options: unknown): KernelChoice | undefined {
  const kernels = (options as { kernels?: unknown } | undefined)?.kernels;
  return typeof kernels === 'string' && (KERNEL_CHOICES as readonly string[]).includes(kernels) ? (kernels as KernelChoice) : undefined;
}

function checkCompatible(model: RunModel, { dataset }: RunData, modelDir: string): void {
  const { numClasses, inputShape } = model;
  if (dataset.numClasses !== numClasses || dataset.imageShape.join('x') !== inputShape.join('x')) {
    throw new Error(
      `${modelDir} was trained for ${numClasses} classes of ${inputShape.join('x')} images, but the data set '${dataset.name}' has ` +
        `${dataset.numClasses} classes of ${dataset.imageShape.join('x')}; pass the run folder the model belongs to.`,
    );
  }
}

/** Test-split indices to predict, after --indices / --split / --limit. */
function selectImages(args: PredictArgs, { dataset, data }: RunData): { indices: number[]; description: string } {
  let indices: number[];
  let description: string;
  if (args.indices !== undefined) {
    const bad = args.indices.filter((i) => i >= dataset.test.count);
    if (bad.length > 0) {
      throw new UsageError(
        `--indices ${bad.slice(0, 5).join(', ')}: out of range; the ${dataset.name} test split has ${dataset.test.count} images (0 to ${dataset.test.count - 1}).`,
      );
    }
    indices = [...args.indices];
    description = `${indices.length} chosen images of the ${dataset.name} test split`;
  } else if (args.split === 'local') {
    indices = [...data.partition.localTestIndices[args.client!]!];
    description = `client ${args.client}'s local test set (${dataset.name} test images)`;
  } else {
    indices = Array.from({ length: dataset.test.count }, (_, i) => i);
    description = `the ${dataset.name} test split`;
  }
  if (args.limit !== undefined && args.limit < indices.length) {
    indices = indices.slice(0, args.limit);
    description = `the first ${args.limit} images of ${description}`;
  }
  if (indices.length === 0) throw new Error(`Nothing to predict: ${description} is empty.`);
  return { indices, description };
}

/** Predicted class of every image, `batchSize` images per forward pass. */
async function classifyAll(
  model: RunModel,
  { dataset }: RunData,
  indices: readonly number[],
  args: PredictArgs & { mode: PredictMode },
): Promise<Int32Array> {
  const [h, w, c] = dataset.imageShape;
  const out = new Int32Array(indices.length);
  const classifier = await model.classifier(args.mode, args.client, args.variant);
  try {
    for (let start = 0; start < indices.length; start += args.batchSize) {
      const chunk = indices.slice(start, start + args.batchSize);
      const pixels = new Float32Array(chunk.length * h * w * c);
      dataset.fillBatch('test', chunk, pixels, { augment: false });
      const x = tf.tensor4d(pixels, [chunk.length, h, w, c]);
      try {
        out.set(classifier.classify(x), start);
      } finally {
        x.dispose();
      }
      // Let other work (progress output, signals) run between batches.
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    classifier.dispose();
  }
  return out;
}

/**
 * Accuracy with the run's class groups: on the test split the GM groups (from the classes' share
 * of all local test sets, as the evaluator), on a local test set the client's own (its counts).
 */
function scoreRows(rows: readonly PredictionRow[], args: PredictArgs, { dataset, data }: RunData): ShotAccuracy {
  const C = dataset.numClasses;
  const tally = tallyPredictions(
    rows.map((r) => r.predicted),
    rows.map((r) => r.label),
    C,
  );
  if (args.split === 'local') {
    return clientModelAccuracy(tally, classHistogram(dataset.test.labels, data.partition.localTestIndices[args.client!]!, C));
  }
  return globalModelAccuracy(tally, globalTestDistribution(dataset.test.labels, data.partition.localTestIndices, C));
}
