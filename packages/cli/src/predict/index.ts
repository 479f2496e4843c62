// `fedloge predict`: inference with a run's exported FedLoGe model.
export { PREDICT_FLAGS, PREDICT_SPLITS, parsePredictArgs } from './predict-args.js';
export type { PredictArgs, PredictSplit, PredictionsFormat } from './predict-args.js';
export { defaultFileName, modeFormula, predictRun } from './predict-run.js';
export type { PredictIo, PredictOutcome } from './predict-run.js';
export { formatPredictions } from './predictions-file.js';
export type { PredictionRow } from './predictions-file.js';
export { configWithDataDir, openRunFolder } from './run-folder.js';
export type { RunFolder, RunFolderSummary } from './run-folder.js';
