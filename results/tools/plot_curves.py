#!/usr/bin/env python3
"""
Renders learning curves from metrics.jsonl files (ours or torch_fedloge_run.py's) as one SVG that GitHub
shows inline; plain Python, no plotting library (none is installed on the development machine).

  python3 results/tools/plot_curves.py --out curves.svg \
      --panel "GM accuracy (%)" "FedAvg=runs/fedavg/metrics.jsonl:gm.acc" "FedLoGe SSE-C=runs/fedloge/metrics.jsonl:gm.acc" \
      --panel "train ‖f‖" "FedLoGe=runs/fedloge/metrics.jsonl:featureNorm"

A series is `label=file:field`; field is a dotted path into a round's record (`gm.tail`,
`variants.gm/ga-fr.acc`) or `featureNorm` (the clients' mean RMS training ‖f‖). Accuracies (fields
ending in acc/head/middle/tail) are drawn in percent. A label ending in ` (torch)` is drawn dashed, in
the colour of the same label without it.
"""
import argparse
import json
from xml.sax.saxutils import escape

COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f"]


def value(rec, field):
    if field == "featureNorm":
        d = rec.get("diagnostics", {})
        if "trainFeatureNorm" in d:
            return d["trainFeatureNorm"]
        norms = [c["metrics"]["featureNorm"] for c in rec.get("clients", []) if "featureNorm" in c.get("metrics", {})]
        return sum(norms) / len(norms) if norms else None
    cur = rec
    parts = field.split(".")
    i = 0
    while i < len(parts):
        # variant keys contain dots only after a slash-free prefix, e.g. variants.gm/ga-fr.acc
        key = parts[i]
        if not isinstance(cur, dict) or key not in cur:
            return None
        cur = cur[key]
        i += 1
    if isinstance(cur, (int, float)):
        return 100 * cur if parts[-1] in ("acc", "head", "middle", "tail") else cur
    return None


def series(spec):
    label, rest = spec.split("=", 1)
    path, field = rest.rsplit(":", 1)
    pts = []
    for line in open(path):
        if not line.strip():
            continue
        rec = json.loads(line)
        v = value(rec, field)
        if v is not None:
            pts.append((rec["round"], v))
    if not pts:
        raise SystemExit(f"{path}: no round has '{field}'")
    return label, pts


def panel_svg(title, lines, x0, y0, w, h):
    xs = [x for _, pts in lines for x, _ in pts]
    ys = [y for _, pts in lines for _, y in pts]
    xmin, xmax = min(xs), max(xs)
    ymin, ymax = min(0.0, min(ys)), max(ys) * 1.05 or 1.0
    if xmax == xmin:
        xmax = xmin + 1
    px = lambda x: x0 + 50 + (x - xmin) / (xmax - xmin) * (w - 70)
    py = lambda y: y0 + h - 30 - (y - ymin) / (ymax - ymin) * (h - 60)
    out = [f'<text x="{x0 + w / 2}" y="{y0 + 16}" text-anchor="middle" font-size="13" font-weight="bold">{escape(title)}</text>']
    out.append(f'<rect x="{x0 + 50}" y="{y0 + 30}" width="{w - 70}" height="{h - 60}" fill="none" stroke="#999"/>')
    for i in range(5):
        yv = ymin + (ymax - ymin) * i / 4
        out.append(f'<text x="{x0 + 45}" y="{py(yv) + 4}" text-anchor="end" font-size="10">{yv:.3g}</text>')
        out.append(f'<line x1="{x0 + 50}" x2="{x0 + w - 20}" y1="{py(yv)}" y2="{py(yv)}" stroke="#eee"/>')
    for i in range(5):
        xv = xmin + (xmax - xmin) * i / 4
        out.append(f'<text x="{px(xv)}" y="{y0 + h - 14}" text-anchor="middle" font-size="10">{xv:.0f}</text>')
    out.append(f'<text x="{x0 + w / 2}" y="{y0 + h - 1}" text-anchor="middle" font-size="10">round</text>')
    bases = []  # a series and its "(torch)" twin share a colour
    for label, _ in lines:
        base = label.removesuffix(" (torch)")
        if base not in bases:
            bases.append(base)
    for k, (label, pts) in enumerate(lines):
        color = COLORS[bases.index(label.removesuffix(" (torch)")) % len(COLORS)]
        dash = ' stroke-dasharray="5,3"' if label.endswith("(torch)") else ""
        d = " ".join(f"{'M' if i == 0 else 'L'}{px(x):.1f},{py(y):.1f}" for i, (x, y) in enumerate(pts))
        out.append(f'<path d="{d}" fill="none" stroke="{color}" stroke-width="1.6"{dash}/>')
        ly = y0 + 42 + 13 * k
        out.append(f'<line x1="{x0 + 58}" x2="{x0 + 76}" y1="{ly - 4}" y2="{ly - 4}" stroke="{color}" stroke-width="2"{dash}/>')
        out.append(f'<text x="{x0 + 80}" y="{ly}" font-size="10">{escape(label)}</text>')
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--panel", nargs="+", action="append", required=True, metavar="TITLE SERIES")
    ap.add_argument("--columns", type=int, default=2)
    args = ap.parse_args()
    w, h = 460, 300
    cols = min(args.columns, len(args.panel))
    rows = (len(args.panel) + cols - 1) // cols
    body = []
    for i, (title, *specs) in enumerate(args.panel):
        body += panel_svg(title, [series(s) for s in specs], (i % cols) * w, (i // cols) * h, w, h)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{cols * w}" height="{rows * h}" font-family="sans-serif">'
        f'<rect width="100%" height="100%" fill="white"/>' + "".join(body) + "</svg>\n"
    )
    open(args.out, "w").write(svg)
    print(f"{args.out}: {len(args.panel)} panels")


if __name__ == "__main__":
    main()
