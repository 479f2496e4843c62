/**
 * Progress on the terminal. On a TTY: a cli-progress bar per round over the sampled clients, with
 * round, ETA and running loss, replaced by a one-line summary when the round ends. Elsewhere (CI,
 * nx output capture, pipes): plain lines only, one per client and one per round, because redrawn
 * bars turn into noise in logs.
 */
import cliProgress, { type SingleBar } from 'cli-progress';
import type { ClientProgress, Reporter, RoundRecord, RunStartInfo } from '@fedloge/core';
import { formatRoundLine } from './round-line.js';

export interface ProgressReporterOptions {
  /** Where progress goes (stderr by default, so stdout keeps only the results table). */
  readonly stream: NodeJS.WritableStream & { readonly isTTY?: boolean };
  /** Draw bars; default: whether `stream` is a TTY. */
  readonly tty?: boolean;
}

export class ProgressReporter implements Reporter {
  private readonly stream: ProgressReporterOptions['stream'];
  private readonly tty: boolean;
  private bar: SingleBar | undefined;
  private rounds = 0;
  private lossSum = 0;
  private lossCount = 0;

  constructor(options: ProgressReporterOptions) {
    this.stream = options.stream;
    this.tty = options.tty ?? options.stream.isTTY === true;
  }

  onRunStart(info: RunStartInfo): void {
    this.rounds = info.config.rounds;
    this.line(
      `training ${info.strategy}: ${info.numClients} clients, ${info.config.clientsPerRound} per round, ` +
        `${info.config.rounds} rounds, ${info.config.train.localEpochs} local epoch(s), batch ${info.config.train.batchSize}`,
    );
  }

  onRoundStart(round: number, clients: readonly number[]): void {
    this.lossSum = 0;
    this.lossCount = 0;
    if (this.tty) {
      this.bar = new cliProgress.SingleBar(
        {
          stream: this.stream,
          format: 'round {round}/{rounds} [{bar}] {value}/{total} clients | ETA {eta_formatted} | loss {loss}',
          barsize: 30,
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(clients.length, 0, { round, rounds: this.rounds, loss: '-' });
    } else {
      this.line(`round ${round}/${this.rounds}: training clients ${clients.join(', ')}`);
    }
  }

  onClientTrained(p: ClientProgress): void {
    const loss = p.metrics['loss'];
    if (loss !== undefined && Number.isFinite(loss)) {
      this.lossSum += loss;
      this.lossCount++;
    }
    const mean = this.lossCount ? (this.lossSum / this.lossCount).toFixed(4) : '-';
    if (this.bar) {
      this.bar.update(p.done, { loss: mean });
    } else {
      this.line(
        `  client ${p.clientId} done (${p.done}/${p.total}) in ${p.seconds.toFixed(1)}s, loss ${loss === undefined ? '-' : loss.toFixed(4)}`,
      );
    }
  }

  onRoundEnd(record: RoundRecord): void {
    this.stopBar();
    this.line(formatRoundLine(record, this.rounds));
  }

  /** Remove a bar left on screen (e.g. the run failed mid-round). */
  stopBar(): void {
    this.bar?.stop();
    this.bar = undefined;
  }

  private line(text: string): void {
    this.stream.write(`${text}\n`);
  }
}
