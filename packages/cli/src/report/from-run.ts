/** Report data from what a finished run holds in memory (core's RunResult, the partition, the config). */
import { classHistogram, type ImageDataset, type PartitionFile, type RunResult } from '@fedloge/core';
import type { RunConfig } from '../config/schema.js';
import type { RunData } from '../runtime/run-data.js';
import type { ReportClient, ReportData, ReportPartition, ReportRoundPoint, ReportRun } from './report-data.js';
import { schemeLabel } from '../config/partition-label.js';

const OPTIMIZER_NAMES = { sgd: 'SGD', adam: 'Adam', adamw: 'AdamW' } as const;

/** What `reportRunOf` may add to a run's view. */
export interface ReportRunExtras {
  /** Names of the variant keys (summary.json's `final.variantLabels`). */
  readonly variantLabels?: Readonly<Record<string, string>>;
  /** The run's seed, when the report holds several seeds of a strategy. */
  readonly seed?: number;
  /** `counts[k][c]`: training images of class c on client k, for the per-client PM chart. */
  readonly clientClassCounts?: readonly (readonly number[])[];
}

/**
 * The report view of one run: its evaluated rounds, training loss per round, best rounds,
 * per-class final GM accuracy and, given the partition's counts, per-client final PM.
 * `trainClassCounts[c]` is the size of class c in the long-tailed training set.
 */
export function reportRunOf(
  name: string,
  result: RunResult,
  classNames: readonly string[] | undefined,
  trainClassCounts: readonly number[],
  { variantLabels, seed, clientClassCounts }: ReportRunExtras = {},
): ReportRun {
  const rounds: ReportRoundPoint[] = [];
  for (const r of result.rounds) {
    if (r.gm === undefined || r.pm === undefined) continue; // not evaluated this round
    rounds.push({ round: r.round, gm: r.gm, pm: r.pm, variants: r.variants ?? {} });
  }
  const clients = clientClassCounts?.map((counts, k): ReportClient => ({
    client: k,
    pm: result.pmPerClient[k] ?? null,
    trainImages: counts.reduce((a, b) => a + b, 0),
    classes: counts.filter((n) => n > 0).length,
  }));
  return {
    name,
    rounds,
    best: result.best,
    perClassGm: result.perClassAccuracy.map((acc, c) => ({
      class: c,
      name: classNames?.[c] ?? null,
      trainImages: trainClassCounts[c] ?? null,
      acc,
    })),
    ...(variantLabels ? { variantLabels } : {}),
    pmMasked: result.pmMasked,
    ...(seed !== undefined ? { seed } : {}),
    losses: result.rounds.map((r) => ({ round: r.round, loss: r.trainLoss })),
    ...(clients ? { clients } : {}),
  };
}

/** Training images per client and class, from the partition's train indices into the official split. */
export function reportPartitionOf(
  dataset: Pick<ImageDataset, 'train' | 'numClasses' | 'classNames'>,
  partition: PartitionFile,
): ReportPartition {
  return {
    clientClassCounts: partition.trainIndices.map((indices) => classHistogram(dataset.train.labels, indices, dataset.numClasses)),
    classNames: dataset.classNames ?? null,
  };
}

/** The settings a reader needs to interpret the numbers, in reading order. */
export function reportSettingsOf(config: RunConfig): [string, string][] {
  const d = config.dataset;
  return [
    ['dataset', `${d.name}, imbalance factor ${d.imbalanceFactor}`],
    [
      'partition',
      config.partition !== undefined ? `from ${config.partition}` : (schemeLabel(d) ?? (d.iid ? 'IID' : `Dirichlet α = ${d.alpha}`)),
    ],
    ['clients', `${config.clients.total} total, ${config.clients.perRound} per round`],
    ['rounds', `${config.rounds} (evaluated every ${config.evalEvery})`],
    [
      'local training',
      `${config.train.localEpochs} epoch(s), batch ${config.train.batchSize}, ${OPTIMIZER_NAMES[config.train.optimizer?.name ?? 'sgd']} lr ${config.train.lr}${config.train.lrSchedule ? ` (${config.train.lrSchedule.name} schedule)` : ''}, momentum ${config.train.momentum}, weight decay ${config.train.weightDecay}`,
    ],
    ['model', `${config.model.name}${optionsText(config.model.options)}`],
    ['aggregator', `${config.aggregator.name}${optionsText(config.aggregator.options)}`],
    ['seed', String(config.seed)],
    [
      'PM masking',
      config.eval.pmMasking === 'reference'
        ? "as each strategy's reference reports it (FedLoGe masked, the FedAvg family unmasked)"
        : config.eval.pmMasking
          ? 'on (forced)'
          : 'off (forced)',
    ],
  ];
}

/** The report of a single `train` run on `runData`. */
export function trainReportData(
  config: RunConfig,
  result: RunResult,
  runData: RunData,
  generatedAt = new Date(),
  variantLabels?: Readonly<Record<string, string>>,
  /** The strategy's `scaledDown()`, shown as a setting when its options were scaled down for speed. */
  scaledDown?: string,
): ReportData {
  const { dataset, data } = runData;
  const partition = reportPartitionOf(dataset, data.partition);
  return {
    title: `${config.strategy.name} on ${dataset.name}`,
    settings: [
      ['strategy', `${config.strategy.name}${optionsText(config.strategy.options)}`],
      ...(scaledDown ? [['SCALED DOWN FOR SPEED', scaledDown] as [string, string]] : []),
      ...reportSettingsOf(config),
    ],
    variants: true,
    runs: [
      reportRunOf(config.strategy.name, result, dataset.classNames, data.ltCounts, {
        ...(variantLabels ? { variantLabels } : {}),
        clientClassCounts: partition.clientClassCounts,
      }),
    ],
    partition,
    generatedAt: generatedAt.toISOString(),
  };
}

/** ` {"mu":0.01}` for non-empty plugin options, nothing otherwise. */
function optionsText(options: Readonly<Record<string, unknown>>): string {
  return Object.keys(options).length > 0 ? ` ${JSON.stringify(options)}` : '';
}
