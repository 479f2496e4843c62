#!/usr/bin/python3
"""PyTorch twins of @fedloge/core's backbones and linear head, timed on the same training step as
bench/train-step.mjs (forward, backward, SGD momentum step), for the native-vs-PyTorch comparison.

Layer by layer as packages/core/src/models/{small_cnn,resnet,imagenet-resnet}.ts: 3x3 convolutions with padding 1
(the TS 'same' for stride 1, explicit 1 for the ResNets), no conv bias (BatchNorm follows), BatchNorm
eps 1e-5 / momentum 0.1, 2x2 max-pools, global average pooling, Linear(feature, classes) head,
mean cross-entropy, torch.optim.SGD with momentum. Tensors are NCHW (PyTorch's default layout on CPU,
what a PyTorch user trains with); the TS side is NHWC. The flops and parameter counts are the same.

Run by train-step.mjs, one configuration per process:
  /usr/bin/python3 torch_models.py --model resnet8 --batch 32 --threads 1 --steps 20 --warmup 3 \
      --max-seconds 60 [--count-only]
It prints one JSON object: {"params": n, "times_ms": [...], "torch": version, "threads": n, "peak_rss_kb": n,
"setup_rss_kb": n} (peak_rss_kb: this process's peak resident memory, getrusage's ru_maxrss, KiB on Linux;
setup_rss_kb: the same once the model and batch exist, before the first step). --size N trains on N x N
images instead of the model's default side (the ImageNet ResNets' 224).
"""
import argparse
import json
import resource
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

INPUT_SHAPES = {
    "cnn": (1, 28, 28),
    "resnet8": (3, 32, 32),
    "resnet18": (3, 32, 32),
    "resnet34": (3, 32, 32),
    "resnet18-imagenet": (3, 224, 224),
    "resnet50-imagenet": (3, 224, 224),
}


def conv_bn(in_ch, out_ch, kernel, stride, padding):
    return nn.Sequential(nn.Conv2d(in_ch, out_ch, kernel, stride, padding, bias=False), nn.BatchNorm2d(out_ch, eps=1e-5, momentum=0.1))


