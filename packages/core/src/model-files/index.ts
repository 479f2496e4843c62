// Model files: the on-disk array groups and the generic export every strategy has.
export { readArrayGroup, readJsonManifest, writeArrayGroup, writeJsonManifest } from './array-groups.js';
export type { ArrayLocation, GroupEntry } from './array-groups.js';
export { MODEL_MANIFEST_FILE, STATE_MODEL_FORMAT, STATE_MODEL_GROUPS, STATE_MODEL_VERSION, clientStateKey } from './state-model-format.js';
export type { StateModelGroup, StateModelManifest } from './state-model-format.js';
export { exportStateModel } from './export-state-model.js';
export type { StateModelExportInput } from './export-state-model.js';
export { STATE_MODEL_MODES, StateModel, loadStateModel, readStateManifest } from './state-model.js';
export type { LoadStateModelOptions, StateModelMode, VariantPredictor } from './state-model.js';
export { SafetensorsFile, readSafetensors, readSafetensorsMetadata, writeSafetensors } from './safetensors.js';
export type { SafetensorsEntry } from './safetensors.js';
export { MODEL_SAFETENSORS_FILE, safetensorsName, safetensorsSource, writeModelSafetensors } from './model-safetensors.js';
export type { SafetensorsGroup } from './model-safetensors.js';
