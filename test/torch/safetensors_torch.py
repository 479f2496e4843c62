"""An independent safetensors reader and writer for the differential test (safetensors.test.ts).

Reads the file named by argv[1] by the format's rules (8-byte little-endian header length, JSON
header, tensors tiling the data buffer), loads every tensor with torch.frombuffer, prints the
metadata and each tensor as base64 little-endian float32 JSON, and rewrites the tensors from torch
to argv[2] in reverse name order (other offsets than ours), with the same __metadata__.
"""
import base64, json, struct, sys
import numpy as np
import torch

def read(path):
    raw = open(path, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n].decode("utf-8"))
    data = raw[8 + n :]
    meta = header.pop("__metadata__", {})
    assert all(isinstance(v, str) for v in meta.values()), "metadata values must be strings"
    spans = sorted((e["data_offsets"][0], e["data_offsets"][1], k) for k, e in header.items())
    at = 0
    for begin, end, name in spans:
        assert begin == at, f"{name}: gap or overlap at byte {begin} (expected {at})"
        at = end
    assert at == len(data), f"tensors end at {at}, data has {len(data)} bytes"
    tensors = {}
    for name, e in header.items():
        assert e["dtype"] == "F32", f"{name}: dtype {e['dtype']}"
        begin, end = e["data_offsets"]
        assert end - begin == 4 * int(np.prod(e["shape"], dtype=np.int64)), f"{name}: byte count"
        t = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32) if end > begin else torch.zeros(0)
        tensors[name] = t.reshape(e["shape"])
    return meta, tensors

def write(path, meta, tensors):
    header, blobs, at = {"__metadata__": meta}, [], 0
    for name in sorted(tensors, reverse=True):
        b = tensors[name].contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [at, at + len(b)]}
        blobs.append(b)
        at += len(b)
    h = json.dumps(header).encode("utf-8")
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))

meta, tensors = read(sys.argv[1])
write(sys.argv[2], meta, tensors)
out = {k: {"shape": list(t.shape), "data": base64.b64encode(t.numpy().astype("<f4").tobytes()).decode()} for k, t in tensors.items()}
json.dump({"metadata": meta, "tensors": out}, sys.stdout)