class SmallCnn(nn.Module):
    """conv3x3-32 BN ReLU maxpool2, conv3x3-64 BN ReLU maxpool2, flatten, Linear(.., 128) ReLU."""

    feature_dim = 128

    def __init__(self, in_shape):
        super().__init__()
        c, h, w = in_shape
        self.block1 = conv_bn(c, 32, 3, 1, 1)
        self.block2 = conv_bn(32, 64, 3, 1, 1)
        self.fc = nn.Linear((h // 2 // 2) * (w // 2 // 2) * 64, self.feature_dim)

    def forward(self, x):
        h = F.max_pool2d(F.relu(self.block1(x)), 2, 2)
        h = F.max_pool2d(F.relu(self.block2(h)), 2, 2)
        return F.relu(self.fc(torch.flatten(h, 1)))


class BasicBlock(nn.Module):
    """conv3x3(stride) BN ReLU conv3x3 BN + (identity | conv1x1(stride) BN), then ReLU."""

    def __init__(self, in_ch, width, stride):
        super().__init__()
        self.first = conv_bn(in_ch, width, 3, stride, 1)
        self.second = conv_bn(width, width, 3, 1, 1)
        self.shortcut = conv_bn(in_ch, width, 1, stride, 0) if stride != 1 or in_ch != width else None

    def forward(self, x):
        residual = self.second(F.relu(self.first(x)))
        return F.relu(residual + (self.shortcut(x) if self.shortcut is not None else x))


def four_stages(blocks):
    return 64, [(width, n, 1 if s == 0 else 2) for s, (width, n) in enumerate(zip([64, 128, 256, 512], blocks))]


# (stem width, [(width, blocks, first stride)]) as RESNET8 / RESNET18 / RESNET34 in resnet.ts.
RESNET_CONFIGS = {
    "resnet8": (16, [(16, 1, 1), (32, 1, 2), (64, 1, 2)]),
    "resnet18": four_stages([2, 2, 2, 2]),
    "resnet34": four_stages([3, 4, 6, 3]),
}


class ResNet(nn.Module):
    """3x3 stem conv BN ReLU (no max-pool), BasicBlock stages, global average pooling."""

    def __init__(self, config, in_shape):
        super().__init__()
        stem, stages = config
        self.stem = conv_bn(in_shape[0], stem, 3, 1, 1)
        blocks, channels = [], stem
        for width, n, stride in stages:
            for b in range(n):
                blocks.append(BasicBlock(channels, width, stride if b == 0 else 1))
                channels = width
        self.blocks = nn.Sequential(*blocks)
        self.feature_dim = channels

    def forward(self, x):
        return self.blocks(F.relu(self.stem(x))).mean(dim=(2, 3))


class Bottleneck(nn.Module):
    """conv1x1 BN ReLU conv3x3(stride) BN ReLU conv1x1(4 width) BN + (identity | conv1x1(stride) BN), then ReLU."""

    def __init__(self, in_ch, width, stride):
        super().__init__()
        out = 4 * width
        self.body = nn.Sequential(
            conv_bn(in_ch, width, 1, 1, 0), nn.ReLU(), conv_bn(width, width, 3, stride, 1), nn.ReLU(), conv_bn(width, out, 1, 1, 0)
        )
        self.shortcut = conv_bn(in_ch, out, 1, stride, 0) if stride != 1 or in_ch != out else None

    def forward(self, x):
        return F.relu(self.body(x) + (self.shortcut(x) if self.shortcut is not None else x))


# (block, blocks per stage) as IMAGENET_RESNET18 / IMAGENET_RESNET50 in imagenet-resnet.ts (torchvision's layout).
IMAGENET_CONFIGS = {"resnet18-imagenet": (BasicBlock, 1, [2, 2, 2, 2]), "resnet50-imagenet": (Bottleneck, 4, [3, 4, 6, 3])}


class ImageNetResNet(nn.Module):
    """7x7/2 stem conv BN ReLU, 3x3/2 max-pool (padding 1), four stages of 64/128/256/512 width, global average pooling."""

    def __init__(self, config, in_shape):
        super().__init__()
        block, expansion, counts = config
        self.stem = conv_bn(in_shape[0], 64, 7, 2, 3)
        blocks, channels = [], 64
        for s, (width, n) in enumerate(zip([64, 128, 256, 512], counts)):
            for b in range(n):
                blocks.append(block(channels, width, 2 if b == 0 and s > 0 else 1))
                channels = width * expansion
        self.blocks = nn.Sequential(*blocks)
        self.feature_dim = channels

    def forward(self, x):
        h = F.max_pool2d(F.relu(self.stem(x)), 3, 2, 1)
        return self.blocks(h).mean(dim=(2, 3))


def build(model, num_classes=10, size=None):
    shape = INPUT_SHAPES[model]
    if size is not None:
        shape = (shape[0], size, size)
    if model == "cnn":
        net = SmallCnn(shape)
    elif model in IMAGENET_CONFIGS:
        net = ImageNetResNet(IMAGENET_CONFIGS[model], shape)
    else:
        net = ResNet(RESNET_CONFIGS[model], shape)
    return nn.Sequential(net, nn.Linear(net.feature_dim, num_classes)), shape


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", required=True, choices=sorted(INPUT_SHAPES))
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--max-seconds", type=float, default=60.0)
    p.add_argument("--count-only", action="store_true")
    p.add_argument("--size", type=int, help="image side in pixels instead of the model's default")
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model, shape = build(args.model, size=args.size)
    params = sum(t.numel() for t in model.parameters())
    out = {"params": params, "torch": torch.__version__, "threads": torch.get_num_threads(), "times_ms": []}

    if not args.count_only:
        model.train()
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        x = torch.randn(args.batch, *shape)
        y = torch.randint(0, 10, (args.batch,))
        # Peak resident memory once the model and the batch exist, before the first step.
        out["setup_rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

        def step():
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            return loss.item()  # the TS step reads the loss back too (minimize → dataSync)

        out["times_ms"] = timed_steps(step, args.steps, args.warmup, args.max_seconds)
    out["peak_rss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    json.dump(out, sys.stdout)
    print()


def timed_steps(step, steps, warmup, max_seconds):
    """The same schedule as train-step.mjs: warm up (cut short for slow steps), then as many timed steps as fit.
    warmup 0 runs exactly `steps` steps when max_seconds allows them (train-memory.mjs's one-step peak)."""
    last = 0.0
    for i in range(warmup):
        t0 = time.perf_counter()
        step()
        last = time.perf_counter() - t0
        if last > max_seconds / 4:
            break
    n = max(1, min(steps, int(max_seconds / max(last, 1e-9))))
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        step()
        times.append((time.perf_counter() - t0) * 1e3)
    return times


if __name__ == "__main__":
    main()
