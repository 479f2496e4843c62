/** summary.json: everything needed to understand and reproduce a finished run, in one file. */
import type { BackendInfo, RunResult, ShotAccuracy, UnpredictedGroupWarning } from '@fedloge/core';
import type { DatasetProvenance } from '@fedloge/datasets';
import { REPLACED_BY_PARTITION } from '../config/partition-conflicts.js';
import type { RunConfig } from '../config/schema.js';
import type { ExportedModel } from './export-model.js';
import type { ThreadChoice } from '../runtime/threads.js';
import { roundTimings, type RoundTimings } from './round-timings.js';
import { variantLabels } from './variant-labels.js';
import { schemeLabel } from '../config/partition-label.js';

/** Software versions recorded with every run. */
export interface RunVersions {
  readonly fedloge: string;
  readonly node: string;
  readonly tfjs: string;
  readonly platform: string;
}

export interface SummaryInput {
  readonly config: RunConfig;
  readonly configFile: string | undefined;
  /** Absolute path of the run folder. */
  readonly outDir: string;
  readonly backend: BackendInfo;
  /** Worker threads that trained clients (0: the main thread). */
  readonly workers: number;
  /** Backend threads of each thread that trained, and where the count came from. */
  readonly threads: ThreadChoice;
  readonly versions: RunVersions;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly result: RunResult;
  readonly classNames: readonly string[] | undefined;
  /**
   * Training images per class of the long-tailed set, and per client; the files read and the
   * integrity check they passed (`source`, null for data built in memory).
   */
  readonly data: {
    readonly classCounts: readonly number[];
    readonly clientSizes: readonly number[];
    readonly source?: DatasetProvenance | null;
  };
  /** The strategy's names of its variants (`Strategy.variantLabels`). */
  readonly variantLabels?: Readonly<Record<string, string>>;
  /** The model the strategy exported (`Strategy.exportModel`), if any. */
  readonly model?: ExportedModel | undefined;
  readonly strategySummary: Record<string, unknown> | undefined;
  readonly aggregatorSummary: Record<string, unknown> | undefined;
  /** The strategy's `scaledDown()`, when its defaults were scaled down for speed. */
  readonly scaledDown?: string | undefined;
  /** Set when a signal stopped the run early. */
  readonly interrupted?: RunInterruption | undefined;
  /** The rounds after which the run was resumed (`--resume`), oldest first. */
  readonly resumedAfter?: readonly number[];
}

/** How and where a run was stopped early, and how to continue it. */
export interface RunInterruption {
  readonly signal: string;
  readonly afterRound: number;
  readonly resumeWith: string;
}

/** The summary.json object. */
export interface RunSummary {
  readonly strategy: string;
  readonly config: RunConfig;
  readonly configFile: string | null;
  readonly outDir: string;
  readonly seed: number;
  readonly backend: BackendInfo;
  readonly workers: number;
  /** Backend threads of each thread that trained, and where the count came from. */
  readonly threads: ThreadChoice;
  readonly versions: RunVersions;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly totalSeconds: number;
  readonly final: {
    readonly round: number;
    readonly gm: ShotAccuracy;
    /** Headline PM: `pmMasked` or `pmUnmasked`, as `pmHeadline` says. */
    readonly pm: ShotAccuracy;
    readonly pmHeadline: 'masked' | 'unmasked';
    readonly pmMasked: ShotAccuracy;
    readonly pmUnmasked: ShotAccuracy;
    readonly variants: Readonly<Record<string, ShotAccuracy>>;
    /** What each key of `variants` is, as the final table names it (e.g. 'GM global (GA-FR)'). */
    readonly variantLabels: Readonly<Record<string, string>>;
  };
  readonly best: RunResult['best'];
  /**
   * Rounds in which every client update was dropped (NaN/Infinity), so the global model did not
   * change; `globalNeverUpdated` is true when that was every round (the run then exits non-zero).
   */
  readonly roundsWithoutUpdate: readonly number[];
  readonly globalNeverUpdated: boolean;
  /**
   * GM variants that predicted no test image as any class of a head/middle/tail group for
   * `eval.warnUnpredictedAfter` evaluations in a row (one entry per variant and group; empty when none).
   */
  readonly warnings: readonly UnpredictedGroupWarning[];
  /** Headline GM accuracy per class after the last round, with the class's training-set size. */
  readonly perClassGm: readonly { class: number; name: string | null; trainImages: number | null; acc: number | null }[];
  readonly data: SummaryInput['data'] & {
    readonly source: DatasetProvenance | null;
    /** How the client split was made: read from a file (and which config settings it made unused) or drawn. */
    readonly partition: PartitionOrigin;
  };
  /** The exported model's folder, format and files; null for a strategy without an export. */
  readonly model: ExportedModel | null;
  readonly strategySummary: Record<string, unknown> | null;
  readonly aggregatorSummary: Record<string, unknown> | null;
  /** Null for a run that completed all its rounds. */
  readonly interrupted: RunInterruption | null;
  readonly resumedAfter: readonly number[];
  /** What the strategy's options scale down from the paper's values for speed, or null. */
  readonly scaledDown: string | null;
  /** Training vs evaluation wall time over the recorded rounds (round-timings.ts). */
  readonly timing: RoundTimings;
}

