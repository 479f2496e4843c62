import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RoundRecord, ShotAccuracy } from '@fedloge/core';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../__fixtures__/tiny-run.js';
import { MetricsCsvWriter } from './metrics-csv.js';
import { MetricsWriter } from './metrics-writer.js';
import { RunDirectory } from './run-directory.js';

const shot = (acc: number, head: number | null = acc): ShotAccuracy => ({ acc, head, middle: acc / 2, tail: 0 }) as ShotAccuracy;

function evaluated(round: number, variants: Record<string, ShotAccuracy>): RoundRecord {
  return {
    round,
    trainSeconds: round + 0.5,
    evalSeconds: 0.25,
    trainLoss: 1 / round,
    trainMetrics: {},
    clients: [],
    globalUpdated: true,
    gm: shot(0.1 * round),
    pm: shot(0.2 * round),
    variants,
  } as RoundRecord;
}

/** Parses the CSV written here (no quoted cells in these fixtures). */
function parse(text: string): Record<string, string>[] {
  const [header, ...rows] = text
    .trimEnd()
    .split('\n')
    .map((l) => l.split(','));
  return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]!])));
}

describe('MetricsCsvWriter', () => {
  it('writes the evaluated rounds of metrics.jsonl as a flat table, every variant in columns', () => {
    const dir = new RunDirectory(tempDir('csv'));
    const records = [
      evaluated(1, { 'gm/sse-c': shot(0.3), 'pm/la-fr/unmasked': shot(0.6, null) }),
      {
        round: 2,
        trainSeconds: 1,
        evalSeconds: null,
        trainLoss: 0.4,
        trainMetrics: {},
        clients: [],
        globalUpdated: true,
      } as unknown as RoundRecord,
      evaluated(3, { 'gm/sse-c': shot(0.35), 'pm/la-fr/unmasked': shot(0.65) }),
    ];
    const writers = [new MetricsWriter(dir), new MetricsCsvWriter(dir)];
    for (const w of writers) w.onRunStart();
    for (const r of records) for (const w of writers) w.onRoundEnd(r);

    const lines = readFileSync(join(dir.path, 'metrics.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as RoundRecord);
    const rows = parse(readFileSync(join(dir.path, 'metrics.csv'), 'utf8'));
    expect(rows).toHaveLength(lines.length);
    rows.forEach((row, i) => {
      const line = lines[i]!;
      expect(Number(row['round'])).toBe(line.round);
      expect(Number(row['trainLoss'])).toBe(line.trainLoss);
      expect(Number(row['gm.acc'])).toBe(line.gm!.acc);
      expect(Number(row['pm.middle'])).toBe(line.pm!.middle);
      expect(Number(row['gm/sse-c.acc'])).toBe(line.variants!['gm/sse-c']!.acc);
      expect(Number(row['pm/la-fr/unmasked.tail'])).toBe(line.variants!['pm/la-fr/unmasked']!.tail);
    });
    expect(rows[0]!['pm/la-fr/unmasked.head']).toBe(''); // a class group with no test images
  });

  it('starts afresh on a resumed run and writes the earlier rounds first', () => {
    const dir = new RunDirectory(tempDir('csv-resume'));
    const first = new MetricsCsvWriter(dir);
    first.onRunStart();
    first.onRoundEnd(evaluated(1, {}));
    first.onRoundEnd(evaluated(2, {}));
    const resumed = new MetricsCsvWriter(dir, [evaluated(1, {})]);
    resumed.onRunStart();
    resumed.onRoundEnd(evaluated(2, {}));
    const rows = parse(readFileSync(join(dir.path, 'metrics.csv'), 'utf8'));
    expect(rows.map((r) => r['round'])).toEqual(['1', '2']);
  });
});
