/**
 * What a report shows, as plain data: the renderer knows nothing about configs, tensors or files,
 * so a report can be rendered from a live run, from files on disk or from a test fixture alike.
 */
import type { BestRound, ShotAccuracy } from '@fedloge/core';

/** The evaluation of one round: headline GM/PM and every variant the strategy reported. */
export interface ReportRoundPoint {
  /** 1-based round number. */
  readonly round: number;
  readonly gm: ShotAccuracy;
  /** Headline PM (masked when the run used PM masking). */
  readonly pm: ShotAccuracy;
  /** `gm/<name>`, `pm/<name>`, `pm/<name>/unmasked` (core's `RoundRecord.variants`). */
  readonly variants: Readonly<Record<string, ShotAccuracy>>;
}

/** Final global-model accuracy of one class, with its size in the long-tailed training set. */
export interface ReportClassAccuracy {
  readonly class: number;
  /** Display name; `null` shows the class index. */
  readonly name: string | null;
  readonly trainImages: number | null;
  /** `null` when the class has no test images. */
  readonly acc: number | null;
}

/** Mean training loss of one round (core's `RoundRecord.trainLoss`), every round, evaluated or not. */
export interface ReportLossPoint {
  readonly round: number;
  /** null when no client of the round reported a loss. */
  readonly loss: number | null;
}

/** One client after the last round: its headline PM and what it trained on. */
export interface ReportClient {
  readonly client: number;
  /** Headline PM accuracy (fraction); null when the client has no local test data. */
  readonly pm: number | null;
  /** Training images on the client. */
  readonly trainImages: number;
  /** Classes with at least one training image on the client. */
  readonly classes: number;
}

/** One strategy's run. */
export interface ReportRun {
  /** The strategy name as the user chose it (shown in legends and tables; escaped when rendered). */
  readonly name: string;
  /** Evaluated rounds in round order; the last one is the final evaluation. */
  readonly rounds: readonly ReportRoundPoint[];
  /** GM and PM best rounds, chosen separately by headline accuracy (the reference's searchBest). */
  readonly best: { readonly gm: BestRound; readonly pm: BestRound };
  readonly perClassGm: readonly ReportClassAccuracy[];
  /** Names of the variant keys (summary.json's `final.variantLabels`); keys without one are shown as they are. */
  readonly variantLabels?: Readonly<Record<string, string>>;
  /**
   * Whether the headline PM (`pm`, `best.pm`) masks classes absent from a client's local test
   * set (per strategy under `eval.pmMasking: 'reference'`). @default true
   */
  readonly pmMasked?: boolean;
  /** The run's seed, when a report holds several seeds of one strategy. */
  readonly seed?: number;
  /** Training loss per round; absent: no loss curve. */
  readonly losses?: readonly ReportLossPoint[];
  /** Every client's final headline PM, by client id; absent: no per-client chart. */
  readonly clients?: readonly ReportClient[];
}

/** The client partition shared by every run of the report. */
export interface ReportPartition {
  /** `counts[k][c]`: training images of class c held by client k. */
  readonly clientClassCounts: readonly (readonly number[])[];
  /** Class display names, or `null` for indices. */
  readonly classNames: readonly string[] | null;
}

/** Everything one report.html shows. */
export interface ReportData {
  /** Page heading and `<title>`. */
  readonly title: string;
  /** Run settings as label/value pairs, shown in order (dataset, clients, rounds, …). */
  readonly settings: readonly (readonly [label: string, value: string])[];
  /** Show a row for every variant each strategy reported, not only its headline. @default false */
  readonly variants?: boolean;
  /** Per strategy, the variants chosen for its headline row (`compare --variants fedloge=ga-fr`). */
  readonly chosenVariants?: Readonly<Record<string, readonly string[]>>;
  /** One run for `train`, one per strategy for `compare`, all on `partition`. */
  readonly runs: readonly ReportRun[];
  readonly partition: ReportPartition;
  /** ISO time shown in the footer; omitted for byte-stable output. */
  readonly generatedAt?: string;
}
