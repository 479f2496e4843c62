/**
 * The numbers of a results table, as in the FedLoGe paper's tables: GM and PM accuracy overall and
 * on head/middle/tail classes, after the last round and at the best round. GM and PM best rounds
 * are chosen separately (the reference's searchBest), so they may differ.
 *
 * One headline row per strategy, then (with `variants`) one row per other variant it reported
 * (e.g. FedLoGe's GA-FR GM, each PM masked and unmasked). Runs of one strategy over several seeds
 * make one row whose numbers are the mean over seeds, with the sample standard deviation and the
 * number of seeds behind it. The HTML report, compare.md and compare.csv all print these rows.
 */
import type { ShotAccuracy } from '@fedloge/core';
import { variantLabel } from '../output/variant-labels.js';
import type { ReportRoundPoint, ReportRun } from './report-data.js';
import { resolveVariants } from './variant-choice.js';

/** GM or PM accuracy measured at a round (per seed when there are several), averaged over seeds. */
export interface MeasuredAt {
  /** The round of each seed's measurement (one entry for a single run). */
  readonly rounds: readonly number[];
  /** Mean over seeds of each accuracy (null where any seed has nothing to measure). */
  readonly metrics: ShotAccuracy;
  /** Sample standard deviation over seeds; absent for a single seed. */
  readonly std?: ShotAccuracy;
}

export interface ResultRow {
  readonly strategy: string;
  /** What the row shows: `headline`, or the variant's label (e.g. 'GM global (GA-FR)', 'PM local, unmasked'). */
  readonly variant: string;
  /** Variant key (`gm/…`, `pm/…`), or undefined for the headline row. */
  readonly key?: string;
  /** Whether the row's PM masks absent classes (undefined: the row has no PM). */
  readonly pmMasked?: boolean;
  /** Number of seeds (runs) behind every number of the row. */
  readonly seeds: number;
  readonly last: { readonly gm?: MeasuredAt; readonly pm?: MeasuredAt };
  readonly best: { readonly gm?: MeasuredAt; readonly pm?: MeasuredAt };
}

/** Which of a row's two selections a table shows. */
export type RoundSelection = keyof Pick<ResultRow, 'last' | 'best'>;

/** The four accuracy columns, in paper order (All, Many, Medium, Few). */
export const SHOT_COLUMNS = ['acc', 'head', 'middle', 'tail'] as const satisfies readonly (keyof ShotAccuracy)[];

export interface ResultRowOptions {
  /** Add a row for every non-headline variant each strategy reported. @default false */
  readonly variants?: boolean;
  /**
   * Per strategy (run name), the variant names that replace its headline GM and/or PM in its
   * headline row (see variant-choice.ts), e.g. `{ fedloge: ['ga-fr'] }`. @default none
   */
  readonly chosen?: Readonly<Record<string, readonly string[]>>;
}

/**
 * Rows for `runs`, grouped by run name in order of first appearance (several runs of one name
 * are its seeds). Throws when a run has no evaluated round (nothing to report).
 */
