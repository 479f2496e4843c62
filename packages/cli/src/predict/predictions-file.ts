/** The predictions file of `fedloge predict`: one row per image, as JSON lines or CSV. */
import type { PredictionsFormat } from './predict-args.js';

/** One predicted image: its index in the official test split, its true and its predicted class. */
export interface PredictionRow {
  readonly index: number;
  readonly label: number;
  readonly predicted: number;
}

/** The file's text: `{"index":…,"label":…,"predicted":…}` per line, or CSV with a header row. */
export function formatPredictions(rows: readonly PredictionRow[], format: PredictionsFormat): string {
  const lines =
    format === 'csv'
      ? ['index,label,predicted', ...rows.map((r) => `${r.index},${r.label},${r.predicted}`)]
      : rows.map((r) => JSON.stringify({ index: r.index, label: r.label, predicted: r.predicted }));
  return `${lines.join('\n')}\n`;
}
