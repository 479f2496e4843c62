export { Simulation, SimulationInterrupted } from './simulation.js';
export { CheckpointFileError, decodeCheckpoint, encodeCheckpoint } from './checkpoint-file.js';
export { withEarlierRounds } from './resumed-result.js';
export type { SimulationCheckpoint, SimulationOptions } from './simulation.js';
export {
  SIMULATION_DEFAULTS,
  SIMULATION_SETTINGS,
  clientsPerRoundFor,
  clientsPerRoundProblem,
  headlinePmMasked,
  resolveSimulationConfig,
  resolveTrainSchedule,
  simulationConfigSchema,
  trainConfigSchema,
} from './simulation-config.js';
export type { PmMasking, ResolvedSimulationConfig, SimulationConfig } from './simulation-config.js';
export { InlineExecutor, buildClientData, buildClientRuntime, runClientTask } from './client-runtime.js';
export type { ClientExecutor, ClientRuntime, ClientRuntimeSpec, ClientTask, ClientTaskResult, TaskOverrides } from './client-runtime.js';
export { evaluateClientTask, evaluationContext } from './client-evaluation.js';
export type { ClientEvalResult, ClientEvalTask } from './client-evaluation.js';
export { ClientStateStore } from './client-state-store.js';
export { FederatedClientData } from './federated-client-data.js';
export { PluginModelBuilder } from './plugin-model-builder.js';
export type { ModelSpec, PluginRef } from './plugin-model-builder.js';
export { Evaluator } from './evaluator.js';
export type { Evaluation, EvaluatorOptions } from './evaluator.js';
export { sampleClients } from './client-sampling.js';
export { RUN_STREAMS } from './streams.js';
export { StrategyError, callHook, callHookSync } from './strategy-error.js';
export type { HookSite } from './strategy-error.js';
export { firstNonFiniteKey } from './finite.js';
export { GlobalModelError, describeAggregator, largestMagnitude } from './global-health.js';
export type { BestRound, ClientRoundInfo, EvaluatedRoundRecord, RoundRecord, RunResult } from './records.js';
export { UnpredictedGroupWatch, describeClasses, groupPredictionCounts } from './unpredicted-groups.js';
export type { GroupPredictions, UnpredictedGroupWarning, UnpredictedGroupWatchOptions, WatchedEvaluation } from './unpredicted-groups.js';
export type { ClientProgress, Reporter, RoundSnapshot, RunStartInfo } from './reporter.js';
