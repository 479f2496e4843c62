"""PyTorch on the same GPU as the GPU check's own benchmarks (scripts/gpu-check.sh), for the comparison it reports.

  torch_bench.py --json FILE

GEMM 4096^3 with torch.matmul in TF32 and FP32; the training step (forward, backward, SGD momentum) of the small CNN,
ResNet-8 and ResNet-34 at batch 128 on cuDNN in channels_last (the architectures of bench/torch_models.py, twins of
@fedloge/core's models); elementwise add, sum and a device-to-device copy as bandwidth. Timed with CUDA events after
warm-up; medians. Writes one JSON object and prints one line per figure.
"""
import argparse
import json
import os
import statistics
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
from torch_models import build  # noqa: E402  (the model twins live beside the CPU benchmark)


def timed(fn, reps, warmup=3):
    """Median milliseconds of fn() over reps runs, each between two CUDA events."""
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--json", required=True)
    args = p.parse_args()
    if not torch.cuda.is_available():
        print("torch: CUDA is not available", file=sys.stderr)
        return 1
    dev = torch.device("cuda")
    out = {"torch": torch.__version__, "cudnn": torch.backends.cudnn.version(), "device": torch.cuda.get_device_name(0)}
    torch.backends.cudnn.benchmark = True

    a = torch.randn(4096, 4096, device=dev)
    b = torch.randn(4096, 4096, device=dev)
    for mode, tf32 in (("tf32", True), ("fp32", False)):
        torch.backends.cuda.matmul.allow_tf32 = tf32
        ms = timed(lambda: torch.matmul(a, b), 20)
        out[f"torch_matmul_4096_ms.{mode}"] = ms
        print(f"torch.matmul 4096^3 {mode}: {ms:.3f} ms = {2 * 4096 ** 3 / ms / 1e9:.1f} TFLOP/s")
    torch.backends.cuda.matmul.allow_tf32 = True
    torch.backends.cudnn.allow_tf32 = True

    for model_name in ("cnn", "resnet8", "resnet34"):
        torch.manual_seed(0)
        model, shape = build(model_name)
        model = model.to(dev).to(memory_format=torch.channels_last)
        model.train()
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
        x = torch.randn(128, *shape, device=dev).to(memory_format=torch.channels_last)
        y = torch.randint(0, 10, (128,), device=dev)

        def step():
            opt.zero_grad(set_to_none=True)
            F.cross_entropy(model(x), y).backward()
            opt.step()

        ms = timed(step, 20, warmup=5)
        out[f"torch_train_step_ms.{model_name}.b128"] = ms
        print(f"torch {model_name} B=128 training step (cuDNN, channels_last, TF32): {ms:.3f} ms")

    n = 1 << 28  # 1 GiB of float32 per tensor
    x = torch.randn(n, device=dev)
    z = torch.randn(n, device=dev)
    y = torch.empty_like(x)
    copy_ms = timed(lambda: y.copy_(x), 20)
    add_ms = timed(lambda: torch.add(x, z, out=y), 20)
    sum_ms = timed(lambda: x.sum(), 20)
    gb = n * 4 / 1e9
    out["torch_copy_GBps"] = 2 * gb / copy_ms * 1e3
    out["torch_add_GBps"] = 3 * gb / add_ms * 1e3
    out["torch_sum_GBps"] = gb / sum_ms * 1e3
    print(f"torch bandwidth: copy {out['torch_copy_GBps']:.0f} GB/s, add {out['torch_add_GBps']:.0f} GB/s, sum {out['torch_sum_GBps']:.0f} GB/s")
    with open(args.json, "w") as f:
        json.dump(out, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
