/**
 * The server side of `fedloge server`: the executor factory `trainRun` calls in place of worker
 * threads. It waits for the clients to join (each node is greeted with the run's spec and names
 * its client), then hands the round loop a `NetworkExecutor`.
 */
import type { BackendChoice, ClientExecutor, ClientRuntimeSpec, Logger } from '@fedloge/core';
import { ClientDirectory } from './client-directory.js';
import type { FleetLink } from './fleet-link.js';
import { NetworkExecutor } from './network-executor.js';

export interface NetworkEngineOptions {
  /** Opens the link once the run is known (starts listening); closed by the executor's dispose. */
  readonly open: () => Promise<{
    readonly link: FleetLink;
    readonly address: string;
    /** Tell the nodes the run is over (they leave), before `close`. */
    readonly finish?: () => Promise<void>;
    readonly close: () => Promise<void>;
  }>;
  /** Identifies the run to the clients (a resumed run keeps it, so clients keep their loaded data). */
  readonly runId: string;
  readonly roundTimeoutSeconds: number;
  /** Default: clients per round. */
  readonly minClients: number | undefined;
  readonly retries: number;
  readonly joinTimeoutSeconds: number;
  readonly clientsPerRound: number;
  readonly logger: Logger;
  readonly say: (line: string) => void;
}

export function networkEngine(options: NetworkEngineOptions) {
  return async ({
    spec,
    backend,
  }: {
    readonly spec: ClientRuntimeSpec;
    readonly backend: string;
  }): Promise<{ executor: ClientExecutor; describe: string }> => {
    const { link, address, finish, close } = await options.open();
    const minClients = options.minClients ?? options.clientsPerRound;
    const directory = new ClientDirectory(link, { runId: options.runId, spec, backend: backend as BackendChoice }, options.logger);
    const executor = new NetworkExecutor({
      link,
      directory,
      runId: options.runId,
      roundTimeoutSeconds: options.roundTimeoutSeconds,
      minClients,
      retries: options.retries,
      logger: options.logger,
    });
    const total = spec.partition.trainIndices.length;
    options.say(`server: listening on ${address}; waiting for ${total} clients (run ${options.runId})`);
    try {
      await directory.waitFor(total, options.joinTimeoutSeconds * 1000);
    } catch (e) {
      if (directory.size < minClients) {
        await close();
        throw new Error(
          `${(e as Error).message}; at least --min-clients ${minClients} must join before round 1. Start the client processes (fedloge client --server <this host>:<port> --clients …).`,
          { cause: e },
        );
      }
      options.logger.warn(`${(e as Error).message}; starting with them`);
    }
    // Only a completed run is over for the clients; after a signal or a failure they wait for `--resume`.
    const dispose = async (outcome?: { readonly runCompleted: boolean }) => {
      if (outcome?.runCompleted) await finish?.();
      await close();
    };
    return {
      executor: Object.assign(executor, { dispose }),
      describe: `clients: ${directory.size} of ${total} joined over the Fleet API (min ${minClients} per round, round timeout ${options.roundTimeoutSeconds} s)`,
    };
  };
}
