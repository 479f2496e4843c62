// `fedloge compare`: several strategies on one partition, compared in compare.md/csv and report.html.
export { compareRun, COMPARE_FILES } from './compare-run.js';
export type { CompareOutcome } from './compare-run.js';
export { comparisonCsv, comparisonMarkdown, COMPARISON_CSV_COLUMNS } from './comparison-table.js';
export type { ComparisonHeading } from './comparison-table.js';
export { checkStrategies, configForStrategy, strategyFolderName } from './strategy-config.js';
export { takeStrategiesFlag, STRATEGIES_FLAG } from './strategies-flag.js';
export type { StrategiesArg } from './strategies-flag.js';
