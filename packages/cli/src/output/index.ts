// What a run leaves on disk and prints at the end.
export { writeFileAtomic, writeJsonAtomic } from './atomic-write.js';
export { RUN_FILES, RunDirectory, defaultRunDirectory } from './run-directory.js';
export { MetricsWriter } from './metrics-writer.js';
export { MetricsCsvWriter } from './metrics-csv.js';
export type { MetricsLine } from './metrics-writer.js';
export { buildSummary } from './summary.js';
export type { RunSummary, RunVersions, SummaryInput } from './summary.js';
export { HEADLINE_MARK, formatFinalTable, percent } from './final-table.js';
export { variantLabel, variantLabels } from './variant-labels.js';
