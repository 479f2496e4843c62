/**
 * `compare`: several strategies trained one after another on the SAME data set, partition and
 * seed. The data is built once and handed to every run, so differences come from the strategies
 * alone. Each strategy writes a complete run folder (metrics.jsonl, summary.json, report.html)
 * under the comparison folder, which then receives compare.md, compare.csv and a report.html
 * with every strategy side by side.
 */
import { join, resolve } from 'node:path';
import type { ResolvedConfig } from '../config/resolve.js';
import { writeFileAtomic } from '../output/atomic-write.js';
import { RunDirectory, defaultRunDirectory } from '../output/run-directory.js';
import { reportPartitionOf, reportRunOf, reportSettingsOf } from '../report/from-run.js';
import type { ReportData } from '../report/report-data.js';
import { resultRows } from '../report/result-rows.js';
import { writeReport } from '../report/write-report.js';
import { buildPluginContainer } from '../run/plugin-container.js';
import { loadRunData, type RunData } from '../run/run-data.js';
import { trainRun, type TrainIo, type TrainOutcome } from '../run/train-run.js';
import { comparisonCsv, comparisonMarkdown } from './comparison-table.js';
import { checkStrategies, configForStrategy, strategyFolderName } from './strategy-config.js';

/** Files at the top of a comparison folder (next to one subfolder per strategy). */
export const COMPARE_FILES = { markdown: 'compare.md', csv: 'compare.csv' } as const;

export interface CompareOutcome {
  readonly outDir: string;
  /** One finished run per strategy, in the order given. */
  readonly runs: readonly { readonly strategy: string; readonly outcome: TrainOutcome }[];
}

/**
 * Run every strategy of `strategies` with the shared `config` (its `strategy` section only lends
 * options to the strategy of the same name). Unknown strategies and invalid options are reported
 * all at once, before any data is loaded or any folder created.
 */
export async function compareRun({ config, configFile }: ResolvedConfig, strategies: readonly string[], io: TrainIo): Promise<CompareOutcome> {
  const startedAt = new Date();
  const container = await buildPluginContainer(config.plugins, io.cwd);
  checkStrategies(container, config, strategies);

  const runData = io.runData ?? (await loadRunData(config));
  const top = new RunDirectory(config.out !== undefined ? resolve(io.cwd, config.out) : defaultRunDirectory(io.cwd, 'compare', startedAt));
  top.ensure();
  io.stderr.write(`comparison of ${strategies.join(', ')} in ${top.path}\n`);

  const runs: { strategy: string; outcome: TrainOutcome }[] = [];
  for (const [i, strategy] of strategies.entries()) {
    io.stderr.write(`\n[${i + 1}/${strategies.length}] ${strategy}\n`);
    const strategyConfig = configForStrategy(config, strategy, join(top.path, strategyFolderName(strategy)));
    try {
      runs.push({ strategy, outcome: await trainRun({ config: strategyConfig, configFile }, { ...io, runData }) });
    } catch (e) {
      const done = runs.length > 0 ? ` (finished: ${runs.map((r) => r.strategy).join(', ')})` : '';
      throw new Error(`strategy '${strategy}' failed${done}: ${(e as Error).message}`, { cause: e });
    }
  }

  const report = compareReportData(config, runs, runData, startedAt);
  const rows = resultRows(report.runs);
  const markdown = comparisonMarkdown(rows, { title: report.title, pmMasking: config.eval.pmMasking });
  writeFileAtomic(top.file(COMPARE_FILES.markdown), markdown);
  writeFileAtomic(top.file(COMPARE_FILES.csv), comparisonCsv(rows));
  writeReport(top.path, report);
  io.stdout.write(`\n${markdown}\nComparison written to ${top.path}\n`);
  return { outDir: top.path, runs };
}

/** The top-level report: every strategy's curves and numbers, the shared partition once. */
function compareReportData(
  config: ResolvedConfig['config'],
  runs: readonly { readonly strategy: string; readonly outcome: TrainOutcome }[],
  { dataset, data }: RunData,
  generatedAt: Date,
): ReportData {
  const d = config.dataset;
  const split = config.partition !== undefined ? 'partition from file' : d.iid ? 'IID' : `Dirichlet α = ${d.alpha}`;
  return {
    title: `${dataset.name}, imbalance factor ${d.imbalanceFactor}, ${split}, ${config.clients.total} clients, seed ${config.seed}`,
    settings: [['strategies', runs.map((r) => r.strategy).join(', ')], ...reportSettingsOf(config)],
    pmMasking: config.eval.pmMasking,
    runs: runs.map((r) => reportRunOf(r.strategy, r.outcome.result, dataset.classNames, data.ltCounts, r.outcome.summary.final.variantLabels)),
    partition: reportPartitionOf(dataset, data.partition),
    generatedAt: generatedAt.toISOString(),
  };
}
