"""PyTorch 1.13 reference for test/torch/optimizers.test.ts: torch.optim SGD/Adam/AdamW steps on given
parameters and gradients, and torch.optim.lr_scheduler learning rates over rounds (one
scheduler.step() per round). JSON on stdin (arrays as base64 float32), JSON on stdout."""
import base64
import json
import sys

import numpy as np
import torch
from torch.optim import lr_scheduler


def to_tensor(a):
    data = np.frombuffer(base64.b64decode(a["data"]), dtype=np.float32).copy()
    return torch.from_numpy(data.reshape(a["shape"]))


def to_json(t):
    data = t.detach().numpy().astype(np.float32)
    return {"shape": list(data.shape), "data": base64.b64encode(data.tobytes()).decode("ascii")}


OPTIMIZERS = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}


def optimizer_trace(case):
    params = [torch.nn.Parameter(to_tensor(p)) for p in case["params"]]
    opt = OPTIMIZERS[case["name"]](params, **case["options"])
    trace = []
    for grads in case["grads"]:
        for p, g in zip(params, grads):
            p.grad = to_tensor(g)
        opt.step()
        trace.append([to_json(p) for p in params])
    return trace


def main_scheduler(opt, s):
    if s["name"] == "step":
        return lr_scheduler.StepLR(opt, step_size=s["stepRounds"], gamma=s.get("gamma", 0.1))
    if s["name"] == "cosine":
        return lr_scheduler.CosineAnnealingLR(opt, T_max=s["periodRounds"], eta_min=s.get("minFactor", 0.0) * s["lr"])
    return lr_scheduler.ConstantLR(opt, factor=1.0, total_iters=0)


def schedule_lrs(s):
    opt = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=s["lr"])
    warmup = s.get("warmupRounds", 0)
    if warmup:
        warm = lr_scheduler.LinearLR(opt, start_factor=s.get("warmupStartFactor", 1.0 / 3), end_factor=1.0, total_iters=warmup)
        sched = lr_scheduler.SequentialLR(opt, [warm, main_scheduler(opt, s)], milestones=[warmup])
    else:
        sched = main_scheduler(opt, s)
    lrs = []
    for _ in range(s["rounds"]):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return lrs


def main():
    req = json.load(sys.stdin)
    out = {
        "optimizers": [optimizer_trace(c) for c in req["optimizers"]],
        "schedules": [schedule_lrs(s) for s in req["schedules"]],
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
