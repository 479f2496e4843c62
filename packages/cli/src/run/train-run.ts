/**
 * One training run from a validated config, in the order that keeps bad input from leaving files
 * behind: plugins are checked, the backend started and the data loaded before the output folder
 * is created; then the simulation runs and the results are written and printed.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  InlineExecutor,
  Simulation,
  buildClientRuntime,
  initBackend,
  type ClientExecutor,
  type Logger,
  type RunResult,
} from '@fedloge/core';
import { serializePartition } from '@fedloge/datasets';
import type { ResolvedConfig } from '../config/resolve.js';
import { writeFileAtomic } from '../output/atomic-write.js';
import { formatFinalTable } from '../output/final-table.js';
import { MetricsWriter } from '../output/metrics-writer.js';
import { RUN_FILES, RunDirectory, defaultRunDirectory } from '../output/run-directory.js';
import { buildSummary, type RunSummary } from '../output/summary.js';
import { ProgressReporter } from '../progress/progress-reporter.js';
import { trainReportData } from '../report/from-run.js';
import { writeReport } from '../report/write-report.js';
import { resolveWorkerCount } from '../workers/worker-count.js';
import { WorkerThreadExecutor } from '../workers/worker-executor.js';
import { backendThreads, describeBackend, registerAddonBackends } from './backend-providers.js';
import { checkPluginChoices } from './check-plugins.js';
import { exportRunModel } from './export-model.js';
import { buildPluginContainer } from './plugin-container.js';
import { clientRuntimeSpec, simulationConfig } from './runtime-spec.js';
import { loadRunData, type RunData } from './run-data.js';
import { collectVersions } from './versions.js';

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
}

export async function trainRun({ config, configFile }: ResolvedConfig, io: TrainIo): Promise<TrainOutcome> {
  const startedAt = new Date();
  const say = (line: string) => io.stderr.write(`${line}\n`);

  const container = await buildPluginContainer(config.plugins, io.cwd);
  checkPluginChoices(container, config);

  const workers = resolveWorkerCount(config.workers, config.clients.perRound);
  registerAddonBackends();
  const backend = await initBackend({ backend: config.backend, logger: io.logger, threads: backendThreads(workers) });
  say(describeBackend(backend));

  const runData = io.runData ?? (await loadRunData(config));
  const { dataset, data } = runData;
  const clientSizes = data.partition.trainIndices.map((t) => t.length);
  say(
    `data: ${dataset.name}, ${clientSizes.reduce((a, b) => a + b, 0)} training images over ${clientSizes.length} clients ` +
      `(${config.partition !== undefined ? `partition from ${config.partition}` : `imbalance factor ${config.dataset.imbalanceFactor}, ${config.dataset.iid ? 'IID' : `Dirichlet α=${config.dataset.alpha}`}`})`,
  );

  const dir = new RunDirectory(config.out !== undefined ? resolve(io.cwd, config.out) : defaultRunDirectory(io.cwd, config.strategy.name, startedAt));
  dir.ensure();
  say(`output: ${dir.path}`);
  if (config.exportPartition !== undefined) {
    const file = resolve(io.cwd, config.exportPartition);
    mkdirSync(dirname(file), { recursive: true });
    writeFileAtomic(file, serializePartition(data.partition));
    say(`partition: written to ${file}`);
  }

  const spec = clientRuntimeSpec(config, data.partition, io.cwd);
  const runtime = buildClientRuntime(container, spec, data, io.logger);
  let executor: ClientExecutor;
  if (workers > 0) {
    executor = await WorkerThreadExecutor.start({ size: workers, init: { spec, backend: backend.name }, logger: io.logger });
    say(`workers: ${workers} threads train clients`);
  } else {
    executor = new InlineExecutor(runtime);
  }

  const progress = new ProgressReporter({ stream: io.stderr, ...(io.tty !== undefined ? { tty: io.tty } : {}) });
  let result: RunResult;
  let simulation: Simulation;
  try {
    simulation = new Simulation({
      strategy: runtime.strategy,
      data,
      models: runtime.models,
      config: simulationConfig(config),
      executor,
      aggregator: runtime.aggregator,
      reporters: [progress, new MetricsWriter(dir)],
      logger: io.logger,
    });
    result = await simulation.run();
  } finally {
    progress.stopBar();
    await executor.dispose?.();
  }

  const model = await exportRunModel(dir.file(RUN_FILES.model), {
    strategy: runtime.strategy,
    global: result.global,
    clientStates: simulation.clientStates,
    numClients: clientSizes.length,
    models: runtime.models,
    config,
    logger: io.logger,
  });
  if (model) say(`model: ${model.dir} (${model.format} v${model.version})`);

  const labels = runtime.strategy.variantLabels?.() ?? {};
  const scaledDown = runtime.strategy.scaledDown?.();
  const summary = buildSummary({
    config,
    configFile,
    outDir: dir.path,
    backend,
    workers,
    versions: collectVersions(),
    startedAt,
    finishedAt: new Date(),
    result,
    classNames: dataset.classNames,
    data: { classCounts: data.ltCounts, clientSizes },
    model,
    variantLabels: labels,
    strategySummary: runtime.strategy.summary?.(),
    aggregatorSummary: runtime.aggregator.summary?.(),
    scaledDown,
  });
  dir.writeJson(RUN_FILES.summary, summary);
  writeReport(dir.path, trainReportData(config, result, runData, new Date(), summary.final.variantLabels, scaledDown));
  io.stdout.write(`${formatFinalTable(result, labels, scaledDown)}\nResults written to ${dir.path}\n`);
  if (summary.globalNeverUpdated) throw new Error(neverUpdatedMessage(result.rounds.length, config.train.lr, dir.path));
  return { outDir: dir.path, result, summary };
}

/** Why a run whose global model never changed counts as failed. */
function neverUpdatedMessage(rounds: number, lr: number, out: string): string {
  return (
    `the global model never changed: in all ${rounds} round${rounds === 1 ? '' : 's'} every client update held NaN or ` +
    `Infinity and was dropped, so the numbers above are those of the untrained initial model. Lower the learning ` +
    `rate (--lr, now ${lr}) and run again (summary.json in ${out} lists the rounds as roundsWithoutUpdate).`
  );
}
