#!/usr/bin/env python3
"""
Prints two runs' curves side by side, round by round, and the first round where they part beyond noise:
our metrics.jsonl against the PyTorch reference's (torch_fedloge_run.py), or any two metrics.jsonl.

  python3 results/tools/compare_curves.py ours/metrics.jsonl torch.jsonl [--markdown] [--band 5]

Columns: GM (headline variant) and its tail, the extra GM variants both sides have, PM, the train loss and
‖f‖ (ours: the clients' mean RMS training ‖f‖ from `clients[].metrics.featureNorm`; torch: the same
quantity). "Parts" means the GM difference exceeds --band points (default 5, about the spread two
seeds of one implementation show in these short runs) in two consecutive rounds — one round's swing is noise.
"""
import argparse
import json


def read(path):
    return {r["round"]: r for r in (json.loads(line) for line in open(path) if line.strip())}


def train_feature_norm(rec):
    if "diagnostics" in rec and "trainFeatureNorm" in rec["diagnostics"]:
        return rec["diagnostics"]["trainFeatureNorm"]
    norms = [c["metrics"].get("featureNorm") for c in rec.get("clients", []) if c.get("metrics", {}).get("featureNorm") is not None]
    return sum(norms) / len(norms) if norms else None


def pct(v):
    return "" if v is None else f"{100 * v:.1f}"


def num(v, digits=3):
    return "" if v is None else f"{v:.{digits}f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--names", default="ours,torch")
    ap.add_argument("--band", type=float, default=5.0)
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()
    na, nb = args.names.split(",")
    A, B = read(args.a), read(args.b)
    rounds = sorted(set(A) & set(B))
    if not rounds:
        raise SystemExit(f"no round is in both {args.a} and {args.b}")
    va = [k for k in A[rounds[0]].get("variants", {}) if k.startswith("gm/")]
    extra = [k for k in va if k in B[rounds[0]].get("variants", {})][1:]
    cols = ["round", f"GM {na}", f"GM {nb}", f"tail {na}", f"tail {nb}"]
    for k in extra:
        cols += [f"{k} {na}", f"{k} {nb}"]
    cols += [f"PM {na}", f"PM {nb}", f"loss {na}", f"loss {nb}", f"‖f‖ {na}", f"‖f‖ {nb}"]
    rows, beyond, parted = [], 0, None
    for r in rounds:
        a, b = A[r], B[r]
        if "gm" not in a or "gm" not in b:
            continue
        row = [str(r), pct(a["gm"]["acc"]), pct(b["gm"]["acc"]), pct(a["gm"].get("tail")), pct(b["gm"].get("tail"))]
        for k in extra:
            row += [pct(a["variants"][k]["acc"]), pct(b["variants"][k]["acc"])]
        row += [pct(a.get("pm", {}).get("acc")), pct(b.get("pm", {}).get("acc"))]
        row += [num(a.get("trainLoss")), num(b.get("trainLoss")), num(train_feature_norm(a), 1), num(train_feature_norm(b), 1)]
        rows.append(row)
        diff = abs(a["gm"]["acc"] - b["gm"]["acc"]) * 100
        beyond = beyond + 1 if diff > args.band else 0
        if beyond == 2 and parted is None:
            parted = r - 1
    if args.markdown:
        print("| " + " | ".join(cols) + " |")
        print("|" + "|".join("---:" for _ in cols) + "|")
        for row in rows:
            print("| " + " | ".join(row) + " |")
    else:
        widths = [max(len(c), *(len(row[i]) for row in rows)) for i, c in enumerate(cols)]
        print("  ".join(c.rjust(w) for c, w in zip(cols, widths)))
        for row in rows:
            print("  ".join(v.rjust(w) for v, w in zip(row, widths)))
    gm_a = [A[r]["gm"]["acc"] * 100 for r in rounds if "gm" in A[r]]
    gm_b = [B[r]["gm"]["acc"] * 100 for r in rounds if "gm" in B[r]]
    mean_abs = sum(abs(x - y) for x, y in zip(gm_a, gm_b)) / len(gm_a)
    print(
        f"\n{len(rows)} rounds in both; mean |GM {na} − GM {nb}| = {mean_abs:.1f} points; "
        + (f"the curves PART at round {parted} (> {args.band} points two rounds running)" if parted else f"no two consecutive rounds differ by more than {args.band} points")
    )


if __name__ == "__main__":
    main()
