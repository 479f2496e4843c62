#!/usr/bin/env python3
"""
How large the SSE-C's logits and its gradient on the features are at initialisation, per backbone width
and SSE-C norm: the table "Why FedLoGe's universal model is slow here" in results/README.md.

  /usr/bin/python3 results/tools/sse_c_logit_scale.py --data-dir /work/shared/data/cifar-10-batches-bin \
      resnet8=sse-c-64.npz resnet8=sse-c-64-n1.npz resnet18=sse-c-512.npz

Each argument is `<model>=<SSE-C .npz from export-sse-c.mjs>`. A freshly initialised model (torch's default
init, seed 0; in train mode the BatchNorm output scale does not depend on the conv weights) sees the first 64
CIFAR-10 training images; printed: the RMS ‖f‖, the mean max−min logit spread, the cross-entropy, and the
RMS per-image gradient ∂CE/∂f (the signal the backbone trains on).
"""
import argparse
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_fedloge_run import ResNet, load_cifar10  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("cases", nargs="+", metavar="MODEL=SSE_C.npz")
    args = ap.parse_args()
    torch.set_num_threads(1)
    train_x, train_y, _, _ = load_cifar10(args.data_dir)
    x, y = train_x[:64], train_y[:64]
    print("| model | SSE-C | RMS ‖f‖ | logit spread | CE | RMS ∂CE/∂f per image |")
    print("|---|---|---:|---:|---:|---:|")
    for case in args.cases:
        arch, path = case.split("=", 1)
        z = np.load(path)
        w, b = torch.as_tensor(z["weight"]), torch.as_tensor(z["bias"])
        torch.manual_seed(0)
        net = ResNet(arch)
        net.train()
        f = net(x)
        if f.shape[1] != w.shape[1]:
            raise SystemExit(f"{path}: SSE-C is for d = {w.shape[1]}, {arch} has d = {f.shape[1]}")
        logits = f @ w.t() + b
        loss = F.cross_entropy(logits, y)
        (g,) = torch.autograd.grad(loss, f)
        spread = (logits.max(1).values - logits.min(1).values).mean().item()
        per_image = (g * x.shape[0]).pow(2).sum(1).mean().sqrt().item()  # undo the batch mean
        norm = w.norm(dim=1).mean().item()
        print(f"| {arch} (d = {f.shape[1]}) | {os.path.basename(path)} (row norm {norm:.2f}) | {f.pow(2).sum(1).mean().sqrt().item():.2f} | {spread:.2f} | {loss.item():.3f} | {per_image:.3f} |")


if __name__ == "__main__":
    main()
