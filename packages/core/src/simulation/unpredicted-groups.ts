/**
 * A GM that never predicts a class group (issue 18): e.g. FedLoGe's SSE-C on CIFAR-10-LT, where no
 * test image was predicted as any tail class for 100 rounds while the headline numbers looked
 * like slow progress. Per GM variant and head/middle/tail group (the GM shot split), the watch
 * counts consecutive evaluations in which **no test image was predicted as any class of the
 * group** (stricter than a group accuracy of 0, which also holds for a model that predicts tail
 * classes, but wrongly). After `after` such evaluations in a row it raises one warning for that
 * variant and group, once per run; the warning then follows the streak to its last round.
 */
import type { ShotAccuracy } from '../metrics/shot-accuracy.js';
import { SHOT_GROUPS, type ShotGroup, type ShotSplit } from '../metrics/shot-split.js';

/** Test images predicted as a class of each group (a prediction of -1, "no class", counts in none). */
export type GroupPredictions = Readonly<Record<ShotGroup, number>>;

/** How many of `predictions` fall into each group of `split`. */
export function groupPredictionCounts(predictions: ArrayLike<number>, split: ShotSplit, numClasses: number): GroupPredictions {
  const groupOf = new Array<ShotGroup | undefined>(numClasses).fill(undefined);
  for (const group of SHOT_GROUPS) for (const c of split[group]) groupOf[c] = group;
  const counts = { head: 0, middle: 0, tail: 0 };
  for (let i = 0; i < predictions.length; i++) {
    const group = groupOf[predictions[i]!];
    if (group !== undefined) counts[group]++;
  }
  return counts;
}

/** One GM variant that predicted no class of a group for `evaluations` evaluations in a row. */
export interface UnpredictedGroupWarning {
  readonly kind: 'unpredicted-class-group';
  /** The variant key, e.g. `gm/sse-c`. */
  readonly variant: string;
  readonly group: ShotGroup;
  /** The group's classes (the GM shot split). */
  readonly classes: readonly number[];
  /** First and last round of the streak so far (evaluated rounds). */
  readonly fromRound: number;
  readonly toRound: number;
  /** Consecutive evaluations without a prediction in the group, up to `toRound`. */
  readonly evaluations: number;
  /** The round at which the warning was raised (the `after`-th evaluation of the streak). */
  readonly raisedAtRound: number;
  /** The variant's accuracies at `toRound`. */
  readonly last: ShotAccuracy;
  /** Test images the variant scored at `toRound`, and how many it predicted into each group. */
  readonly testImages: number;
  readonly predicted: GroupPredictions;
  /** The line that was printed when it was raised. */
  readonly message: string;
}

/** One evaluated round, as the watch needs it. */
export interface WatchedEvaluation {
  readonly round: number;
  /** Per GM variant key: predictions per group. */
  readonly gmPredicted: Readonly<Record<string, GroupPredictions>>;
  readonly variants: Readonly<Record<string, ShotAccuracy>>;
}

export interface UnpredictedGroupWatchOptions {
  /** Consecutive evaluations without a prediction in a group before the warning; 0 turns the watch off. */
  readonly after: number;
  readonly split: ShotSplit;
  readonly testImages: number;
  readonly classNames?: readonly string[] | undefined;
  /** Display names of variant keys (`Strategy.variantLabels`). */
  readonly labels?: Readonly<Record<string, string>>;
}

interface Streak {
  fromRound: number;
  evaluations: number;
}

export class UnpredictedGroupWatch {
  private readonly streaks = new Map<string, Streak>();
  /** Raised warnings by `variant|group`; a raised one is updated while its streak lasts. */
  private readonly raised = new Map<string, UnpredictedGroupWarning>();

  constructor(private readonly options: UnpredictedGroupWatchOptions) {
    if (!Number.isInteger(options.after) || options.after < 0) {
      throw new RangeError(`Expected an integer >= 0 for the unpredicted-group evaluations but received ${options.after}`);
    }
  }

  /** Every warning raised so far, in the order raised. */
  get warnings(): UnpredictedGroupWarning[] {
    return [...this.raised.values()];
  }

  /**
   * Take one evaluation in; returns the warnings raised by it (to print). An evaluation without
   * `gmPredicted` for a variant (a record written before these counts existed) ends its streaks.
   */
  observe(evaluation: WatchedEvaluation): UnpredictedGroupWarning[] {
    if (this.options.after === 0) return [];
    const fresh: UnpredictedGroupWarning[] = [];
    const seen = new Set<string>();
    for (const [variant, predicted] of Object.entries(evaluation.gmPredicted)) {
      for (const group of SHOT_GROUPS) {
        const classes = this.options.split[group];
        if (classes.length === 0) continue; // an empty group cannot be predicted
        const key = `${variant}|${group}`;
        seen.add(key);
        if (predicted[group] > 0) {
          this.streaks.delete(key);
          continue;
        }
        const streak = this.streaks.get(key) ?? { fromRound: evaluation.round, evaluations: 0 };
        streak.evaluations++;
        this.streaks.set(key, streak);
        const raised = this.raised.get(key);
        const state = {
          kind: 'unpredicted-class-group' as const,
          variant,
          group,
          classes,
          fromRound: streak.fromRound,
          toRound: evaluation.round,
          evaluations: streak.evaluations,
          last: evaluation.variants[variant] ?? { acc: null, head: null, middle: null, tail: null },
          testImages: this.options.testImages,
          predicted,
        };
        if (raised !== undefined) {
          // Follow the streak that raised it; a later streak of the same pair is not warned again.
          if (raised.fromRound === streak.fromRound) this.raised.set(key, { ...raised, ...state });
        } else if (streak.evaluations >= this.options.after) {
          const warning = { ...state, raisedAtRound: evaluation.round, message: this.message(state) };
          this.raised.set(key, warning);
          fresh.push(warning);
        }
      }
    }
    for (const key of this.streaks.keys()) if (!seen.has(key)) this.streaks.delete(key);
    return fresh;
  }

  private message(w: Omit<UnpredictedGroupWarning, 'message' | 'raisedAtRound'>): string {
    const label = this.options.labels?.[w.variant];
    const pct = (x: number | null) => (x === null ? '–' : `${(100 * x).toFixed(2)} %`);
    return (
      `${w.variant}${label ? ` (${label})` : ''} predicted no test image as a ${w.group} class in ${w.evaluations} consecutive ` +
      `evaluations (rounds ${w.fromRound}–${w.toRound}); ${w.group} classes: ${describeClasses(w.classes, this.options.classNames)}. ` +
      `Last seen (round ${w.toRound}): ${w.predicted[w.group]} of ${w.testImages} test images predicted as ${w.group}, ` +
      `accuracy all ${pct(w.last.acc)}, head ${pct(w.last.head)}, middle ${pct(w.last.middle)}, tail ${pct(w.last.tail)}. ` +
      `This model is not learning those classes; summary.json lists it under warnings ` +
      `(eval.warnUnpredictedAfter sets the number of evaluations, 0 turns the check off).`
    );
  }
}

/** `6 frog, 7 horse` for up to 10 classes, else id ranges: `50 classes: 50–99`. */
export function describeClasses(classes: readonly number[], names?: readonly string[]): string {
  if (classes.length <= 10) return classes.map((c) => (names?.[c] ? `${c} ${names[c]}` : String(c))).join(', ');
  const sorted = [...classes].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j === i ? String(sorted[i]) : `${sorted[i]}–${sorted[j]}`);
    i = j + 1;
  }
  return `${classes.length} classes: ${parts.join(', ')}`;
}
