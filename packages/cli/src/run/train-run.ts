/**
 * One training run from a validated config, in the order that keeps bad input from leaving files
 * behind: plugins and output paths are checked, the backend started and the data loaded before
 * the output folder is created (or cleared, with --overwrite); then the simulation runs, with a
 * checkpoint after each round, and the results are written and printed.
 */
import { dirname, join, resolve } from 'node:path';
import type { DependencyContainer } from 'tsyringe';
import {
  InlineExecutor,
  Simulation,
  SimulationInterrupted,
  buildClientRuntime,
  classHistogram,
  initBackend,
  withEarlierRounds,
  type BackendInfo,
  type BackendName,
  type ClientExecutor,
  type ClientStateStore,
  type ClientRuntimeSpec,
  type Logger,
  type Plugin,
  type Reporter,
  type RunResult,
} from '@fedloge/core';
import { serializePartition } from '@fedloge/datasets';
import { ConfigError } from '../config/errors.js';
import type { ResolvedConfig } from '../config/resolve.js';
import type { RunConfig } from '../config/schema.js';
import { writeFileAtomic } from '../output/atomic-write.js';
import { formatFinalTable } from '../output/final-table.js';
import { initialArraysWriter } from '../output/initial-arrays.js';
import { MetricsCsvWriter } from '../output/metrics-csv.js';
import { MetricsWriter } from '../output/metrics-writer.js';
import { CHECKPOINT_DIR, RUN_FILES, RunDirectory, defaultRunDirectory } from '../output/run-directory.js';
import { checkOutputPath, makeFolders } from '../output/output-path.js';
import { checkRunFolder, clearRunFolder, removeStrayTempFiles } from '../output/run-folder-guard.js';
import { buildSummary, type RunSummary } from '../output/summary.js';
import { ProgressReporter } from '../progress/progress-reporter.js';
import { preprocessReporter } from '../progress/preprocess-progress.js';
import { downloadProgressPrinter } from '../progress/download-progress.js';
import { trainReportData } from '../report/from-run.js';
import { writeReport } from '../report/write-report.js';
import { resolveWorkerCount } from '../workers/worker-count.js';
import { WorkerThreadExecutor } from '../workers/worker-executor.js';
import { describeBackend, registerAddonBackends } from '../runtime/backend-providers.js';
import { describeThreads, resolveThreads, threadsInUse, type ThreadChoice } from '../runtime/threads.js';
import { checkPluginChoices } from './check-plugins.js';
import { exportRunModel } from '../output/export-model.js';
import { CheckpointWriter, type LoadedCheckpoint } from './checkpoints.js';
import { buildPluginContainer } from '../runtime/plugin-container.js';
import { clientRuntimeSpec, simulationConfig } from '../runtime/runtime-spec.js';
import { loadRunData, type RunData } from '../runtime/run-data.js';
import { collectVersions } from './versions.js';
import { schemeLabel } from '../config/partition-label.js';

export interface TrainIo {
  /** Folder that relative paths given by the user resolve against (where the command was typed). */
  readonly cwd: string;
  /** Receives the final table. */
  readonly stdout: NodeJS.WritableStream;
  /** Receives progress and log lines. */
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly logger: Logger;
  /** Draw progress bars; default: whether stderr is a TTY. */
  readonly tty?: boolean;
  /** Data set and partition built beforehand (`compare` shares one partition); default: built from the config. */
  readonly runData?: RunData;
}

export interface TrainOutcome {
  readonly outDir: string;
  readonly result: RunResult;
  readonly summary: RunSummary;
  /** Every client's personal state after the last round (what `ClientUpdate.state` kept). */
  readonly clientStates: ClientStateStore;
}

