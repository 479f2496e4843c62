/**
 * Reporters observe a simulation (vitest style): every hook is optional and the loop skips the
 * missing ones. Hooks may be async; the loop awaits them, except `onClientTrained`, which fires
 * while clients are still training and must return quickly.
 */
import type { ArrayRecord } from '../arrays.js';
import type { ClientStateStore } from './client-state-store.js';
import type { Evaluation } from './evaluator.js';
import type { RoundRecord, RunResult } from './records.js';
import type { ResolvedSimulationConfig } from './simulation-config.js';

export interface RunStartInfo {
  readonly strategy: string;
  readonly numClients: number;
  readonly numClasses: number;
  readonly config: ResolvedSimulationConfig;
  /** The strategy's `summary()`, when it has one. */
  readonly strategySummary?: Record<string, unknown>;
  /** The global arrays round 1 starts from (`strategy.initialize`, or the checkpoint a resumed run continues). Read-only. */
  readonly global: ArrayRecord;
}

export interface ClientProgress {
  readonly round: number;
  readonly clientId: number;
  /** Clients finished so far this round, including this one. */
  readonly done: number;
  /** Clients this round. */
  readonly total: number;
  readonly seconds: number;
  readonly metrics: Readonly<Record<string, number>>;
}

/** State after a round, e.g. for checkpoints. Read-only: do not mutate. */
export interface RoundSnapshot {
  readonly global: ArrayRecord;
  readonly clientStates: ClientStateStore;
}

export interface Reporter {
  /** Before round 1, after the strategy initialised the global arrays. */
  onRunStart?(info: RunStartInfo): void | Promise<void>;
  /** A round begins with these sampled clients. */
  onRoundStart?(round: number, clients: readonly number[]): void | Promise<void>;
  /** One client finished local training (completion order). Synchronous. */
  onClientTrained?(progress: ClientProgress): void;
  /** An evaluation finished (every `evalEvery` rounds and after the last). */
  onEvaluation?(round: number, evaluation: Evaluation): void | Promise<void>;
  /** A round's record is complete. */
  onRoundEnd?(record: RoundRecord, snapshot: RoundSnapshot): void | Promise<void>;
  /** The run finished. */
  onRunEnd?(result: RunResult): void | Promise<void>;
}
