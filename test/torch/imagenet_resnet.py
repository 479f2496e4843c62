#!/usr/bin/env python3
"""
An independent PyTorch forward pass of the ImageNet ResNets (torchvision's layout: 7x7/2 stem, BN,
ReLU, 3x3/2 max-pool with padding 1, basic or bottleneck blocks with the stride on the 3x3 conv,
projection shortcuts where the shape changes, global average pooling), for the test
test/torch/imagenet-resnet.test.ts. Test-only; run with /usr/bin/python3 (Debian's python3-torch).

Input (JSON on stdin), arrays as {"shape": [...], "data": base64 of little-endian float32}:
  x       the images, NHWC
  models  a list of {block: "basic" | "bottleneck", blocks: per stage, e.g. [2, 2, 1, 1], state: the
          framework's state (conv weights [kh, kw, in, out], BN gamma/beta/runningMean/runningVar)}

Output (JSON on stdout): per model, the pooled features [N, F] in eval mode (running statistics) and
in train mode (batch statistics). One process serves every model: importing torch is the slow part. Which blocks get a shortcut projection is decided here, from torchvision's
rule, and a missing or extra state key is an error.
"""
import base64
import json
import sys

import numpy as np
import torch
import torch.nn.functional as F


def array(a):
    data = np.frombuffer(base64.b64decode(a["data"]), dtype="<f4").copy()
    return torch.from_numpy(data.reshape(a["shape"]))


def encode(t):
    t = t.detach().contiguous().numpy().astype("<f4")
    return {"shape": list(t.shape), "data": base64.b64encode(t.tobytes()).decode("ascii")}


def features(model, x):
    state = {k: array(v) for k, v in model["state"].items()}
    used = set()

    def weight(key):
        used.add(key)
        return state[key].permute(3, 2, 0, 1)  # [kh, kw, in, out] -> [out, in, kh, kw]

    def conv_bn(h, conv, bn, stride, padding, train):
        y = F.conv2d(h, weight(conv + ".weight"), stride=stride, padding=padding)
        names = [bn + "." + n for n in ("runningMean", "runningVar", "gamma", "beta")]
        used.update(names)
        mean, var, gamma, beta = (state[n].clone() for n in names)
        return F.batch_norm(y, mean, var, gamma, beta, training=train, momentum=0.1, eps=1e-5)

    expansion = 1 if model["block"] == "basic" else 4

    def forward(train):
        h = F.relu(conv_bn(x, "conv1", "bn1", 2, 3, train))
        h = F.max_pool2d(h, kernel_size=3, stride=2, padding=1)
        in_planes = 64
        for s, count in enumerate(model["blocks"]):
            planes = 64 * 2**s
            for b in range(count):
                key = "layer%d.%d" % (s + 1, b)
                stride = 2 if (b == 0 and s > 0) else 1
                if model["block"] == "basic":
                    out = F.relu(conv_bn(h, key + ".conv1", key + ".bn1", stride, 1, train))
                    out = conv_bn(out, key + ".conv2", key + ".bn2", 1, 1, train)
                else:
                    out = F.relu(conv_bn(h, key + ".conv1", key + ".bn1", 1, 0, train))
                    out = F.relu(conv_bn(out, key + ".conv2", key + ".bn2", stride, 1, train))
                    out = conv_bn(out, key + ".conv3", key + ".bn3", 1, 0, train)
                if stride != 1 or in_planes != planes * expansion:
                    shortcut = conv_bn(h, key + ".downsample.0", key + ".downsample.1", stride, 0, train)
                else:
                    shortcut = h
                h = F.relu(out + shortcut)
                in_planes = planes * expansion
        return h.mean(dim=(2, 3))

    result = {"eval": encode(forward(False)), "train": encode(forward(True))}
    extra = sorted(set(state) - used)
    if extra:
        raise SystemExit("state keys the torchvision layout does not have: %s" % extra[:8])
    return result


def main():
    torch.set_num_threads(1)  # small convolutions; threads only contend on a shared machine
    spec = json.load(sys.stdin)
    x = array(spec["x"]).permute(0, 3, 1, 2)  # NHWC -> NCHW
    with torch.no_grad():
        json.dump([features(model, x) for model in spec["models"]], sys.stdout)


if __name__ == "__main__":
    main()
