/**
 * The run configuration: one typed object, validated by zod after the sources are merged
 * (defaults < config file < command-line flags). The defaults here ARE the embedded default run:
 * FedAvg on Fashion-MNIST-LT (imbalance factor 0.01), 20 clients, Dirichlet α = 0.5, 5 clients a
 * round, the small CNN, batch 32, 1 local epoch, SGD lr 0.03 momentum 0.5, 10 rounds. It finishes
 * on 2 CPU cores in a few minutes.
 *
 * The round-loop settings (rounds, clients per round, evaluation, local training, seed) are core's
 * `SIMULATION_SETTINGS`, composed here under the CLI's names: core checks and defaults them, once.
 *
 * Strategy, aggregator, model and dataset `options` are opaque here: each plugin validates its own options with
 * its own schema once the registry is built (core `parsePluginOptions`).
 */
import { z } from 'zod';
import { SIMULATION_SETTINGS, clientsPerRoundFor, clientsPerRoundProblem } from '@fedloge/core';
import { CLASS_ASSIGNMENTS, PARTITION_SCHEMES, type ClassAssignment, type PartitionScheme } from '@fedloge/datasets';

/** Tensor engines the CLI can ask core's `initBackend` for. `auto` picks the fastest available. */
export const BACKEND_NAMES = ['auto', 'cuda', 'tensorflow', 'native', 'wasm', 'cpu'] as const;

const pluginRef = (defaultName: string, what: string) =>
  z
    .strictObject({
      name: z.string().min(1).default(defaultName).describe(`Registered ${what} plugin (listed at the end of \`fedloge train --help\`).`),
      options: z.record(z.string(), z.unknown()).default({}).describe(`Options of the ${what}, validated by the ${what}'s own schema.`),
    })
    .prefault({});

const datasetSection = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .default('fashion-mnist')
      .describe('Registered dataset plugin: fashion-mnist, cifar10, cifar100, or one a module in `plugins` registers.'),
    options: z
      .record(z.string(), z.unknown())
      .default({})
      .describe("Options of the dataset plugin, validated by the plugin's own schema (built-ins: mirror, searchSystemFolders, cacheDir)."),
    dataDir: z.string().min(1).optional().describe('Folder with the data set files; the loader looks in its standard places when omitted.'),
    imbalanceFactor: z
      .number()
      .gt(0)
      .max(1)
      .default(0.01)
      .describe('Long-tail imbalance factor n_tail / n_head in (0, 1]; 1 keeps the balanced training set.'),
    alpha: z.number().gt(0).default(0.5).describe('Dirichlet concentration α of the client partition (smaller = more skewed).'),
    iid: z.boolean().default(false).describe("Split the long-tailed set uniformly at random instead of by Dirichlet (= partition 'iid')."),
    partition: z
      .enum(PARTITION_SCHEMES as [PartitionScheme, ...PartitionScheme[]])
      .optional()
      .describe(
        "Client split of the long-tailed set: 'dirichlet' (default, alpha), 'iid', 'shard' (label-sorted shards, shardsPerClient each) or 'pathological' (classesPerClient classes each).",
      ),
    shardsPerClient: z.int().min(1).default(2).describe("partition 'shard': label-sorted shards per client (McMahan et al. 2017: 2)."),
    classesPerClient: z.int().min(1).default(2).describe("partition 'pathological': classes per client."),
    classAssignment: z
      .enum(CLASS_ASSIGNMENTS as [ClassAssignment, ...ClassAssignment[]])
      .default('first-deterministic')
      .describe(
        "partition 'pathological': 'first-deterministic' (client k: class k mod C, then random others), 'deterministic' (k, k+1, …) or 'random'.",
      ),
    minClientSize: z.int().min(0).default(1).describe('Redraw the partition until every client has at least this many training images.'),
    download: z
      .boolean()
      .default(true)
      .describe('Download missing files from the official site into the cache (~/.cache/fedloge or $FEDLOGE_CACHE).'),
    // The large image data sets (imagenet-lt, inat2018, image-list): list files, decoded cache, crop size.
    listDir: z
      .string()
      .min(1)
      .optional()
      .describe('imagenet-lt / inat2018 / image-list: folder of the list or annotation files (default: dataDir).'),
    trainList: z.string().min(1).optional().describe('image-list: the train list file (lines "<path relative to dataDir> <class>").'),
    testList: z.string().min(1).optional().describe('image-list: the balanced test list file, same format.'),
    evalSplit: z
      .enum(['test', 'val'])
      .optional()
      .describe("imagenet-lt: the balanced split used as the global test set and for local test sets (default 'test')."),
    imageResolution: z
      .int()
      .min(8)
      .optional()
      .describe('imagenet-lt / inat2018 / image-list: shorter side, in pixels, of the images in the decoded cache (default 256).'),
    imageSize: z
      .int()
      .min(1)
      .optional()
      .describe(
        'imagenet-lt / inat2018 / image-list: side of the crops the model sees, at most imageResolution (default 224, or imageResolution when smaller).',
      ),
    imageCache: z
      .string()
      .min(1)
      .optional()
      .describe(
        'imagenet-lt / inat2018 / image-list: folder of the decoded image cache (default $FEDLOGE_CACHE/<dataset>/decoded-<resolution>px-<digest>). Their own long tail is used: imbalanceFactor does not apply.',
      ),
  })
  .prefault({});