export function resultRows(runs: readonly ReportRun[], options: ResultRowOptions = {}): ResultRow[] {
  const groups = new Map<string, ReportRun[]>();
  for (const run of runs) {
    if (run.rounds.length === 0) throw new Error(`Run '${run.name}' has no evaluated round; a report needs at least one evaluation`);
    groups.set(run.name, [...(groups.get(run.name) ?? []), run]);
  }
  const rows: ResultRow[] = [];
  for (const [name, group] of groups) {
    const first = group[0]!;
    const finalKeys = Object.keys(first.rounds[first.rounds.length - 1]!.variants);
    const headlineMasked = first.pmMasked ?? true;
    const chosen = resolveVariants(name, options.chosen?.[name] ?? [], finalKeys, headlineMasked);
    const pmMasked = chosen.pm === undefined ? headlineMasked : !chosen.pm.endsWith('/unmasked');
    const byKey = (key: string) => (p: ReportRoundPoint) => p.variants[key];
    const label = (key: string) => first.variantLabels?.[key] ?? variantLabel(key);
    rows.push({
      strategy: name,
      variant:
        chosen.gm === undefined && chosen.pm === undefined
          ? 'headline'
          : [chosen.gm, chosen.pm]
              .filter((k) => k !== undefined)
              .map(label)
              .join(' + '),
      pmMasked,
      seeds: group.length,
      last: {
        gm: lastOf(group, chosen.gm === undefined ? (p) => p.gm : byKey(chosen.gm)),
        pm: lastOf(group, chosen.pm === undefined ? (p) => p.pm : byKey(chosen.pm)),
      },
      best: {
        gm: chosen.gm === undefined ? combine(group.map((r) => r.best.gm)) : combine(group.map((r) => bestOf(r, byKey(chosen.gm!)))),
        pm: chosen.pm === undefined ? combine(group.map((r) => r.best.pm)) : combine(group.map((r) => bestOf(r, byKey(chosen.pm!)))),
      },
    });
    if (!options.variants) continue;
    const headlineKeys = new Set([
      chosen.gm ?? finalKeys.find((k) => k.startsWith('gm/')),
      chosen.pm ?? headlinePmKey(finalKeys, headlineMasked),
    ]);
    for (const key of finalKeys) {
      if (headlineKeys.has(key)) continue;
      const pick = byKey(key);
      const which = key.startsWith('gm/') ? 'gm' : 'pm';
      const last = lastOf(group, pick);
      const best = combine(group.map((r) => bestOf(r, pick)));
      rows.push({
        strategy: name,
        // Run labels are full table names already (summary.json's final.variantLabels).
        variant: label(key),
        key,
        ...(which === 'pm' ? { pmMasked: !key.endsWith('/unmasked') } : {}),
        seeds: group.length,
        last: { [which]: last },
        best: { [which]: best },
      });
    }
  }
  return rows;
}

/** The key of the headline PM among `keys`: the first PM variant, masked or `/unmasked`. */
function headlinePmKey(keys: readonly string[], masked: boolean): string | undefined {
  const first = keys.find((k) => k.startsWith('pm/') && !k.endsWith('/unmasked'));
  return first === undefined ? undefined : masked ? first : `${first}/unmasked`;
}

/** Each run's last evaluated value of `pick`, combined over the runs. */
function lastOf(runs: readonly ReportRun[], pick: (p: ReportRoundPoint) => ShotAccuracy | undefined): MeasuredAt {
  return combine(
    runs.map((run) => {
      const last = run.rounds[run.rounds.length - 1]!;
      return { round: last.round, metrics: pick(last) ?? NO_DATA };
    }),
  );
}

/** The evaluated round with the highest overall accuracy of `pick` (earliest on ties). */
function bestOf(run: ReportRun, pick: (p: ReportRoundPoint) => ShotAccuracy | undefined): { round: number; metrics: ShotAccuracy } {
  let best = { round: run.rounds[0]!.round, metrics: pick(run.rounds[0]!) ?? NO_DATA };
  for (const p of run.rounds) {
    const m = pick(p);
    if (m && (m.acc ?? -Infinity) > (best.metrics.acc ?? -Infinity)) best = { round: p.round, metrics: m };
  }
  return best;
}

const NO_DATA: ShotAccuracy = { acc: null, head: null, middle: null, tail: null };

/** Mean and sample standard deviation over seeds, field by field. */
function combine(points: readonly { round: number; metrics: ShotAccuracy }[]): MeasuredAt {
  const rounds = points.map((p) => p.round);
  if (points.length === 1) return { rounds, metrics: points[0]!.metrics };
  const mean = {} as Record<keyof ShotAccuracy, number | null>;
  const std = {} as Record<keyof ShotAccuracy, number | null>;
  for (const k of SHOT_COLUMNS) {
    const values = points.map((p) => p.metrics[k]);
    if (values.some((v) => v === null)) {
      mean[k] = null;
      std[k] = null;
      continue;
    }
    const xs = values as number[];
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    mean[k] = m;
    std[k] = Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
  }
  return { rounds, metrics: mean, std };
}
