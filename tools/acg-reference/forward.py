#!/usr/bin/env python3
"""PyTorch reference for @acseg/acg checkpoints.

Loads an ACG checkpoint folder (config.json + weights.safetensors) written by
@acseg/acg, rebuilds the model from stock PyTorch modules
(nn.MultiheadAttention, nn.LayerNorm, nn.Linear), runs it in float64 on
features from a safetensors file (tensor "features", shape [B, n, d]) and
writes S, the concepts, the modularity loss and every parameter's gradient
to a JSON file. Needs only Debian's python3-torch (safetensors is parsed by
hand: 8-byte length, JSON header, raw little-endian data).

usage: /usr/bin/python3 forward.py CHECKPOINT_DIR FEATURES.safetensors OUT.json
"""
import json
import struct
import sys

import torch
from torch import nn

DTYPES = {"F32": torch.float32, "F64": torch.float64}


def read_safetensors(path):
    with open(path, "rb") as fh:
        raw = fh.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    data = raw[8 + n :]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        b, e = info["data_offsets"]
        t = torch.frombuffer(bytearray(data[b:e]), dtype=DTYPES[info["dtype"]])
        out[name] = t.reshape(info["shape"]).to(torch.float64)
    return out


class Step(nn.Module):
    """One post-norm update step: cross-attention, self-attention, FFN."""

    def __init__(self, d, heads, ffn_dim, act, eps):
        super().__init__()
        self.cross_attn = nn.MultiheadAttention(d, heads, bias=True, batch_first=True)
        self.self_attn = nn.MultiheadAttention(d, heads, bias=True, batch_first=True)
        self.fc1 = nn.Linear(d, ffn_dim)
        self.fc2 = nn.Linear(ffn_dim, d)
        self.act = nn.ReLU() if act == "relu" else nn.GELU()
        self.norm1 = nn.LayerNorm(d, eps=eps)
        self.norm2 = nn.LayerNorm(d, eps=eps)
        self.norm3 = nn.LayerNorm(d, eps=eps)

    def forward(self, c, x):
        c = self.norm1(c + self.cross_attn(c, x, x, need_weights=False)[0])
        c = self.norm2(c + self.self_attn(c, c, c, need_weights=False)[0])
        return self.norm3(c + self.fc2(self.act(self.fc1(c))))


class ACG(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["dim"]
        self.prototypes = nn.Parameter(torch.zeros(cfg["k"], d))
        self.layers = nn.ModuleList(Step(d, cfg["heads"], cfg["ffnDim"], cfg["ffn"], cfg["lnEps"]) for _ in range(cfg["steps"]))

    def forward(self, x):
        c = self.prototypes.unsqueeze(0).expand(x.shape[0], -1, -1)
        for layer in self.layers:
            c = layer(c, x)
        s = nn.functional.normalize(x, dim=-1) @ nn.functional.normalize(c, dim=-1).transpose(1, 2)
        return c, s


def load_acg(folder):
    with open(f"{folder}/config.json") as fh:
        meta = json.load(fh)
    cfg = meta["config"]
    w = read_safetensors(f"{folder}/weights.safetensors")
    model = ACG(cfg).double()
    with torch.no_grad():
        model.prototypes.copy_(w["prototypes"])
        for i, layer in enumerate(model.layers):
            p = f"layers.{i}"
            for attn_name in ("cross_attn", "self_attn"):
                attn = getattr(layer, attn_name)
                attn.in_proj_weight.copy_(torch.cat([w[f"{p}.{attn_name}.{x}_proj.weight"] for x in "qkv"]))
                attn.in_proj_bias.copy_(torch.cat([w[f"{p}.{attn_name}.{x}_proj.bias"] for x in "qkv"]))
                attn.out_proj.weight.copy_(w[f"{p}.{attn_name}.o_proj.weight"])
                attn.out_proj.bias.copy_(w[f"{p}.{attn_name}.o_proj.bias"])
            for fc in ("fc1", "fc2"):
                getattr(layer, fc).weight.copy_(w[f"{p}.ffn.{fc}.weight"])
                getattr(layer, fc).bias.copy_(w[f"{p}.ffn.{fc}.bias"])
            for nrm in ("norm1", "norm2", "norm3"):
                getattr(layer, nrm).weight.copy_(w[f"{p}.{nrm}.weight"])
                getattr(layer, nrm).bias.copy_(w[f"{p}.{nrm}.bias"])
    return model, cfg


def modularity_loss(s, x):
    """Method notes §3: per image -(1/2m) sum_ij W_ij max_c relu(S)_ic relu(S)_jc, batch mean."""
    xn = nn.functional.normalize(x, dim=-1)
    a = torch.relu(xn @ xn.transpose(1, 2))
    k = a.sum(-1, keepdim=True)
    two_m = a.sum((1, 2), keepdim=True)
    w = (a - k @ k.transpose(1, 2) / two_m).detach()
    sb = torch.relu(s)
    delta = (sb.unsqueeze(2) * sb.unsqueeze(1)).amax(-1)
    return (-(w * delta).sum((1, 2)) / two_m.squeeze()).mean()




def main():
    folder, feats_path, out_path = sys.argv[1:4]
    model, cfg = load_acg(folder)
    x = read_safetensors(feats_path)["features"]
    concepts, s = model(x)
    loss = modularity_loss(s, x)
    loss.backward()
    d = cfg["dim"]
    grads = {"prototypes": model.prototypes.grad}
    for i, layer in enumerate(model.layers):
        p = f"layers.{i}"
        for attn_name in ("cross_attn", "self_attn"):
            attn = getattr(layer, attn_name)
            for j, q in enumerate("qkv"):
                grads[f"{p}.{attn_name}.{q}_proj.weight"] = attn.in_proj_weight.grad[j * d : (j + 1) * d]
                grads[f"{p}.{attn_name}.{q}_proj.bias"] = attn.in_proj_bias.grad[j * d : (j + 1) * d]
            grads[f"{p}.{attn_name}.o_proj.weight"] = attn.out_proj.weight.grad
            grads[f"{p}.{attn_name}.o_proj.bias"] = attn.out_proj.bias.grad
        for fc in ("fc1", "fc2"):
            grads[f"{p}.ffn.{fc}.weight"] = getattr(layer, fc).weight.grad
            grads[f"{p}.ffn.{fc}.bias"] = getattr(layer, fc).bias.grad
        for nrm in ("norm1", "norm2", "norm3"):
            grads[f"{p}.{nrm}.weight"] = getattr(layer, nrm).weight.grad
            grads[f"{p}.{nrm}.bias"] = getattr(layer, nrm).bias.grad
    out = {
        "torch": torch.__version__,
        "assignment": s.detach().flatten().tolist(),
        "concepts": concepts.detach().flatten().tolist(),
        "loss": loss.item(),
        "grads": {k: v.flatten().tolist() for k, v in grads.items()},
    }
    with open(out_path, "w") as fh:
        json.dump(out, fh)


if __name__ == "__main__":
    main()
