/**
 * FedLoGe's random streams that every process must derive identically: the server, each worker
 * thread and the model exporter all rebuild the same SSE-C and the same never-trained local heads
 * from the run seed alone, so neither is ever sent. They hang below the strategy's server stream
 * (`RUN_STREAMS.strategy`) by name, independent of rounds and of which stream a hook was handed.
 */
import { RUN_STREAMS, Rng } from '@fedloge/core';

export const FEDLOGE_STREAMS = {
  /** The SSE-C's basis, sparsity mask and fixed bias. */
  sseC: (runSeed: number): Rng => RUN_STREAMS.strategy(new Rng(runSeed)).derive('sse-c'),
  /** Client `clientId`'s initial local head (PyTorch's nn.Linear init, U(±1/√d)). */
  localHead: (runSeed: number, clientId: number): Rng => RUN_STREAMS.strategy(new Rng(runSeed)).derive('local-head', clientId),
} as const;