export interface TrainRunOptions {
  /** Continue this checkpoint (`--resume`; the config was checked against it by `planResume`). */
  readonly resume?: LoadedCheckpoint;
  /** Clear a non-empty output folder instead of refusing it (`--overwrite`). */
  readonly overwrite?: boolean;
  /** Aborted (with the signal's name as reason) to stop after the round in progress. */
  readonly signal?: AbortSignal;
  /** Observers of the simulation besides the CLI's own (progress, metrics files, checkpoints). */
  readonly reporters?: readonly Reporter[];
  /**
   * Plugin objects registered after the config's plugin modules (the library API). Worker threads
   * cannot receive them, so such a run trains on the main thread.
   */
  readonly plugins?: readonly Plugin[];
  /**
   * Trains the clients instead of worker threads or the main thread (the network engine of
   * `fedloge server`); returns the executor and a line for the log.
   */
  readonly executor?: (init: { readonly spec: ClientRuntimeSpec; readonly backend: BackendName; readonly runDir: string }) => Promise<{
    readonly executor: ClientExecutor;
    readonly describe: string;
  }>;
}

/** A signal stopped the run after `round`; summary.json and a checkpoint were written. */
export class TrainInterrupted extends Error {
  override readonly name = 'TrainInterrupted';
  constructor(
    readonly outDir: string,
    readonly round: number,
    readonly signal: string,
  ) {
    super(`Interrupted by ${signal} after round ${round}`);
  }
}

/**
 * The steps of a run, in order: each may refuse bad input, and none before `openRunFolder` writes
 * anything.
 */
export async function trainRun({ config, configFile }: ResolvedConfig, io: TrainIo, options: TrainRunOptions = {}): Promise<TrainOutcome> {
  const run: RunContext = {
    config,
    configFile,
    io,
    options,
    startedAt: options.resume ? new Date(options.resume.meta.startedAt) : new Date(),
    say: (line: string) => io.stderr.write(`${line}\n`),
  };
  const container = await pluginsOfRun(run);
  const paths = checkOutputPaths(run);
  const engine = await startEngine(run);
  const runData = io.runData ?? (await loadRunDataWithProgress(config, container, io, options.signal));
  run.say(describeData(config, runData));
  openRunFolder(run, paths, runData);
  const clients = await startClients(run, container, runData, engine, paths.dir);
  const simulated = await simulate(run, paths, runData, engine, clients);
  return finishRun(run, paths.dir, runData, clients, simulated);
}

/** What every step of a run reads: its config, where it prints, how it was started. */
interface RunContext {
  readonly config: RunConfig;
  readonly configFile: string | undefined;
  readonly io: TrainIo;
  readonly options: TrainRunOptions;
  readonly startedAt: Date;
  readonly say: (line: string) => void;
}

/** Where the run writes: its folder and the optional partition and initial-arrays files. */
interface RunPaths {
  readonly dir: RunDirectory;
  readonly partitionFile: string | undefined;
  readonly initialFile: string | undefined;
}

/** The tensor backend and how many threads train (workers) and with how many backend threads each. */
interface Engine {
  readonly backend: BackendInfo;
  readonly workers: number;
  readonly threads: ThreadChoice;
}

/** The client side of the run: the spec sent to workers, the main thread's runtime and what trains the clients. */
interface Clients {
  readonly spec: ClientRuntimeSpec;
  readonly runtime: ReturnType<typeof buildClientRuntime>;
  readonly executor: ClientExecutor;
  /** The strategy's names of its reported variants, and what its options scale down (read before the first round). */
  readonly labels: Readonly<Record<string, string>>;
  readonly scaledDown: string | undefined;
}

/** The plugin registry of the run, with the config's plugin choices checked against it. */
async function pluginsOfRun({ config, io, options }: RunContext): Promise<DependencyContainer> {
  const inMemoryPlugins = options.plugins ?? [];
  const container = await buildPluginContainer(config.plugins, io.cwd, inMemoryPlugins);
  checkPluginChoices(container, config);
  if (inMemoryPlugins.length > 0 && typeof config.workers === 'number' && config.workers > 0) {
    throw new ConfigError(
      [
        `workers: ${config.workers} cannot be used with plugin objects passed in memory (${inMemoryPlugins.map((p) => `${p.kind} '${p.name}'`).join(', ')}): ` +
          'worker threads only see plugins from modules. Set workers: 0 (or leave it at auto), or put the plugins in a module listed in plugins:.',
      ],
      'Invalid plugin choice',
    );
  }
  return container;
}

