#!/usr/bin/env python3
"""
Mean ± std over seeds of each strategy's last evaluated round, from run folders that several `compare`
processes wrote (one process per seed runs in parallel on two cores; one `compare --seeds a,b,c` would run
them one after another and print this table itself).

  python3 results/tools/seed_table.py results/<folder>/seed-*/   [--markdown]

Every metrics.jsonl below the given folders counts; the strategy is the folder name above `seed-<s>/`
(compare's layout) or the run folder's own name. Rows: each GM/PM variant the runs report; std is the
sample standard deviation (n − 1), shown only with two or more seeds.
"""
import argparse
import glob
import json
import math
import os
from collections import defaultdict


def last_evaluated(path):
    rec = None
    for line in open(path):
        if line.strip():
            r = json.loads(line)
            if "gm" in r:
                rec = r
    return rec


def cell(values):
    values = [100 * v for v in values]
    m = sum(values) / len(values)
    if len(values) < 2:
        return f"{m:.1f}"
    s = math.sqrt(sum((v - m) ** 2 for v in values) / (len(values) - 1))
    return f"{m:.1f} ± {s:.1f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folders", nargs="+")
    args = ap.parse_args()
    rows = defaultdict(lambda: defaultdict(list))  # (strategy, variant) -> field -> values
    seeds = defaultdict(set)
    rounds = defaultdict(set)
    order = []
    for folder in args.folders:
        for path in sorted(glob.glob(os.path.join(folder, "**", "metrics.jsonl"), recursive=True)):
            run = os.path.dirname(path)
            parent = os.path.basename(run)
            strategy = os.path.basename(os.path.dirname(run)) if parent.startswith("seed-") else parent
            summary = json.load(open(os.path.join(run, "summary.json"))) if os.path.exists(os.path.join(run, "summary.json")) else {}
            rec = last_evaluated(path)
            if rec is None:
                continue
            for variant, v in rec["variants"].items():
                if variant.endswith("/unmasked"):
                    continue
                key = (strategy, variant)
                if key not in order:
                    order.append(key)
                for field in ("acc", "head", "middle", "tail"):
                    if field in v:
                        rows[key][field].append(v[field])
            seeds[strategy].add(summary.get("seed", run))
            rounds[strategy].add(rec["round"])
    if not order:
        raise SystemExit("no metrics.jsonl with an evaluated round below " + ", ".join(args.folders))
    print("| strategy | variant | seeds | round | all | head | middle | tail |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for strategy, variant in order:
        r = rows[(strategy, variant)]
        cells = [cell(r[f]) if r[f] else "" for f in ("acc", "head", "middle", "tail")]
        rr = ",".join(str(x) for x in sorted(rounds[strategy]))
        print(f"| {strategy} | {variant} | {len(r['acc'])} | {rr} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
