#!/usr/bin/env node
// Scale: a `fedloge train` run with 1 000 clients, 10 a round, FedLoGe (every client keeps its own local head in the
// client state store), on the embedded default data (Fashion-MNIST-LT, imbalance 0.01, Dirichlet α 0.5) with the small
// CNN. Goal (issue 16 item 7): peak RSS ≤ 4 GiB and per-round overhead ≤ 5 % of the round.
//
//   node packages/cli/bench/scale.mjs [--clients 1000] [--per-round 10] [--rounds 5] [--backend auto]
//        [--checkpoint-every 1] [--smoke]                         (after npx tsc -b packages/cli/tsconfig.json)
//
// The run is the library's `runFederation`, so everything `fedloge train` does each round is measured: sampling,
// payloads, the client state store, the update checks, aggregation, metrics.jsonl/csv, the progress bar and the
// checkpoint (every round by default). Per round:
//   round     wall time from the end of the previous round (run start for round 1) to the end of this one,
//             its reporters (metrics files, checkpoint) included
//   training  the sum of the sampled clients' `trainClient` wall times (what a client does: load the payload and
//             its state, the local epochs, export its update)
//   eval      the evaluation of the global model and of every client's personalised model (1 000 local heads on
//             1 000 local test sets); a different cost, reported apart and left out of the overhead
//   overhead  round − training − eval, as a % of round − eval: the server's work outside training
// Only the last round is evaluated (evalEvery = rounds), so rounds 1..R-1 show the training rounds alone. Each line
// ends with the process's peak resident memory so far (peak RSS, getrusage via process.resourceUsage).
// --smoke: 20 clients, 2 a round, 2 rounds (bench/scale.test.ts runs it so the script cannot rot).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runFederation } from '../dist/index.js';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '1000' },
    'per-round': { type: 'string', default: '10' },
    rounds: { type: 'string', default: '5' },
    backend: { type: 'string', default: 'auto' },
    'checkpoint-every': { type: 'string', default: '1' },
    smoke: { type: 'boolean', default: false },
  },
});
if (values.smoke) Object.assign(values, { clients: '20', 'per-round': '2', rounds: '2' });
const clients = positiveInt('--clients', values.clients);
const perRound = positiveInt('--per-round', values['per-round']);
const rounds = positiveInt('--rounds', values.rounds);
const checkpointEvery = positiveInt('--checkpoint-every', values['checkpoint-every']);

function positiveInt(name, text) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: expected a positive integer but received '${text}'`);
  return n;
}

const peakMB = () => (process.resourceUsage().maxRSS / 1024).toFixed(0);
const out = mkdtempSync(join(tmpdir(), 'fedloge-bench-scale-'));

/** Times each round from the previous round's end; listed after the run folder's writers, so it sees their cost. */
class RoundClock {
  last = 0;
  training = 0;
  rows = [];
  onRunStart() {
    this.last = performance.now();
  }
  onRoundStart() {
    this.training = 0;
  }
  onClientTrained(p) {
    this.training += p.seconds;
  }
  onRoundEnd(record, snapshot) {
    const now = performance.now();
    const round = (now - this.last) / 1000;
    this.last = now;
    const evalSeconds = record.evalSeconds ?? 0;
    const outside = round - evalSeconds;
    const overhead = outside - this.training;
    this.rows.push({ outside, overhead });
    console.log(
      `  round ${String(record.round).padStart(2)}  round ${outside.toFixed(2).padStart(7)} s  training ${this.training.toFixed(2).padStart(7)} s  ` +
        `overhead ${(overhead * 1000).toFixed(0).padStart(5)} ms (${((100 * overhead) / outside).toFixed(2)} %)` +
        (evalSeconds > 0 ? `  eval ${evalSeconds.toFixed(2)} s` : '') +
        `  states ${snapshot.clientStates.clientIds().length}` +
        `  peak RSS ${peakMB()} MB`,
    );
  }
}

const clock = new RoundClock();
console.log(
  `scale: ${clients} clients, ${perRound} a round, ${rounds} rounds, fedloge + small CNN on fashion-mnist-LT, checkpoint every ${checkpointEvery}`,
);
const t0 = performance.now();
try {
  const run = await runFederation(
    {
      strategy: { name: 'fedloge' },
      // IID over the long-tailed set: a Dirichlet(0.5) draw over 1 000 clients leaves some client empty every time.
      dataset: { name: 'fashion-mnist', iid: true },
      clients: { total: clients, perRound },
      rounds,
      evalEvery: rounds,
      train: { localEpochs: 1, batchSize: 32 },
      model: { name: 'cnn' },
      backend: values.backend,
      workers: 0,
      checkpoint: { every: checkpointEvery },
      out,
    },
    { reporters: [clock], logger: { info: () => {}, warn: (m) => console.error(`warn: ${m}`), debug: () => {} } },
  );
  const states = run.clientStates.clientIds().length;
  const worst = Math.max(...clock.rows.map((r) => r.overhead / r.outside));
  console.log(
    `total ${((performance.now() - t0) / 1000).toFixed(1)} s (data, ${rounds} rounds, export)  clients with state ${states}  ` +
      `worst overhead ${(100 * worst).toFixed(2)} %  peak RSS ${peakMB()} MB`,
  );
} finally {
  rmSync(out, { recursive: true, force: true });
}