/** Output paths first: a mistake here must not cost a data load. */
function checkOutputPaths({ config, io, options, startedAt }: RunContext): RunPaths {
  const dir = new RunDirectory(
    config.out !== undefined ? resolve(io.cwd, config.out) : defaultRunDirectory(io.cwd, config.strategy.name, startedAt),
  );
  checkOutputPath(config.out !== undefined ? '--out' : '--out (default)', dir.path, 'folder');
  checkRunFolder(dir.path, options.resume ? 'resume' : options.overwrite ? 'overwrite' : 'new');
  const partitionFile = config.exportPartition !== undefined ? resolve(io.cwd, config.exportPartition) : undefined;
  if (partitionFile !== undefined) checkOutputPath('--export-partition', partitionFile, 'file');
  const initialFile = config.exportInitial !== undefined ? resolve(io.cwd, config.exportInitial) : undefined;
  if (initialFile !== undefined) checkOutputPath('--export-initial', initialFile, 'file');
  return { dir, partitionFile, initialFile };
}

/**
 * The backend, then the worker and thread counts. `workers: auto` depends on the backend: the
 * multi-threaded native/cuda backends train on the main thread (measured on the default run: 23 s
 * inline with 2 oneDNN threads vs 29 s on 2 single-threaded workers), the single-threaded wasm/cpu
 * backends on worker threads.
 */
async function startEngine({ config, io, options, say }: RunContext): Promise<Engine> {
  const explicitWorkers =
    (options.plugins ?? []).length > 0
      ? 0
      : config.workers === 'auto'
        ? undefined
        : resolveWorkerCount(config.workers, config.clients.perRound);
  registerAddonBackends();
  const backend = await initBackend({
    backend: config.backend,
    logger: io.logger,
    threads: resolveThreads({ configured: config.threads, workers: explicitWorkers ?? 0 }).threads,
  });
  const workers =
    explicitWorkers ?? (backend.name === 'native' || backend.name === 'cuda' ? 0 : resolveWorkerCount('auto', config.clients.perRound));
  // Again now that `workers: auto` is settled: the count each thread that trains uses (the workers' own, with workers).
  const threads = threadsInUse(resolveThreads({ configured: config.threads, workers }), backend.name);
  say(describeBackend(backend));
  say(describeThreads(threads, workers));
  const { resume } = options;
  if (resume?.meta.backend !== undefined && resume.meta.backend !== backend.name) {
    io.logger.warn(
      `the run started on backend '${resume.meta.backend}' and resumes on '${backend.name}'; its numbers will differ from an ` +
        'uninterrupted run in the last digits (start runs with an explicit --backend to pin it)',
    );
  }
  return { backend, workers, threads };
}

/** The `data:` line: how many images over how many clients, and where the partition came from. */
function describeData(config: RunConfig, { dataset, data }: RunData): string {
  const clientSizes = data.partition.trainIndices.map((t) => t.length);
  return (
    `data: ${dataset.name}, ${clientSizes.reduce((a, b) => a + b, 0)} training images over ${clientSizes.length} clients ` +
    `(${config.partition !== undefined ? `partition from ${config.partition}` : `${dataset.longTailed === true ? 'its own long tail' : `imbalance factor ${config.dataset.imbalanceFactor}`}, ${schemeLabel(config.dataset) ?? (config.dataset.iid ? 'IID' : `Dirichlet α=${config.dataset.alpha}`)}`})`
  );
}

/** The first writes: the run folder (cleared with --overwrite, tidied on resume) and the exported partition. */
function openRunFolder({ config, options, say }: RunContext, { dir, partitionFile }: RunPaths, { data }: RunData): void {
  const { resume } = options;
  if (options.overwrite && !resume) clearRunFolder(dir.path);
  if (resume) {
    removeStrayTempFiles(dir.path);
    removeStrayTempFiles(join(dir.path, CHECKPOINT_DIR));
  }
  dir.ensure();
  say(`output: ${dir.path}`);
  if (resume) say(`resume: from ${resume.file} (round ${resume.checkpoint.round} of ${config.rounds})`);
  if (partitionFile !== undefined) {
    makeFolders(dirname(partitionFile));
    writeFileAtomic(partitionFile, serializePartition(data.partition));
    say(`partition: written to ${partitionFile}`);
  }
}

