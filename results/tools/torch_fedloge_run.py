#!/usr/bin/env python3
"""
A whole-run, independent PyTorch implementation of FedLoGe and FedAvg on CIFAR-10-LT (docs/fedloge.md:
client round, server round, GLA-FR; docs/metrics.md: GM groups, PM masking), to compare round by round
with one of our runs (results/tools/compare_curves.py). It replays what the framework's run fixed and
draws everything else itself:

  from our run   the partition (--export-partition: train and local test indices into the official
                 splits), the initial global arrays (--export-initial .npz), the clients selected in
                 each round (metrics.jsonl `clients[].clientId`), the SSE-C (export-sse-c.mjs .npz);
  its own        batch order and augmentation (torch.Generator from --seed), the local heads' initial
                 values (nn.Linear's default init).

So the two curves share every fixed input and differ only in the random draws and in float rounding:
agreement within seed noise says the framework trains what this program trains.

  /usr/bin/python3 results/tools/torch_fedloge_run.py --strategy fedloge --run /tmp/run/fedloge \
      --partition partition.json --initial fedloge-initial.npz --sse-c sse-c.npz \
      --data-dir /work/shared/data/cifar-10-batches-bin --model resnet8 \
      --local-epochs 1 --batch-size 32 --lr 0.03 --momentum 0.5 --rounds 30 --out torch.jsonl

Output: one JSON line per round, in our metrics.jsonl shape where the quantity is the same (`round`,
`trainLoss`, `trainMetrics`, `gm`, `variants`, `pm`) plus `diagnostics` (mean test-set ‖f‖, g_aux or head row
norms, mean per-client training ‖f‖). Accuracies are fractions, like ours.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)  # ImageNet constants, as the reference (docs/data.md#transforms)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)


def load_cifar10(folder):
    def read(name):
        path = os.path.join(folder, name)
        raw = np.fromfile(path, dtype=np.uint8)
        if raw.size % 3073:
            raise SystemExit(f"{path}: {raw.size} bytes is not a whole number of 3073-byte CIFAR-10 records")
        raw = raw.reshape(-1, 3073)
        return raw[:, 1:].reshape(-1, 3, 32, 32), raw[:, 0].astype(np.int64)

    parts = [read(f"data_batch_{i}.bin") for i in range(1, 6)]
    train_x = np.concatenate([p[0] for p in parts])
    train_y = np.concatenate([p[1] for p in parts])
    test_x, test_y = read("test_batch.bin")
    norm = lambda x: torch.from_numpy(((x.astype(np.float32) / 255.0) - MEAN[None, :, None, None]) / STD[None, :, None, None])
    return norm(train_x), torch.from_numpy(train_y), norm(test_x), torch.from_numpy(test_y)


def augment(x, gen):
    """RandomCrop(32, padding=4, zero fill) + RandomHorizontalFlip(0.5), per image. Zero fill happens
    before normalisation in torchvision, so the pad value is the normalised zero pixel."""
    n = x.shape[0]
    pad_value = torch.from_numpy(-MEAN / STD).view(1, 3, 1, 1)
    padded = pad_value.expand(n, 3, 40, 40).clone()
    padded[:, :, 4:36, 4:36] = x
    tops = torch.randint(0, 9, (n,), generator=gen)
    lefts = torch.randint(0, 9, (n,), generator=gen)
    flips = torch.rand(n, generator=gen) < 0.5
    out = torch.empty_like(x)
    for i in range(n):
        img = padded[i, :, tops[i] : tops[i] + 32, lefts[i] : lefts[i] + 32]
        out[i] = img.flip(2) if flips[i] else img
    return out


class ConvBn(torch.nn.Module):
    def __init__(self, cin, cout, k, stride, padding):
        super().__init__()
        self.conv = torch.nn.Conv2d(cin, cout, k, stride=stride, padding=padding, bias=False)
        self.bn = torch.nn.BatchNorm2d(cout)

    def forward(self, x):
        return self.bn(self.conv(x))


class Block(torch.nn.Module):
    def __init__(self, cin, width, stride):
        super().__init__()
        self.first = ConvBn(cin, width, 3, stride, 1)
        self.second = ConvBn(width, width, 3, 1, 1)
        self.shortcut = ConvBn(cin, width, 1, stride, 0) if stride != 1 or cin != width else None

    def forward(self, x):
        skip = self.shortcut(x) if self.shortcut is not None else x
        return F.relu(self.second(F.relu(self.first(x))) + skip)


ARCHS = {
    "resnet8": (16, [(16, 1, 1), (32, 1, 2), (64, 1, 2)]),
    "resnet18": (64, [(64, 2, 1), (128, 2, 2), (256, 2, 2), (512, 2, 2)]),
}


class ResNet(torch.nn.Module):
    """CIFAR ResNet (kuangliu layout, as packages/core/src/models/resnet.ts): 3×3 stem, basic blocks, GAP."""

    def __init__(self, arch):
        super().__init__()
        stem, stages = ARCHS[arch]
        self.stem = ConvBn(3, stem, 3, 1, 1)
        blocks, self.keys = [], []
        cin = stem
        for s, (width, count, stride) in enumerate(stages):
            for b in range(count):
                blocks.append(Block(cin, width, stride if b == 0 else 1))
                self.keys.append(f"layer{s + 1}.{b}")
                cin = width
        self.blocks = torch.nn.ModuleList(blocks)
        self.feature_dim = cin

    def forward(self, x):
        h = F.relu(self.stem(x))
        for block in self.blocks:
            h = block(h)
        return h.mean(dim=(2, 3))

    def key_map(self):
        """Our state key (after `backbone.`) -> (module ConvBn, part)."""
        pairs = [("conv1", "bn1", self.stem)]
        for key, block in zip(self.keys, self.blocks):
            pairs += [(f"{key}.conv1", f"{key}.bn1", block.first), (f"{key}.conv2", f"{key}.bn2", block.second)]
            if block.shortcut is not None:
                pairs.append((f"{key}.shortcut.conv", f"{key}.shortcut.bn", block.shortcut))
        return pairs

    def load_ours(self, arrays):
        used = set()
        for conv, bn, m in self.key_map():
            with torch.no_grad():
                w = arrays[f"backbone.{conv}.weight"]
                m.conv.weight.copy_(torch.as_tensor(w).permute(3, 2, 0, 1))  # [kh, kw, in, out] -> [out, in, kh, kw]
                m.bn.weight.copy_(torch.as_tensor(arrays[f"backbone.{bn}.gamma"]))
                m.bn.bias.copy_(torch.as_tensor(arrays[f"backbone.{bn}.beta"]))
                m.bn.running_mean.copy_(torch.as_tensor(arrays[f"backbone.{bn}.runningMean"]))
                m.bn.running_var.copy_(torch.as_tensor(arrays[f"backbone.{bn}.runningVar"]))
            used.update(f"backbone.{conv}.weight" for _ in [0])
            used.update(f"backbone.{bn}.{p}" for p in ("gamma", "beta", "runningMean", "runningVar"))
        extra = sorted(k for k in arrays if k.startswith("backbone.") and k not in used)
        if extra:
            raise SystemExit(f"initial arrays hold backbone keys this {type(self).__name__} does not have: {extra[:6]}")


def linear_from(w, b):
    head = torch.nn.Linear(w.shape[1], w.shape[0])
    with torch.no_grad():
        head.weight.copy_(torch.as_tensor(w))
        head.bias.copy_(torch.as_tensor(b))
    return head


def shot_groups(counts):
    """docs/metrics.md#shot-split: sort by count (stable, descending), cut at 75 % and 95 % cumulative mass."""
    order = sorted(range(len(counts)), key=lambda c: (-counts[c] if counts[c] > 0 else float("inf"), c))
    total = float(sum(counts))
    cum, cut1, cut2 = 0.0, None, None
    for i, c in enumerate(order):
        cum += counts[c]
        p = 100.0 * cum / total
        if cut1 is None and p >= 75:
            cut1 = i
        if cut2 is None and p >= 95:
            cut2 = i
    return {"head": order[: cut1 + 1], "middle": order[cut1 + 1 : cut2 + 1], "tail": order[cut2 + 1 :]}


