/**
 * `compare`: several strategies trained one after another on the SAME data set, partition and
 * seed. The data is built once and handed to every run, so differences come from the strategies
 * alone. Each strategy writes a complete run folder (metrics.jsonl, summary.json, report.html)
 * under the comparison folder, which then receives compare.md, compare.csv and a report.html
 * with every strategy side by side.
 */
import { join, resolve } from 'node:path';
import { UsageError } from '../config/errors.js';
import type { ResolvedConfig } from '../config/resolve.js';
import { describeClasses } from '@fedloge/core';
import { writeFileAtomic } from '../output/atomic-write.js';
import { RunDirectory, defaultRunDirectory } from '../output/run-directory.js';
import { reportPartitionOf, reportRunOf, reportSettingsOf } from '../report/from-run.js';
import type { ReportData } from '../report/report-data.js';
import { resultRows } from '../report/result-rows.js';
import { resolveVariants } from '../report/variant-choice.js';
import { writeReport } from '../report/write-report.js';
import { buildPluginContainer } from '../runtime/plugin-container.js';
import { loadRunData, type RunData } from '../runtime/run-data.js';
import { trainRun, type TrainIo, type TrainOutcome } from '../run/train-run.js';
import { comparisonCsv, comparisonMarkdown } from './comparison-table.js';
import { checkStrategies, configForStrategy, strategyFolderName } from './strategy-config.js';
import { schemeLabel } from '../config/partition-label.js';

/** Files at the top of a comparison folder (next to one subfolder per strategy). */
export const COMPARE_FILES = { markdown: 'compare.md', csv: 'compare.csv' } as const;

export interface CompareOutcome {
  readonly outDir: string;
  /** One finished run per strategy and seed, strategies in the order given, then seeds. */
  readonly runs: readonly CompareRunEntry[];
}

export interface CompareRunEntry {
  /** The row name: the strategy (compare) or the point's values (sweep). */
  readonly strategy: string;
  readonly seed: number;
  /** What the comparison reads of the run (a sweep may take it from an earlier run's files). */
  readonly outcome: Pick<TrainOutcome, 'outDir' | 'result' | 'summary'>;
}

export interface CompareOptions {
  /** Repeat every strategy over these seeds (data partition and training); default: the config's seed. */
  readonly seeds?: readonly number[];
  /** Rows for every variant each strategy reports (default), or only the headline. */
  readonly variants?: boolean;
  /** Per strategy, the variants that stand in its headline row (`--variants fedloge=ga-fr`). */
  readonly chosen?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Run every strategy of `strategies` with the shared `config` (its `strategy` section only lends
 * options to the strategy of the same name). Unknown strategies and invalid options are reported
 * all at once, before any data is loaded or any folder created.
 */
export async function compareRun(
  { config, configFile }: ResolvedConfig,
  strategies: readonly string[],
  io: TrainIo,
  options: CompareOptions = {},
): Promise<CompareOutcome> {
  const seeds = options.seeds ?? [config.seed];
  const multiSeed = seeds.length > 1;
  const startedAt = new Date();
  const container = await buildPluginContainer(config.plugins, io.cwd);
  checkStrategies(container, config, strategies);
  const chosen = options.chosen ?? {};
  const unknown = Object.keys(chosen).filter((s) => !strategies.includes(s));
  if (unknown.length > 0) {
    throw new UsageError(
      `--variants names ${unknown.map((s) => `'${s}'`).join(', ')}, which --strategies does not list (${strategies.join(', ')}).`,
    );
  }

  // One partition per seed, shared by every strategy of that seed (the given data, when there is one).
  const dataBySeed = new Map<number, RunData>();
  for (const seed of seeds) dataBySeed.set(seed, io.runData ?? (await loadRunData({ ...config, seed }, container, io.logger)));
  const top = new RunDirectory(config.out !== undefined ? resolve(io.cwd, config.out) : defaultRunDirectory(io.cwd, 'compare', startedAt));
  top.ensure();
  io.stderr.write(`comparison of ${strategies.join(', ')}${multiSeed ? ` over seeds ${seeds.join(', ')}` : ''} in ${top.path}\n`);

  const runs: CompareRunEntry[] = [];
  const total = strategies.length * seeds.length;
  for (const strategy of strategies) {
    for (const seed of seeds) {
      io.stderr.write(`\n[${runs.length + 1}/${total}] ${strategy}${multiSeed ? `, seed ${seed}` : ''}\n`);
      const folder = join(top.path, strategyFolderName(strategy), ...(multiSeed ? [`seed-${seed}`] : []));
      const strategyConfig = { ...configForStrategy(config, strategy, folder), seed };
      let outcome: TrainOutcome;
      try {
        outcome = await trainRun({ config: strategyConfig, configFile }, { ...io, runData: dataBySeed.get(seed)! });
      } catch (e) {
        const done =
          runs.length > 0 ? ` (finished: ${runs.map((r) => (multiSeed ? `${r.strategy} seed ${r.seed}` : r.strategy)).join(', ')})` : '';
        throw new Error(`strategy '${strategy}'${multiSeed ? ` (seed ${seed})` : ''} failed${done}: ${(e as Error).message}`, { cause: e });
      }
      // A chosen variant the strategy does not report stops the comparison now (a UsageError), not after every run.
      if (chosen[strategy])
        resolveVariants(strategy, chosen[strategy], Object.keys(outcome.result.final.variants), outcome.result.pmMasked);
      runs.push({ strategy, seed, outcome });
    }
  }

  writeComparison(top, config, runs, {
    dataOf: (r) => dataBySeed.get(r.seed)!,
    startedAt,
    seeds,
    variants: options.variants ?? true,
    chosen,
    stdout: io.stdout,
  });
  return { outDir: top.path, runs };
}

export interface ComparisonWriteOptions {
  /** The data (partition) a run trained on. */
  readonly dataOf: (run: CompareRunEntry) => RunData;
  readonly startedAt: Date;
  readonly seeds: readonly number[];
  /** Rows for every variant each run reports, or only the headline. */
  readonly variants: boolean;
  readonly chosen: Readonly<Record<string, readonly string[]>>;
  readonly stdout: NodeJS.WritableStream;
  /** Settings listed first in the report (e.g. what a sweep varies). */
  readonly leadSettings?: readonly (readonly [string, string])[];
}

/**
 * compare.md, compare.csv and report.html in `top` for `runs` (several runs of one name are its
 * seeds: mean ± std), and compare.md printed to stdout; `compare` and `sweep` share it.
 */
export function writeComparison(
  top: RunDirectory,
  config: ResolvedConfig['config'],
  runs: readonly CompareRunEntry[],
  options: ComparisonWriteOptions,
): void {
  const { seeds, chosen } = options;
  const warnings = runWarnings(runs, seeds.length > 1);
  const data = compareReportData(config, runs, options.dataOf, options.startedAt, seeds, options.variants);
  const report = {
    ...data,
    // The HTML report lists them with the settings, as it does scaled-down strategies.
    settings: [
      ...(options.leadSettings ?? []).map(([k, v]): [string, string] => [k, v]),
      ...Object.entries(warnings).flatMap(([s, lines]) => lines.map((l): [string, string] => [`${s}: WARNING`, l])),
      ...data.settings,
    ],
    chosenVariants: chosen,
  };
  const rows = resultRows(report.runs, { variants: report.variants, chosen });
  const notes = scaledDownNotes(runs);
  const markdown = comparisonMarkdown(rows, { title: report.title, notes, warnings });
  writeFileAtomic(top.file(COMPARE_FILES.markdown), markdown);
  writeFileAtomic(top.file(COMPARE_FILES.csv), comparisonCsv(rows, warnings));
  writeReport(top.path, report);
  options.stdout.write(`\n${markdown}\nComparison written to ${top.path}\n`);
}

/**
 * Per strategy, one short line per warning of its runs (summary.json `warnings`): a GM variant
 * that predicted no class of a group for many evaluations in a row.
 */
function runWarnings(runs: readonly CompareRunEntry[], multiSeed: boolean): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const r of runs) {
    for (const w of r.outcome.summary.warnings) {
      (out[r.strategy] ??= []).push(
        `${multiSeed ? `seed ${r.seed}: ` : ''}${w.variant} predicted no ${w.group} class (${describeClasses(w.classes)}) in ` +
          `${w.evaluations} consecutive evaluations, rounds ${w.fromRound}–${w.toRound}`,
      );
    }
  }
  return out;
}

