/**
 * Progress of the one-time image preprocessing pass of the large data sets, in the style of the
 * round progress: a cli-progress bar per split on a TTY, otherwise a plain line every 10 %.
 * Images that could not be decoded are listed by path when the pass ends.
 */
import cliProgress, { type SingleBar } from 'cli-progress';
import type { DatasetItemFailure, DatasetPreparationProgress } from '@fedloge/core';

/** Failed images printed by path; the rest are counted (the cache's manifest lists every one). */
const MAX_LISTED = 20;

export interface PreprocessReporter {
  readonly onPreparationProgress: (progress: DatasetPreparationProgress) => void;
  readonly onItemFailed: (failure: DatasetItemFailure) => void;
  /** Close the bar and print the failures. */
  finish(): void;
}

export function preprocessReporter(
  stream: NodeJS.WritableStream & { readonly isTTY?: boolean },
  tty = stream.isTTY === true,
): PreprocessReporter {
  let bar: SingleBar | undefined;
  let split: string | undefined;
  let lastTenth = -1;
  const failures: string[] = [];
  const closeBar = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    onPreparationProgress(p) {
      if (p.stage !== split) {
        closeBar();
        split = p.stage;
        lastTenth = -1;
        if (tty) {
          bar = new cliProgress.SingleBar(
            {
              stream,
              format: `decoding ${p.stage} images [{bar}] {value}/{total} | ETA {eta_formatted} | {failed} failed`,
              barsize: 30,
              hideCursor: true,
              clearOnComplete: false,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(p.total, p.done, { failed: p.failed });
        }
      }
      if (bar !== undefined) bar.update(p.done, { failed: p.failed });
      else {
        const tenth = Math.floor((10 * p.done) / p.total);
        if (tenth !== lastTenth) {
          lastTenth = tenth;
          stream.write(`decoding ${p.stage} images: ${p.done}/${p.total} (${p.failed} failed)\n`);
        }
      }
    },
    onItemFailed(failure) {
      failures.push(`  ${failure.stage}: ${failure.path}: ${failure.reason}`);
    },
    finish() {
      closeBar();
      if (failures.length > 0) {
        const shown = failures.slice(0, MAX_LISTED);
        const more =
          failures.length > MAX_LISTED ? `\n  … and ${failures.length - MAX_LISTED} more, all listed in the cache's manifest.json` : '';
        stream.write(`warning: ${failures.length} image(s) could not be read and are left out:\n${shown.join('\n')}${more}\n`);
      }
    },
  };
}
