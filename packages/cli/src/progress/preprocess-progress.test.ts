import { describe, expect, it } from 'vitest';
import { captureStream } from '../__fixtures__/capture-stream.js';
import { preprocessReporter } from './preprocess-progress.js';

describe('preprocessReporter', () => {
  it('off a terminal, prints a line per split at every tenth and lists the failed images at the end', () => {
    const stream = captureStream();
    const reporter = preprocessReporter(stream, false);
    for (let done = 1; done <= 20; done++) reporter.onPreparationProgress({ stage: 'train', done, total: 20, failed: done >= 7 ? 1 : 0 });
    for (let done = 4; done <= 5; done++) reporter.onPreparationProgress({ stage: 'test', done, total: 5, failed: 0 });
    reporter.onItemFailed({ stage: 'train', path: '/data/train/a.JPEG', reason: 'file not found' });
    reporter.finish();
    const lines = stream.text().trim().split('\n');
    // Tenths 0..10 of 20 images: done = 1 (tenth 0), 2, 4, …, 20; then test from its resumed 4/5 (tenth 8) to 5/5.
    expect(lines.filter((l) => l.startsWith('decoding train'))).toEqual([
      'decoding train images: 1/20 (0 failed)',
      ...[2, 4, 6].map((d) => `decoding train images: ${d}/20 (0 failed)`),
      ...[8, 10, 12, 14, 16, 18, 20].map((d) => `decoding train images: ${d}/20 (1 failed)`),
    ]);
    expect(lines.filter((l) => l.startsWith('decoding test'))).toEqual([
      'decoding test images: 4/5 (0 failed)',
      'decoding test images: 5/5 (0 failed)',
    ]);
    expect(lines.slice(-2)).toEqual([
      'warning: 1 image(s) could not be read and are left out:',
      '  train: /data/train/a.JPEG: file not found',
    ]);
  });

  it('lists at most 20 failed images by path and counts the rest', () => {
    const stream = captureStream();
    const reporter = preprocessReporter(stream, false);
    for (let i = 0; i < 25; i++) reporter.onItemFailed({ stage: 'test', path: `/d/${i}.JPEG`, reason: 'file not found' });
    reporter.finish();
    const lines = stream.text().trim().split('\n');
    expect(lines[0]).toBe('warning: 25 image(s) could not be read and are left out:');
    expect(lines.slice(1, -1)).toEqual(Array.from({ length: 20 }, (_, i) => `  test: /d/${i}.JPEG: file not found`));
    expect(lines.at(-1)).toBe("  … and 5 more, all listed in the cache's manifest.json");
  });

  it('prints nothing when there was nothing to decode', () => {
    const stream = captureStream();
    const reporter = preprocessReporter(stream, true);
    reporter.finish();
    expect(stream.text()).toBe('');
  });
});
