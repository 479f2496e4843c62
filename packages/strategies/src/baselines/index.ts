// The Fed-LT baseline strategies: one plugin per method, registered with the built-ins.
import type { StrategyPlugin } from '@fedloge/core';
import { creffPlugin } from './creff/creff.js';
import { dittoPlugin } from './ditto.js';
import { fedBabuPlugin } from './fedbabu.js';
import { fedBnPlugin } from './fedbn.js';
import { fedEtfPlugin } from './fedetf/fedetf.js';
import { fedLcPlugin } from './fedlc.js';
import { fedPerPlugin } from './fedper.js';
import { fedProxPlugin } from './fedprox.js';
import { fedRepPlugin } from './fedrep.js';
import { fedRodPlugin } from './fedrod.js';

/** The baselines by registered name (a const map, so the names form a type). */
export const BASELINE_STRATEGIES = {
  fedprox: fedProxPlugin,
  fedrod: fedRodPlugin,
  fedbabu: fedBabuPlugin,
  fedetf: fedEtfPlugin,
  ditto: dittoPlugin,
  fedrep: fedRepPlugin,
  fedper: fedPerPlugin,
  fedbn: fedBnPlugin,
  fedlc: fedLcPlugin,
  creff: creffPlugin,
} as const satisfies Record<string, StrategyPlugin>;

/** Every baseline plugin, for registration. */
export const BASELINE_STRATEGY_PLUGINS: readonly StrategyPlugin[] = Object.values(BASELINE_STRATEGIES);

export {
  CReFF,
  creffOptions,
  creffPlugin,
  CLASSIFIER_PREFIX,
  FEDERATED_FEATURES_KEY,
  FEDAVG_HEAD_VARIANT,
  RETRAINED_VARIANT,
} from './creff/creff.js';
export type { CreffOptions } from './creff/creff.js';
export { Ditto, dittoOptions, dittoPlugin } from './ditto.js';
export type { DittoOptions } from './ditto.js';
export { FedBABU, fedBabuOptions, fedBabuPlugin, FINE_TUNED_VARIANT } from './fedbabu.js';
export type { FedBabuOptions } from './fedbabu.js';
export { FedBN, fedBnOptions, fedBnPlugin } from './fedbn.js';
export type { FedBnOptions } from './fedbn.js';
export { FedETF, fedEtfOptions, fedEtfPlugin, ADAPTED_VARIANT, ETF_KEY } from './fedetf/fedetf.js';
export type { FedEtfOptions } from './fedetf/fedetf.js';
export { EtfHead } from './fedetf/etf-head.js';
export type { EtfHeadArgs } from './fedetf/etf-head.js';
export { FedLC, fedLcOptions, fedLcPlugin } from './fedlc.js';
export type { FedLcOptions } from './fedlc.js';
export { FedPer, fedPerOptions, fedPerPlugin } from './fedper.js';
export type { FedPerOptions } from './fedper.js';
export { FedProx, fedProxOptions, fedProxPlugin } from './fedprox.js';
export type { FedProxOptions } from './fedprox.js';
export { FedRep, fedRepOptions, fedRepPlugin } from './fedrep.js';
export type { FedRepOptions } from './fedrep.js';
export { FedRoD, fedRodOptions, fedRodPlugin, GENERIC_PLUS_PERSONAL_VARIANT, PERSONAL_HEAD_PREFIX } from './fedrod.js';
export type { FedRodOptions, RodNetwork } from './fedrod.js';
export { PersonalPartStrategy, personalPartOptions, PERSONAL_VARIANT } from './personal-part.js';
export type { PersonalPartOptions } from './personal-part.js';
export { batchNormKeys } from './batch-norm-keys.js';
export * from './losses/index.js';
