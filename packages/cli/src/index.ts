// @fedloge/cli: the `fedloge` command line, its typed config and the run outputs, as a library.
export * from './config/index.js';
export * from './output/index.js';
export * from './progress/index.js';
export * from './workers/index.js';
export * from './report/index.js';
export * from './compare/index.js';
export * from './predict/index.js';
export {
  COMMANDS,
  reportError,
  trainCommand,
  trainHelp,
  compareCommand,
  compareHelp,
  predictCommand,
  predictHelp,
  FAILURE_EXIT_CODE,
} from './commands/index.js';
export type { Command, CommandContext } from './commands/index.js';
export { main } from './main.js';
export { runFederation } from './api/run-federation.js';
export type { FederationResult, RunFederationOptions } from './api/run-federation.js';
export { trainRun, TrainInterrupted } from './run/train-run.js';
export type { TrainIo, TrainOutcome } from './run/train-run.js';
export { exportRunModel } from './output/export-model.js';
export type { ExportRunModelInput, ExportedModel } from './output/export-model.js';
export { buildPluginContainer } from './runtime/plugin-container.js';
export { checkPluginChoices } from './run/check-plugins.js';
export { clientRuntimeSpec, datasetRef, simulationConfig } from './runtime/runtime-spec.js';
export { loadRunData } from './runtime/run-data.js';
export type { RunData } from './runtime/run-data.js';