const clientsSection = z
  .strictObject({
    total: z.int().min(1).default(20).describe('Number of simulated clients N.'),
    perRound: SIMULATION_SETTINGS.clientsPerRound,
    fraction: SIMULATION_SETTINGS.fraction,
  })
  .prefault({})
  .superRefine((c, ctx) => {
    const problem = clientsPerRoundProblem({ clientsPerRound: c.perRound, fraction: c.fraction }, c.total);
    if (problem !== undefined) {
      ctx.addIssue({ code: 'custom', path: [problem.field === 'fraction' ? 'fraction' : 'perRound'], message: problem.message });
    }
  })
  .transform((c) => ({
    total: c.total,
    perRound: clientsPerRoundFor({ clientsPerRound: c.perRound, fraction: c.fraction }, c.total),
    ...(c.fraction !== undefined ? { fraction: c.fraction } : {}),
  }));

const evalSection = z
  .strictObject({
    pmMasking: SIMULATION_SETTINGS.pmMasking,
    batchSize: SIMULATION_SETTINGS.evalBatchSize,
    warnUnpredictedAfter: SIMULATION_SETTINGS.warnUnpredictedAfter.describe(
      'Warn once per GM variant and head/middle/tail class group when the variant predicts no test image as any class of the group in this many consecutive evaluations (summary.json warnings; compare flags the run); 0 turns the check off.',
    ),
  })
  .prefault({});

const checkpointSection = z
  .strictObject({
    every: z
      .int()
      .min(1)
      .default(1)
      .describe(
        'Write a checkpoint to <out>/checkpoints every k rounds (and when a signal stops the run); `--resume <out>` continues from the newest.',
      ),
    keep: z.int().min(1).default(1).describe('How many of the newest checkpoints to keep.'),
  })
  .prefault({});

/** Schema of a config file / the merged config. Parse output is the resolved `RunConfig`. */
export const RunConfigSchema = z
  .strictObject({
    $schema: z.string().optional().describe('JSON Schema reference for editors; ignored.'),
    strategy: pluginRef('fedavg', 'strategy'),
    aggregator: pluginRef('fedavg', 'aggregator'),
    plugins: z.array(z.string().min(1)).default([]).describe("Plugin modules to import (paths resolve against the config file's folder)."),
    dataset: datasetSection,
    clients: clientsSection,
    rounds: SIMULATION_SETTINGS.rounds,
    evalEvery: SIMULATION_SETTINGS.evalEvery,
    train: SIMULATION_SETTINGS.train,
    model: pluginRef('cnn', 'model'),
    seed: SIMULATION_SETTINGS.seed,
    backend: z.enum(BACKEND_NAMES).default('auto').describe('Tensor engine.'),
    eval: evalSection,
    out: z.string().min(1).optional().describe('Output folder (default runs/<timestamp>-<strategy> in the working directory).'),
    workers: z
      .union([z.int().min(0), z.literal('auto')], { error: 'a whole number >= 0 or "auto"' })
      .default('auto')
      .describe('Worker threads that train clients; 0 trains on the main thread; auto = min(2, cores) when it helps.'),
    threads: z
      .union([z.int().min(1), z.literal('auto')], { error: 'a whole number >= 1 or "auto"' })
      .default('auto')
      .describe(
        'CPU threads of the tensor backend (native: oneDNN/OpenMP) in each thread that trains; auto = OMP_NUM_THREADS when set, else all cores on the main thread and 1 per worker thread.',
      ),
    checkpoint: checkpointSection,
    partition: z
      .string()
      .min(1)
      .optional()
      .describe('Read the client partition from this file (written by exportPartition) instead of drawing it.'),
    exportPartition: z
      .string()
      .min(1)
      .optional()
      .describe('Write the client partition to this file ({dataset, numClasses, trainIndices, localTestIndices}; --partition reads it).'),
    exportInitial: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Write the global arrays round 1 starts from to this numpy .npz (our state keys), e.g. a Flower ServerApp's initial_arrays.",
      ),
  })
  .describe('FedLoGe.ts run configuration (fedloge train --config <file>).')
  // `$schema` only serves editors; the resolved config does not carry it.
  .transform(({ $schema: _editorsOnly, ...config }) => config);

/** The config as a file may write it (everything optional). */
export type RunConfigInput = z.input<typeof RunConfigSchema>;
/** The resolved config: defaults filled in, `clients.perRound` computed. */
export type RunConfig = z.output<typeof RunConfigSchema>;
