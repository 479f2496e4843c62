/**
 * Issue 18: a GM variant that never predicts a class group is reported, not left silent. On a
 * 3-client slice of the real Fashion-MNIST, FedLoGe's SSE-C GM predicts only head classes in its
 * first rounds (as the reference's constant round-0 prediction), so with
 * `eval.warnUnpredictedAfter: 2` a 2-round run must print one warning per variant and group, keep
 * it in summary.json and the round's metrics.jsonl line, and `compare` must mark the run.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FASHION_MNIST_DIR, tempDir, writeTinyPartition } from '../__fixtures__/tiny-run.js';
import { runCli } from '../__fixtures__/run-cli.js';

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const readLines = (path: string) =>
  readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l));

describe('a GM variant that predicts no class of a group (end to end)', () => {
  it('is printed once, recorded in summary.json and metrics.jsonl, and flagged by compare', async () => {
    const dir = tempDir('unpredicted');
    writeTinyPartition(dir, 3, 40);
    writeFileSync(join(dir, 'warn.yaml'), 'eval:\n  warnUnpredictedAfter: 2\n');
    const { code, stderr } = await runCli(
      [
        'compare',
        '--strategies',
        'fedloge',
        '--config',
        'warn.yaml',
        '--partition',
        'tiny-partition.json',
        '--data-dir',
        FASHION_MNIST_DIR,
        '--clients',
        '3',
        '--clients-per-round',
        '2',
        '--rounds',
        '2',
        '--batch-size',
        '16',
        '--backend',
        'wasm',
        '--workers',
        '0',
        '--seed',
        '5',
        '--out',
        'cmp',
      ],
      dir,
    );
    expect(code, stderr).toBe(0);
    const run = join(dir, 'cmp', 'fedloge');
    const lines = readLines(join(run, 'metrics.jsonl'));
    const summary = readJson(join(run, 'summary.json'));

    // Independently of the watch: the (variant, group) pairs with no prediction in both evaluations.
    const expected = Object.keys(lines[0].gmPredicted).flatMap((variant: string) =>
      (['head', 'middle', 'tail'] as const)
        .filter((g) => lines.every((l) => l.gmPredicted[variant][g] === 0))
        .map((g) => `${variant}|${g}`),
    );
    expect(expected).toContain('gm/sse-c|tail'); // the case of the issue
    for (const l of lines)
      for (const p of Object.values<{ head: number; middle: number; tail: number }>(l.gmPredicted))
        expect(p.head + p.middle + p.tail).toBe(10000);

    const keys = (ws: { variant: string; group: string }[]) => ws.map((w) => `${w.variant}|${w.group}`).sort();
    expect(keys(summary.warnings)).toEqual([...expected].sort());
    expect(lines[0].warnings).toBeUndefined();
    expect(keys(lines[1].warnings)).toEqual([...expected].sort());
    for (const w of summary.warnings) {
      expect([w.fromRound, w.toRound, w.raisedAtRound, w.evaluations]).toEqual([1, 2, 2, 2]);
      expect(w.last).toEqual(lines[1].variants[w.variant]);
      // One printed line per warning, naming variant, group and rounds.
      const printed = stderr.split('\n').filter((l) => l.startsWith(`warning: ${w.variant} `) && l.includes(`as a ${w.group} class`));
      expect(printed).toHaveLength(1);
      expect(printed[0]).toContain('in 2 consecutive evaluations (rounds 1–2)');
    }

    const md = readFileSync(join(dir, 'cmp', 'compare.md'), 'utf8');
    expect(md).toMatch(/^\| fedloge ⚠ \| headline \|/m);
    expect(md).toContain('- ⚠ **fedloge**: gm/sse-c predicted no tail class');
    const csv = readFileSync(join(dir, 'cmp', 'compare.csv'), 'utf8')
      .trimEnd()
      .split('\n');
    expect(csv[0]!.endsWith(',warnings')).toBe(true);
    expect(csv[1]).toContain('gm/sse-c predicted no tail class');
  }, 240_000);
});
