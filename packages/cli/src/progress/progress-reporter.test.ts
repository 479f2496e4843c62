import { describe, expect, it } from 'vitest';
import type { RoundRecord, RunStartInfo } from '@fedloge/core';
import { captureStream } from '../__fixtures__/capture-stream.js';
import { ProgressReporter } from './progress-reporter.js';

function sink(isTTY: boolean) {
  return Object.assign(captureStream(), { isTTY, columns: 120 });
}

const start = {
  strategy: 'fedavg',
  numClients: 20,
  numClasses: 10,
  config: {
    rounds: 3,
    clientsPerRound: 2,
    evalEvery: 1,
    pmMasking: true,
    evalBatchSize: 256,
    warnUnpredictedAfter: 10,
    augment: true,
    seed: 1,
    train: { localEpochs: 1, batchSize: 32, lr: 0.1, momentum: 0, weightDecay: 0 },
  },
  global: {},
} satisfies RunStartInfo;

const record: RoundRecord = {
  round: 1,
  gm: { acc: 0.412, head: 0.9, middle: 0.3, tail: 0 },
  pm: { acc: 0.7, head: 0.8, middle: 0.6, tail: null },
  trainSeconds: 3.21,
  evalSeconds: 1.5,
  trainLoss: 0.98765,
  trainMetrics: { loss: 0.98765 },
  clients: [],
  globalUpdated: true,
};

describe('ProgressReporter', () => {
  it('writes plain lines when the stream is not a terminal', () => {
    const out = sink(false);
    const p = new ProgressReporter({ stream: out });
    p.onRunStart(start);
    p.onRoundStart(1, [4, 7]);
    p.onClientTrained({ round: 1, clientId: 7, done: 1, total: 2, seconds: 1.25, metrics: { loss: 1.5 } });
    p.onRoundEnd(record);
    expect(out.text().split('\n')).toEqual([
      'training fedavg: 20 clients, 2 per round, 3 rounds, 1 local epoch(s), batch 32',
      'round 1/3: training clients 4, 7',
      '  client 7 done (1/2) in 1.3s, loss 1.5000',
      'round 1/3  loss 0.9877  GM 41.2 (h 90.0 m 30.0 t 0.0)  PM 70.0 (h 80.0 m 60.0 t -)  train 3.2s  eval 1.5s',
      '',
    ]);
  });

  it('draws a bar on a terminal and replaces it with the round line', () => {
    const out = sink(true);
    const p = new ProgressReporter({ stream: out });
    p.onRunStart(start);
    p.onRoundStart(1, [4, 7]);
    p.onClientTrained({ round: 1, clientId: 7, done: 1, total: 2, seconds: 1, metrics: { loss: 1.5 } });
    p.onClientTrained({ round: 1, clientId: 4, done: 2, total: 2, seconds: 1, metrics: { loss: 0.5 } });
    p.onRoundEnd(record);
    const text = out.text();
    expect(text).toMatch(/round 1\/3 \[.*\] 0\/2 clients/);
    expect(text).toMatch(/round 1\/3 \[.*\] 2\/2 clients \| ETA .* \| loss 1\.0000/);
    expect(text).not.toContain('client 7 done');
    expect(text).toContain('round 1/3  loss 0.9877  GM 41.2');
  });
});