def group_accuracy(pred, y, groups):
    out = {"acc": (pred == y).float().mean().item()}
    for name, classes in groups.items():
        mask = torch.isin(y, torch.tensor(classes, dtype=torch.long))
        out[name] = (pred[mask] == y[mask]).float().mean().item() if mask.any() else 0.0
    return out


def features_of(net, x, batch=100):  # measured: batch 500 costs 9× the CPU time per image of 100 (cache)
    net.eval()
    with torch.no_grad():
        return torch.cat([net(x[i : i + batch]) for i in range(0, x.shape[0], batch)])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--strategy", choices=["fedloge", "fedavg"], required=True)
    ap.add_argument("--run", required=True, help="our run folder (its metrics.jsonl gives the clients of each round)")
    ap.add_argument("--partition", required=True)
    ap.add_argument("--initial", required=True)
    ap.add_argument("--sse-c", help="export-sse-c.mjs output (fedloge)")
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--model", choices=sorted(ARCHS), default="resnet8")
    ap.add_argument("--local-epochs", type=int, required=True)
    ap.add_argument("--batch-size", type=int, required=True)
    ap.add_argument("--lr", type=float, default=0.03)
    ap.add_argument("--momentum", type=float, default=0.5)
    ap.add_argument("--weight-decay", type=float, default=0.0)
    ap.add_argument("--realign-norm", type=float, default=1.7, help="GA-FR row norm τ (the reference's 1.7)")
    ap.add_argument("--rounds", type=int, help="at most this many rounds (default: as many as the run has)")
    ap.add_argument("--seed", type=int, default=1, help="torch's own draws: batch order, augmentation, local heads")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--follow", action="store_true", help="wait for rounds our run has not written yet (run beside it)")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    fedloge = args.strategy == "fedloge"
    if fedloge and not args.sse_c:
        raise SystemExit("--sse-c is required for --strategy fedloge (write it with results/tools/export-sse-c.mjs)")
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)

    part = json.load(open(args.partition))
    metrics_file = os.path.join(args.run, "metrics.jsonl")

    def selections_so_far():
        rows = [json.loads(line) for line in open(metrics_file) if line.endswith("\n")]
        return [[c["clientId"] for c in row["clients"]] for row in rows]

    def run_finished():
        summary = os.path.join(args.run, "summary.json")
        return os.path.exists(summary) and "finishedAt" in open(summary).read()

    def selection(r):
        """The clients our run trained in round r (1-based), waiting for it with --follow; None past its end."""
        while True:
            have = selections_so_far()
            if r <= len(have):
                return have[r - 1]
            if not args.follow or run_finished():
                return None
            time.sleep(10)

    if not selections_so_far() and not args.follow:
        raise SystemExit(f"{metrics_file} has no rounds yet (or pass --follow)")
    train_x, train_y, test_x, test_y = load_cifar10(args.data_dir)
    C = int(part["numClasses"])
    train_idx = [torch.tensor(t, dtype=torch.long) for t in part["trainIndices"]]
    local_test_idx = [torch.tensor(t, dtype=torch.long) for t in part["localTestIndices"]]
    counts = torch.bincount(train_y[torch.cat(train_idx)], minlength=C).tolist()
    groups = shot_groups(counts)

    init = dict(np.load(args.initial))
    head_key = "gaux." if fedloge else "head."
    net = ResNet(args.model)
    net.load_ours(init)
    gw, gb = torch.as_tensor(init[head_key + "weight"]), torch.as_tensor(init[head_key + "bias"])
    if fedloge:
        sse = np.load(args.sse_c)
        sse_w, sse_b = torch.as_tensor(sse["weight"]), torch.as_tensor(sse["bias"])
        if sse_w.shape != (C, net.feature_dim):
            raise SystemExit(f"{args.sse_c}: SSE-C is {tuple(sse_w.shape)}, the model needs ({C}, {net.feature_dim})")
    global_state = {k: v.clone() for k, v in net.state_dict().items()}
    local_heads = {}  # client -> (weight, bias), the client's own head (fedloge)

    def fresh_local():
        h = torch.nn.Linear(net.feature_dim, C)
        return h.weight.detach().clone(), h.bias.detach().clone()

    out = open(args.out, "w")
    r = 0
    while args.rounds is None or r < args.rounds:
        r += 1
        clients = selection(r)
        if clients is None:
            break
        t0 = time.time()
        states, heads, sizes, client_metrics = [], [], [], []
        for k in clients:
            model = ResNet(args.model)
            model.load_state_dict(global_state)
            model.train()
            head = linear_from(gw, gb)
            sgd = lambda p: torch.optim.SGD(p, lr=args.lr, momentum=args.momentum, weight_decay=args.weight_decay)
            if fedloge:
                if k not in local_heads:
                    local_heads[k] = fresh_local()
                local = linear_from(*local_heads[k])
                opts = [sgd(model.parameters()), sgd(head.parameters()), sgd(local.parameters())]
            else:
                opts = [sgd(list(model.parameters()) + list(head.parameters()))]
            idx = train_idx[k]
            sums, steps, fnorm = {}, 0, 0.0
            for _ in range(args.local_epochs):
                perm = idx[torch.randperm(idx.numel(), generator=gen)]
                for s in range(0, perm.numel(), args.batch_size):  # the last partial batch is kept (DataLoader default)
                    b = perm[s : s + args.batch_size]
                    x, y = augment(train_x[b], gen), train_y[b]
                    for o in opts:
                        o.zero_grad()
                    f = model(x)
                    if fedloge:
                        loss_b = F.cross_entropy(f @ sse_w.t() + sse_b, y)
                        loss_b.backward()
                        opts[0].step()
                        fd = f.detach()
                        loss_a = F.cross_entropy(head(fd), y)
                        loss_a.backward()
                        opts[1].step()
                        loss_l = F.cross_entropy(local(fd), y)
                        loss_l.backward()
                        opts[2].step()
                        vals = {"loss": loss_b.item(), "gauxLoss": loss_a.item(), "localLoss": loss_l.item()}
                    else:
                        loss = F.cross_entropy(head(f), y)
                        loss.backward()
                        opts[0].step()
                        vals = {"loss": loss.item()}
                    fnorm += f.detach().pow(2).sum(1).mean().sqrt().item()
                    for key, v in vals.items():
                        sums[key] = sums.get(key, 0.0) + v
                    steps += 1
            if fedloge:
                local_heads[k] = (local.weight.detach().clone(), local.bias.detach().clone())
            states.append({kk: v.detach().clone() for kk, v in model.state_dict().items()})
            heads.append((head.weight.detach().clone(), head.bias.detach().clone()))
            sizes.append(float(idx.numel()))
            client_metrics.append({"clientId": k, "numSamples": idx.numel(), "metrics": {**{kk: v / steps for kk, v in sums.items()}, "featureNorm": fnorm / steps}})
        # FedAvg of every aggregated entry by n_k (BatchNorm running statistics included; the step counter too).
        total = sum(sizes)
        for key in global_state:
            if key.endswith("num_batches_tracked"):
                global_state[key] = states[0][key]
                continue
            global_state[key] = sum(st[key] * (n / total) for st, n in zip(states, sizes))
        gw = sum(h[0] * (n / total) for h, n in zip(heads, sizes))
        gb = sum(h[1] * (n / total) for h, n in zip(heads, sizes))
        train_seconds = time.time() - t0

        # Evaluation (BatchNorm in eval mode): GM on the balanced test set, PM on every client's local test set.
        evalnet = ResNet(args.model)
        evalnet.load_state_dict(global_state)
        f_test = features_of(evalnet, test_x)
        variants = {}
        if fedloge:
            gafr_w = args.realign_norm * gw / gw.norm(dim=1, keepdim=True)
            gm_logits = {"gm/sse-c": f_test @ sse_w.t() + sse_b, "gm/ga-fr": f_test @ gafr_w.t() + gb, "gm/gaux": f_test @ gw.t() + gb}
        else:
            gm_logits = {"gm/global": f_test @ gw.t() + gb}
        for name, logits in gm_logits.items():
            variants[name] = group_accuracy(logits.argmax(1), test_y, groups)
        # PM: unweighted mean over all clients; FedLoGe stage 1 = local(f) + g_aux(f), absent classes masked.
        all_local = torch.cat(local_test_idx)
        f_local = features_of(evalnet, test_x[all_local])
        accs, offset = [], 0
        for k, idx in enumerate(local_test_idx):
            fk, yk = f_local[offset : offset + idx.numel()], test_y[idx]
            offset += idx.numel()
            if idx.numel() == 0:
                continue
            if fedloge:
                lw, lb = local_heads.get(k) or local_heads.setdefault(k, fresh_local())
                logits = fk @ (lw + gw).t() + (lb + gb)
                present = torch.bincount(yk, minlength=C) > 0
                logits = logits.masked_fill(~present, float("-inf"))
            else:
                logits = fk @ gw.t() + gb
            accs.append((logits.argmax(1) == yk).float().mean().item())
        pm = {"acc": float(np.mean(accs))}
        variants["pm/stage1" if fedloge else "pm/global"] = pm
        mean = lambda key: float(np.mean([c["metrics"][key] for c in client_metrics]))
        train_metrics = {key: mean(key) for key in client_metrics[0]["metrics"]}
        first_gm = next(iter(variants))
        record = {
            "round": r,
            "trainSeconds": train_seconds,
            "trainLoss": train_metrics["loss"],
            "trainMetrics": train_metrics,
            "clients": client_metrics,
            "gm": variants[first_gm],
            "pm": pm,
            "variants": variants,
            "diagnostics": {
                "testFeatureNorm": f_test.pow(2).sum(1).mean().sqrt().item(),
                "headRowNorms": gw.norm(dim=1).tolist(),
                "trainFeatureNorm": train_metrics["featureNorm"],
            },
            "evalSeconds": time.time() - t0 - train_seconds,
            "torch": torch.__version__,
        }
        out.write(json.dumps(record) + "\n")
        out.flush()
        g = variants[first_gm]
        print(
            f"round {r}: {first_gm} {100 * g['acc']:.1f} (tail {100 * g['tail']:.1f})  PM {100 * pm['acc']:.1f}  "
            f"loss {train_metrics['loss']:.3f}  ‖f‖ {record['diagnostics']['testFeatureNorm']:.1f}  "
            f"train {train_seconds:.0f}s eval {record['evalSeconds']:.0f}s",
            flush=True,
        )


if __name__ == "__main__":
    main()