/** The main thread's client runtime and what trains the clients: the caller's executor, worker threads or the main thread. */
async function startClients(
  { config, io, options, say }: RunContext,
  container: DependencyContainer,
  { data }: RunData,
  { backend, workers, threads }: Engine,
  dir: RunDirectory,
): Promise<Clients> {
  // The run's thread count travels with the spec, so network clients train as this process would.
  const spec = clientRuntimeSpec(config, data.partition, io.cwd, threads.threads);
  const runtime = buildClientRuntime(container, spec, data, io.logger);
  const executor = await clientExecutor();
  return { spec, runtime, executor, labels: runtime.strategy.variantLabels?.() ?? {}, scaledDown: runtime.strategy.scaledDown?.() };

  async function clientExecutor(): Promise<ClientExecutor> {
    if (options.executor) {
      const made = await options.executor({ spec, backend: backend.name, runDir: dir.path });
      say(made.describe);
      return made.executor;
    }
    if (workers === 0) return new InlineExecutor(runtime);
    const started = await WorkerThreadExecutor.start({
      size: workers,
      init: { spec, backend: backend.name, threads: threads.threads },
      logger: io.logger,
    });
    say(`workers: ${workers} threads train clients`);
    return started;
  }
}

/** The simulation's outcome and what the last step needs of its observers. */
interface Simulated {
  readonly result: RunResult;
  readonly clientStates: ClientStateStore;
  readonly summarize: (run: RunResult) => RunSummary;
}

/**
 * The rounds, observed by the progress bar, the metrics files, the checkpoints (and the caller's
 * reporters). A stop signal ends it after the round in progress with summary.json written and
 * `TrainInterrupted` thrown; the executor is released either way.
 */
