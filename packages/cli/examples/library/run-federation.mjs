// FedLoGe.ts as a library: one federated run from a program, with the same defaults, checks and
// run folder as `fedloge train`, a callback per round, and the metrics and trained state returned.
//
//   node packages/cli/examples/library/run-federation.mjs        (after `npm run build`)
//
// It trains the label-smoothing strategy of ../plugins/ (a plugin object passed in memory, so no
// `plugins:` path is needed) next to plain FedProx, and stops both cleanly on Ctrl-C.
import { runFederation } from '@fedloge/cli';
import { FedProx } from '@fedloge/strategies';
import labelSmoothing from '../plugins/fedavg-label-smoothing.mjs';

/** Settings shared by both runs; any `fedloge train` config field may go here (see config.schema.json). */
const SHARED = {
  dataset: { name: 'fashion-mnist', imbalanceFactor: 0.01, alpha: 0.5 },
  clients: { total: 10, perRound: 3 },
  rounds: 3,
  seed: 3407,
};

/**
 * Train both strategies and return their final headline accuracies. `overrides` is merged into
 * each run's config (the test passes a tiny partition); each run writes its folder under `out`.
 */
export async function compareLabelSmoothing({ out = 'runs/library-example', ...overrides } = {}, { signal, log = console.log } = {}) {
  const runs = {
    'fedavg-ls': { strategy: { name: 'fedavg-ls', options: { smoothing: 0.1 } } },
    fedprox: { strategy: { name: 'fedprox', options: { mu: 0.01 } } },
  };
  const finals = {};
  for (const [name, run] of Object.entries(runs)) {
    const { metrics, global, clientStates, outDir } = await runFederation(
      { ...SHARED, ...run, ...overrides, out: `${out}/${name}` },
      {
        plugins: [labelSmoothing],
        signal,
        onRound: (r) =>
          log(`${name} round ${r.round}: loss ${r.trainLoss?.toFixed(3)}${r.gm ? `, GM ${(100 * r.gm.acc).toFixed(1)}%` : ''}`),
      },
    );
    log(`${name}: GM ${(100 * metrics.final.gm.acc).toFixed(1)}%, PM ${(100 * metrics.final.pm.acc).toFixed(1)}% -> ${outDir}`);
    finals[name] = {
      gm: metrics.final.gm.acc,
      pm: metrics.final.pm.acc,
      arrays: Object.keys(global).length,
      clientsWithState: clientStates.clientIds().length,
    };
  }
  return finals;
}

// Strategies and aggregators are plain classes too: build one by hand, defaults included.
export const handBuilt = new FedProx({ options: { mu: 0.1 } });

if (import.meta.url === `file://${process.argv[1]}`) {
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort('SIGINT'));
  console.log(`hand-built: ${handBuilt.name} ${JSON.stringify(handBuilt.summary())}`);
  console.log(await compareLabelSmoothing({}, { signal: stop.signal }));
}
