#!/usr/bin/env python3
"""
An independent PyTorch implementation of the FedLoGe and FedAvg client steps (docs/fedloge.md#client-round),
FedAvg aggregation (docs/fedloge.md#server-round) and evaluation (docs/metrics.md), for the step-level differential test
test/torch/fedloge-steps.test.ts. Test-only; run with /usr/bin/python3 (Debian's python3-torch).

Input (JSON on stdin), arrays as {"shape": [...], "data": base64 of little-endian float32}:
  strategy        "fedloge" | "fedavg"
  inputShape      [H, W, C] (NHWC, as the framework's images)
  lr, momentum, weightDecay
  global          the framework's global arrays: backbone.* (small CNN), and gaux.* or head.*
  sseC            {"weight": [C, d], "bias": [C]}          (fedloge only)
  clients         [{"numSamples": n, "local": {local.weight, local.bias} (fedloge),
                    "batches": [{"x": [B, H, W, C], "y": [labels]}]}]
  report          step counts after which the full arrays are returned (e.g. [1, 10])
  eval            {"x": [N, H, W, C], "y": [labels], "client": index whose local head to use}

Output (JSON on stdout): per client, per step: losses (backbone/gaux/local, or loss) and the
arrays after the reported steps, the gradients of the first step; the aggregated global arrays
(weighted by numSamples, every key including the BatchNorm running statistics); evaluation logits.
Array layouts and key names are the framework's (conv weights [kh, kw, in, out], flatten in
H, W, C order), converted at the boundary so the model itself is ordinary PyTorch.
"""
import base64
import json
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)


def from_json(a):
    data = np.frombuffer(base64.b64decode(a["data"]), dtype="<f4").copy()
    return torch.from_numpy(data).reshape(a["shape"])


def to_json(t):
    t = t.detach().contiguous().to(torch.float32).numpy().astype("<f4")
    return {"shape": list(t.shape), "data": base64.b64encode(t.tobytes()).decode("ascii")}


