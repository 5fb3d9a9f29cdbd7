#!/usr/bin/env python3
"""Exports an @acseg/acg checkpoint's forward pass to ONNX (for onnxruntime inference).

The graph uses the re-associated cross-attention (method notes §2: the n
pixels are never projected) and checks itself against forward.py's stock
nn.MultiheadAttention model before writing.
Input "features" [B, n, d] float32 (B and n dynamic); outputs "assignment"
[B, n, k] = cos(X, C) and "concepts" [B, k, d].

usage: /usr/bin/python3 export_onnx.py CHECKPOINT_DIR OUT.onnx
"""
import math
import sys

import torch
from torch import nn

from forward import load_acg


class ReassociatedACG(nn.Module):
    def __init__(self, ref, cfg):
        super().__init__()
        self.ref = ref
        self.k = cfg["k"]
        self.h = cfg["heads"]
        self.d = cfg["dim"]
        self.dh = self.d // self.h

    def cross(self, attn, c, x):
        d, h, dh = self.d, self.h, self.dh
        wq, wk, wv = attn.in_proj_weight.split(d)
        bq, _, bv = attn.in_proj_bias.split(d)
        b, k = c.shape[0], c.shape[1]
        q = (c @ wq.t() + bq).reshape(b, k, h, dh)
        qt = torch.einsum("bkhe,hed->bkhd", q, wk.reshape(h, dh, d)).reshape(b, k * h, d) / math.sqrt(dh)
        p = torch.softmax(qt @ x.transpose(1, 2), dim=-1)
        px = (p @ x).reshape(b, k, h, d)
        v = torch.einsum("bkhd,hed->bkhe", px, wv.reshape(h, dh, d)) + bv.reshape(h, dh)
        return v.reshape(b, k, d) @ attn.out_proj.weight.t() + attn.out_proj.bias

    def forward(self, x):
        c = self.ref.prototypes.unsqueeze(0).expand(x.shape[0], -1, -1)
        for layer in self.ref.layers:
            c = layer.norm1(c + self.cross(layer.cross_attn, c, x))
            c = layer.norm2(c + layer.self_attn(c, c, c, need_weights=False)[0])
            c = layer.norm3(c + layer.fc2(layer.act(layer.fc1(c))))
        s = nn.functional.normalize(x, dim=-1) @ nn.functional.normalize(c, dim=-1).transpose(1, 2)
        return s, c


def main():
    folder, out = sys.argv[1:3]
    ref, cfg = load_acg(folder)
    ref = ref.float().eval()
    model = ReassociatedACG(ref, cfg).eval()
    x = torch.randn(3, 196, cfg["dim"])
    with torch.no_grad():
        c_ref, s_ref = ref(x)
        s, c = model(x)
    err = max((s - s_ref).abs().max().item(), (c - c_ref).abs().max().item())
    assert err < 1e-4, f"re-associated graph differs from the reference by {err}"
    torch.onnx.export(
        model, (x,), out, input_names=["features"], output_names=["assignment", "concepts"],
        dynamic_axes={"features": {0: "batch", 1: "patches"}, "assignment": {0: "batch", 1: "patches"}, "concepts": {0: "batch"}},
        opset_version=14,
    )
    print(f"wrote {out} (max |diff| vs nn.MultiheadAttention: {err:.2e})")


if __name__ == "__main__":
    main()