export function buildSummary(input: SummaryInput): RunSummary {
  const { result } = input;
  return {
    strategy: result.strategy,
    config: input.config,
    configFile: input.configFile ?? null,
    outDir: input.outDir,
    seed: input.config.seed,
    backend: input.backend,
    workers: input.workers,
    threads: input.threads,
    versions: input.versions,
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    totalSeconds: result.totalSeconds,
    final: {
      round: result.final.round,
      gm: result.final.gm,
      pm: result.final.pm,
      pmHeadline: result.pmMasked ? 'masked' : 'unmasked',
      pmMasked: result.final.pmMasked,
      pmUnmasked: result.final.pmUnmasked,
      variants: result.final.variants,
      variantLabels: variantLabels(Object.keys(result.final.variants), input.variantLabels),
    },
    best: result.best,
    roundsWithoutUpdate: result.roundsWithoutUpdate,
    globalNeverUpdated: result.rounds.length > 0 && result.rounds.every((r) => !r.globalUpdated),
    warnings: result.warnings,
    perClassGm: result.perClassAccuracy.map((acc, c) => ({
      class: c,
      name: input.classNames?.[c] ?? null,
      trainImages: input.data.classCounts[c] ?? null,
      acc,
    })),
    data: { ...input.data, source: input.data.source ?? null, partition: partitionOrigin(input.config) },
    model: input.model ?? null,
    strategySummary: input.strategySummary ?? null,
    aggregatorSummary: input.aggregatorSummary ?? null,
    interrupted: input.interrupted ?? null,
    resumedAfter: input.resumedAfter ?? [],
    scaledDown: input.scaledDown ?? null,
    timing: roundTimings(result.rounds),
  };
}

/** Where the client split came from. */
export type PartitionOrigin =
  | { readonly from: 'file'; readonly file: string; readonly unusedSettings: Readonly<Record<string, unknown>> }
  | { readonly from: 'drawn'; readonly imbalanceFactor: number; readonly split: string; readonly minClientSize: number };

/**
 * The partition's origin. With a partition file, the dataset settings that would have drawn a split
 * are listed as unused (they stay in `config` only because the schema fills in defaults).
 */
export function partitionOrigin(config: RunConfig): PartitionOrigin {
  const d = config.dataset;
  if (config.partition !== undefined) {
    return {
      from: 'file',
      file: config.partition,
      unusedSettings: Object.fromEntries(REPLACED_BY_PARTITION.map((k) => [`dataset.${k}`, d[k]])),
    };
  }
  return {
    from: 'drawn',
    imbalanceFactor: d.imbalanceFactor,
    split: schemeLabel(d) ?? (d.iid ? 'IID' : `Dirichlet α=${d.alpha}`),
    minClientSize: d.minClientSize,
  };
}