/** One line per strategy whose options were scaled down for speed (its `scaledDown()`, in summary.json). */
function scaledDownNotes(runs: readonly CompareRunEntry[]): string[] {
  const notes = new Map<string, string>();
  for (const r of runs) {
    const scaled = r.outcome.summary.scaledDown;
    if (scaled) notes.set(r.strategy, `**${r.strategy}: scaled down for speed.** ${scaled}`);
  }
  return [...notes.values()];
}

/** The top-level report: every strategy's curves and numbers, the shared partition once. */
function compareReportData(
  config: ResolvedConfig['config'],
  runs: readonly CompareRunEntry[],
  /** Each run's data; the first run's partition is the one the report's heat map shows. */
  dataOf: (run: CompareRunEntry) => RunData,
  generatedAt: Date,
  seeds: readonly number[],
  variants: boolean,
): ReportData {
  const { dataset, data } = dataOf(runs[0]!);
  // Client sample counts for the per-client PM chart come from each run's own partition.
  const clientCounts = new Map<RunData, readonly (readonly number[])[]>();
  const countsOf = (r: CompareRunEntry) => {
    const rd = dataOf(r);
    if (!clientCounts.has(rd)) clientCounts.set(rd, reportPartitionOf(rd.dataset, rd.data.partition).clientClassCounts);
    return clientCounts.get(rd)!;
  };
  const d = config.dataset;
  const split = config.partition !== undefined ? 'partition from file' : (schemeLabel(d) ?? (d.iid ? 'IID' : `Dirichlet α = ${d.alpha}`));
  const seedText = seeds.length > 1 ? `seeds ${seeds.join(', ')} (${seeds.length} runs per strategy)` : `seed ${seeds[0]}`;
  const settings = reportSettingsOf(config).map(([k, v]): [string, string] => (k === 'seed' ? [k, seedText] : [k, v]));
  return {
    title: `${dataset.name}, imbalance factor ${d.imbalanceFactor}, ${split}, ${config.clients.total} clients, ${seedText}`,
    settings: [
      ['strategies', [...new Set(runs.map((r) => r.strategy))].join(', ')],
      ...[
        ...new Map(runs.filter((r) => r.outcome.summary.scaledDown).map((r) => [r.strategy, r.outcome.summary.scaledDown!])).entries(),
      ].map(([strategy, note]): [string, string] => [`${strategy}: SCALED DOWN FOR SPEED`, note]),
      ...settings,
    ],
    variants,
    runs: runs.map((r) =>
      reportRunOf(r.strategy, r.outcome.result, dataset.classNames, data.ltCounts, {
        variantLabels: r.outcome.summary.final.variantLabels,
        ...(seeds.length > 1 ? { seed: r.seed } : {}),
        clientClassCounts: countsOf(r),
      }),
    ),
    partition: reportPartitionOf(dataset, data.partition),
    generatedAt: generatedAt.toISOString(),
  };
}
