// Terminal progress for simulations.
export { ProgressReporter } from './progress-reporter.js';
export type { ProgressReporterOptions } from './progress-reporter.js';
export { formatRoundLine, formatShot } from './round-line.js';
export { preprocessReporter } from './preprocess-progress.js';
export type { PreprocessReporter } from './preprocess-progress.js';