async function simulate(
  run: RunContext,
  { dir, initialFile }: RunPaths,
  runData: RunData,
  engine: Engine,
  clients: Clients,
): Promise<Simulated> {
  const { config, io, options, say, startedAt } = run;
  const { resume } = options;
  const { runtime, executor } = clients;
  const progress = new ProgressReporter({ stream: io.stderr, ...(io.tty !== undefined ? { tty: io.tty } : {}) });
  let result: RunResult | undefined;
  // Built after the reporters, which read its checkpoint once a round has ended.
  let simulation!: Simulation;
  const checkpoints = new CheckpointWriter({
    runDir: dir.path,
    config,
    state: () => simulation.checkpoint(),
    stopping: () => options.signal?.aborted === true,
    ...(resume ? { resumed: resume } : {}),
    startedAt,
    backend: engine.backend.name,
  });
  const resumeWith = `fedloge train --resume ${dir.path}`;
  const summarize = (result: RunResult, interrupted?: { signal: string; afterRound: number }) =>
    runSummary(run, dir, runData, engine, clients, result, checkpoints.resumedAfter, interrupted && { ...interrupted, resumeWith });
  try {
    simulation = new Simulation({
      strategy: runtime.strategy,
      data: runData.data,
      models: runtime.models,
      aggregator: runtime.aggregator,
      config: simulationConfig(config),
      executor,
      reporters: [
        progress,
        new MetricsWriter(dir, resume?.meta.records ?? []),
        new MetricsCsvWriter(dir, resume?.meta.records ?? []),
        checkpoints,
        ...(initialFile !== undefined ? [initialArraysWriter(initialFile, say)] : []),
        ...(options.reporters ?? []),
      ],
      logger: io.logger,
      ...(resume ? { resume: resume.checkpoint } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    result = await simulation.run();
  } catch (e) {
    if (!(e instanceof SimulationInterrupted)) throw e;
    const signal = String(options.signal?.reason ?? 'a signal');
    const earlier = resume?.meta.records ?? [];
    const interrupted = { signal, afterRound: e.round };
    // Without an evaluated round since the start (or resume) there are no final metrics to report.
    const summary = e.partial
      ? summarize(withEarlierRounds(earlier, e.partial, checkpoints.secondsBefore), interrupted)
      : {
          strategy: runtime.strategy.name,
          config,
          outDir: dir.path,
          seed: config.seed,
          final: null,
          interrupted: { ...interrupted, resumeWith },
        };
    dir.writeJson(RUN_FILES.summary, summary);
    throw new TrainInterrupted(dir.path, e.round, signal);
  } finally {
    progress.stopBar();
    await executor.dispose?.({ runCompleted: result !== undefined });
  }
  if (resume) result = withEarlierRounds(resume.meta.records, result, checkpoints.secondsBefore);
  return { result, clientStates: simulation.clientStates, summarize };
}

/** summary.json's content for `result` (of the whole run, earlier rounds of a resumed run included). */
function runSummary(
  { config, configFile, startedAt }: RunContext,
  dir: RunDirectory,
  { dataset, data, provenance }: RunData,
  { backend, workers, threads }: Engine,
  { runtime, labels, scaledDown }: Clients,
  result: RunResult,
  resumedAfter: readonly number[],
  interrupted: { signal: string; afterRound: number; resumeWith: string } | undefined,
): RunSummary {
  return buildSummary({
    config,
    configFile,
    outDir: dir.path,
    backend,
    workers,
    threads,
    versions: collectVersions(),
    startedAt,
    finishedAt: new Date(),
    result,
    classNames: dataset.classNames,
    data: { classCounts: data.ltCounts, clientSizes: data.partition.trainIndices.map((t) => t.length), source: provenance ?? null },
    model: undefined,
    variantLabels: labels,
    strategySummary: runtime.strategy.summary?.(),
    aggregatorSummary: runtime.aggregator.summary?.(),
    resumedAfter,
    scaledDown,
    ...(interrupted ? { interrupted } : {}),
  });
}

/** After the last round: the model, summary.json, report.html and the final table. */
async function finishRun(
  { config, io, say }: RunContext,
  dir: RunDirectory,
  runData: RunData,
  { spec, runtime, labels, scaledDown }: Clients,
  { result, clientStates, summarize }: Simulated,
): Promise<TrainOutcome> {
  const { dataset, data } = runData;
  const model = await exportRunModel(dir.file(RUN_FILES.model), {
    strategy: runtime.strategy,
    result,
    clientStates,
    clientSizes: data.partition.trainIndices.map((t) => t.length),
    clientClassCounts: data.partition.trainIndices.map((indices) => classHistogram(dataset.train.labels, indices, dataset.numClasses)),
    augment: spec.augment,
    models: runtime.models,
    config,
    logger: io.logger,
  });
  say(`model: ${model.dir} (${model.format} v${model.version})`);

  const summary = { ...summarize(result), model: model ?? null };
  dir.writeJson(RUN_FILES.summary, summary);
  writeReport(dir.path, trainReportData(config, result, runData, new Date(), summary.final.variantLabels, scaledDown));
  io.stdout.write(`${formatFinalTable(result, labels, scaledDown)}\nResults written to ${dir.path}\n`);
  if (summary.globalNeverUpdated) throw new Error(neverUpdatedMessage(result.rounds.length, config.train.lr, dir.path));
  return { outDir: dir.path, result, summary, clientStates };
}

/** Why a run whose global model never changed counts as failed. */
function neverUpdatedMessage(rounds: number, lr: number, out: string): string {
  return (
    `the global model never changed: in all ${rounds} round${rounds === 1 ? '' : 's'} every client update held NaN or ` +
    `Infinity and was dropped, so the numbers above are those of the untrained initial model. Lower the learning ` +
    `rate (--lr, now ${lr}) and run again (summary.json in ${out} lists the rounds as roundsWithoutUpdate).`
  );
}

/**
 * `loadRunData` with download progress and the preprocessing pass of the large image data sets shown on stderr; a stop
 * signal interrupts the pass (it resumes on the next run) instead of waiting for it to finish.
 */
async function loadRunDataWithProgress(
  config: RunConfig,
  container: DependencyContainer,
  io: TrainIo,
  signal: AbortSignal | undefined,
): Promise<RunData> {
  const reporter = preprocessReporter(io.stderr, io.tty ?? io.stderr.isTTY === true);
  try {
    const { onPreparationProgress, onItemFailed } = reporter;
    return await loadRunData(config, container, io.logger, {
      onProgress: downloadProgressPrinter(io.stderr, io.tty),
      onPreparationProgress,
      onItemFailed,
      ...(signal !== undefined ? { signal } : {}),
    });
  } finally {
    reporter.finish();
  }
}
