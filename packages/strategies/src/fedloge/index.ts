// FedLoGe (Xiao et al., ICLR 2024): the strategy plugin, SSE-C, GLA-FR, model export and inference.
export {
  FEDLOGE_DEFAULTS,
  FEDLOGE_GM_VARIANTS,
  FEDLOGE_PM_VARIANTS,
  FEDLOGE_VARIANT_LABELS,
  FedLoGe,
  GAUX_PREFIX,
  LOCAL_PREFIX,
  fedLoGeOptions,
  fedLoGePlugin,
} from './fedloge.js';
export type { FedLoGeOptions, FedLoGeSseC } from './fedloge.js';
export { SSE_C_DEFAULTS, buildSseC, simplexEtf } from './sse-c.js';
export type { SseC, SseCBias, SseCOptions } from './sse-c.js';
export { etfGeometry, simplexEtfAngleDeg } from './etf-geometry.js';
export type { EtfGeometry } from './etf-geometry.js';
export { REFERENCE_REALIGN_NORM, disposeHeads, globalRealign, linearLogits, localRealign, localRealignAll } from './gla-fr.js';
export type { LinearParams } from './gla-fr.js';
export { FEDLOGE_STREAMS } from './streams.js';
export { exportFedLoGeModel } from './export.js';
export type { FedLoGeExportInput } from './export.js';
export { FedLoGeModel, PREDICT_MODES, loadFedLoGeModel } from './predict.js';
export type { LoadFedLoGeModelOptions, PredictMode, PredictOptions } from './predict.js';
export { FEDLOGE_MODEL_FORMAT, FEDLOGE_MODEL_VERSION, MANIFEST_FILE, MODEL_GROUPS } from './model-format.js';
export type { FedLoGeManifest, ModelGroup } from './model-format.js';