class SmallCnn(torch.nn.Module):
    """conv3x3-32 -> BN -> ReLU -> maxpool 2 -> conv3x3-64 -> BN -> ReLU -> maxpool 2 -> fc 128 -> ReLU."""

    def __init__(self, h, w, c):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(c, 32, 3, padding=1, bias=False)
        self.bn1 = torch.nn.BatchNorm2d(32)
        self.conv2 = torch.nn.Conv2d(32, 64, 3, padding=1, bias=False)
        self.bn2 = torch.nn.BatchNorm2d(64)
        self.fc = torch.nn.Linear((h // 4) * (w // 4) * 64, 128)

    def forward(self, x_nhwc):
        x = x_nhwc.permute(0, 3, 1, 2)
        h = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        h = F.max_pool2d(F.relu(self.bn2(self.conv2(h))), 2)
        # The framework flattens NHWC, i.e. in (row, column, channel) order.
        h = h.permute(0, 2, 3, 1).reshape(h.shape[0], -1)
        return F.relu(self.fc(h))

    # Framework key (after "backbone.") -> (module attribute path, layout conversion to torch)
    KEYS = {
        "conv1.weight": ("conv1.weight", "hwio"),
        "bn1.gamma": ("bn1.weight", None),
        "bn1.beta": ("bn1.bias", None),
        "bn1.runningMean": ("bn1.running_mean", None),
        "bn1.runningVar": ("bn1.running_var", None),
        "conv2.weight": ("conv2.weight", "hwio"),
        "bn2.gamma": ("bn2.weight", None),
        "bn2.beta": ("bn2.bias", None),
        "bn2.runningMean": ("bn2.running_mean", None),
        "bn2.runningVar": ("bn2.running_var", None),
        "fc.weight": ("fc.weight", None),
        "fc.bias": ("fc.bias", None),
    }

    def load(self, arrays, prefix="backbone."):
        state = self.state_dict()
        for key, (attr, layout) in self.KEYS.items():
            t = from_json(arrays[prefix + key])
            if layout == "hwio":
                t = t.permute(3, 2, 0, 1)
            state[attr] = t.contiguous()
        self.load_state_dict(state)

    def export(self, source=None, prefix="backbone."):
        """The framework's arrays of this model's parameters/buffers (or of `source`, a name->tensor map)."""
        named = dict(self.state_dict()) if source is None else source
        out = {}
        for key, (attr, layout) in self.KEYS.items():
            if attr not in named:
                continue
            t = named[attr]
            if layout == "hwio":
                t = t.permute(2, 3, 1, 0)
            out[prefix + key] = t
        return out


def linear(arrays, prefix):
    w = from_json(arrays[prefix + "weight"])
    head = torch.nn.Linear(w.shape[1], w.shape[0])
    with torch.no_grad():
        head.weight.copy_(w)
        head.bias.copy_(from_json(arrays[prefix + "bias"]))
    return head


def head_arrays(head, prefix):
    return {prefix + "weight": head.weight, prefix + "bias": head.bias}


def sgd(params, case):
    return torch.optim.SGD(params, lr=case["lr"], momentum=case["momentum"], weight_decay=case["weightDecay"])


def train_client(case, client):
    """One client-round over the given batches (docs/fedloge.md#client-round), reporting every step."""
    h, w, c = case["inputShape"]
    net = SmallCnn(h, w, c)
    net.load(case["global"])
    net.train()
    fedloge = case["strategy"] == "fedloge"
    head = linear(case["global"], "gaux." if fedloge else "head.")
    if fedloge:
        local = linear(client["local"], "local.")
        sse_w = from_json(case["sseC"]["weight"])
        sse_b = from_json(case["sseC"]["bias"])
        opt_b, opt_a, opt_l = sgd(net.parameters(), case), sgd(head.parameters(), case), sgd(local.parameters(), case)
    else:
        opt = sgd(list(net.parameters()) + list(head.parameters()), case)
    steps = []
    first_grads = None
    for k, batch in enumerate(client["batches"], start=1):
        x = from_json(batch["x"])
        y = torch.tensor(batch["y"], dtype=torch.long)
        record = {}
        if fedloge:
            for o in (opt_b, opt_a, opt_l):
                o.zero_grad()
            f = net(x)
            # The backbone learns only through the frozen SSE-C; the heads see the same features, detached.
            loss_b = F.cross_entropy(f @ sse_w.t() + sse_b, y)
            loss_b.backward()
            grads = {n: p.grad.clone() for n, p in net.named_parameters()}
            opt_b.step()
            fd = f.detach()
            loss_a = F.cross_entropy(head(fd), y)
            loss_a.backward()
            grads.update({"gaux." + n: p.grad.clone() for n, p in head.named_parameters()})
            opt_a.step()
            loss_l = F.cross_entropy(local(fd), y)
            loss_l.backward()
            grads.update({"local." + n: p.grad.clone() for n, p in local.named_parameters()})
            opt_l.step()
            record["losses"] = {"backbone": loss_b.item(), "gaux": loss_a.item(), "local": loss_l.item()}
        else:
            opt.zero_grad()
            loss = F.cross_entropy(head(net(x)), y)
            loss.backward()
            grads = {n: p.grad.clone() for n, p in net.named_parameters()}
            grads.update({"head." + n: p.grad.clone() for n, p in head.named_parameters()})
            opt.step()
            record["losses"] = {"loss": loss.item()}
        if k == 1:
            first_grads = grads
        if k in case["report"]:
            arrays = net.export()
            arrays.update(head_arrays(head, "gaux." if fedloge else "head."))
            if fedloge:
                arrays.update(head_arrays(local, "local."))
            record["arrays"] = {key: to_json(t) for key, t in arrays.items()}
        steps.append(record)
    grads_out = net.export(source={n: g for n, g in first_grads.items() if "." in n and not n.startswith(("gaux.", "local.", "head."))})
    for n, g in first_grads.items():
        if n.startswith(("gaux.", "local.", "head.")):
            grads_out[n] = g
    final = net.export()
    final.update(head_arrays(head, "gaux." if fedloge else "head."))
    result = {"steps": steps, "firstGradients": {k: to_json(v) for k, v in grads_out.items()}}
    return result, final, (local if fedloge else None)


def main():
    case = json.load(sys.stdin)
    fedloge = case["strategy"] == "fedloge"
    clients, finals, locals_ = [], [], []
    for client in case["clients"]:
        result, final, local = train_client(case, client)
        clients.append(result)
        finals.append(final)
        locals_.append(local)

    # FedAvg of every aggregated entry (backbone incl. BN running statistics, and g_aux / head) by n_k.
    sizes = [float(c["numSamples"]) for c in case["clients"]]
    total = sum(sizes)
    aggregated = {key: sum(f[key].detach() * (n / total) for f, n in zip(finals, sizes)) for key in finals[0]}

    # Evaluation with the aggregated model, BatchNorm in eval mode (running statistics).
    h, w, c = case["inputShape"]
    net = SmallCnn(h, w, c)
    net.load({k: to_json(v) for k, v in aggregated.items()})
    net.eval()
    ev = case["eval"]
    x = from_json(ev["x"])
    with torch.no_grad():
        f = net(x)
        if fedloge:
            gaux = f @ aggregated["gaux.weight"].t() + aggregated["gaux.bias"]
            sse = f @ from_json(case["sseC"]["weight"]).t() + from_json(case["sseC"]["bias"])
            local = locals_[ev["client"]]
            logits = {"gm/sse-c": sse, "gm/gaux": gaux, "pm/stage1": local(f) + gaux}
        else:
            logits = {"gm/global": f @ aggregated["head.weight"].t() + aggregated["head.bias"]}
    y = torch.tensor(ev["y"], dtype=torch.long)
    json.dump(
        {
            "torch": torch.__version__,
            "clients": clients,
            "aggregated": {k: to_json(v) for k, v in aggregated.items()},
            "eval": {
                "features": to_json(f),
                "logits": {k: to_json(v) for k, v in logits.items()},
                "accuracy": {k: (v.argmax(1) == y).float().mean().item() for k, v in logits.items()},
            },
        },
        sys.stdout,
    )


if __name__ == "__main__":
    main()
