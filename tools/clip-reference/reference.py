"""Reference outputs for @acseg/classifier-clip's tests.

Builds the tiny random CLIP of packages/classifier-clip/src/testing/tiny-model.ts
from the same seeded generator (mulberry32 seeded by FNV-1a of each tensor
name, same scaling rule), runs it with an independent PyTorch implementation
in OpenAI CLIP's layout (nn.MultiheadAttention with a packed in_proj, MaskCLIP's
value path for the last vision block as in MaskCLIP's code), tokenizes the
prompts with a port of OpenAI's simple_tokenizer, and writes
packages/classifier-clip/src/testing/fixtures/clip-reference.json.

Run: /usr/bin/python3 tools/clip-reference/reference.py   (Debian python3-torch, python3-numpy)
"""
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(__file__))
from simple_tokenizer import SimpleTokenizer  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BPE = os.environ.get("CLIP_BPE", os.path.join(ROOT, "..", "shared", "vocab", "bpe_simple_vocab_16e6.txt.gz"))
OUT = os.path.join(ROOT, "packages", "classifier-clip", "src", "testing", "fixtures", "clip-reference.json")

V = dict(width=48, heads=3, layers=2, patch=16, image=64, mlp=192)
T = dict(width=32, heads=2, layers=2, context=77, vocab=49408, mlp=128)
P = 32
M = 0xFFFFFFFF


def fnv1a(s):
    h = 0x811C9DC5
    for b in s.encode("utf-8"):
        h ^= b
        h = (h * 0x01000193) & M
    return h


def mulberry32(seed, n):
    """The first n outputs of mulberry32 (its state after k steps is seed + k·C mod 2^32)."""
    k = np.arange(1, n + 1, dtype=np.uint64)
    a = (np.uint64(seed) + k * np.uint64(0x6D2B79F5)) & np.uint64(M)
    t = ((a ^ (a >> np.uint64(15))) * (np.uint64(1) | a)) & np.uint64(M)
    t = ((t + (((t ^ (t >> np.uint64(7))) * (np.uint64(61) | t)) & np.uint64(M))) & np.uint64(M)) ^ t
    return ((t ^ (t >> np.uint64(14))) & np.uint64(M)).astype(np.float64) / 4294967296.0


def seeded(name, shape):
    n = int(np.prod(shape))
    u = mulberry32(fnv1a(name), n) * 2 - 1
    fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 1
    if name.endswith(".weight") and "norm" in name:
        v = 1 + 0.1 * u
    elif name.endswith(".bias"):
        v = 0.1 * u
    elif "embedding" in name and "patch_embedding" not in name:
        v = 0.5 * u
    else:
        v = u * math.sqrt(3 / fan_in)
    return torch.from_numpy(v.astype(np.float32).reshape(shape))


class QuickGELU(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(1.702 * x)


class Block(nn.Module):
    """OpenAI CLIP's ResidualAttentionBlock, loaded from transformers-named weights."""

    def __init__(self, prefix, width, heads, mlp):
        super().__init__()
        self.ln_1 = nn.LayerNorm(width)
        self.ln_2 = nn.LayerNorm(width)
        self.attn = nn.MultiheadAttention(width, heads)
        self.mlp = nn.Sequential(nn.Linear(width, mlp), QuickGELU(), nn.Linear(mlp, width))
        with torch.no_grad():
            for ln, name in ((self.ln_1, "layer_norm1"), (self.ln_2, "layer_norm2")):
                ln.weight.copy_(seeded(f"{prefix}.{name}.weight", [width]))
                ln.bias.copy_(seeded(f"{prefix}.{name}.bias", [width]))
            a = f"{prefix}.self_attn"
            self.attn.in_proj_weight.copy_(torch.cat([seeded(f"{a}.{q}_proj.weight", [width, width]) for q in "qkv"]))
            self.attn.in_proj_bias.copy_(torch.cat([seeded(f"{a}.{q}_proj.bias", [width]) for q in "qkv"]))
            self.attn.out_proj.weight.copy_(seeded(f"{a}.out_proj.weight", [width, width]))
            self.attn.out_proj.bias.copy_(seeded(f"{a}.out_proj.bias", [width]))
            self.mlp[0].weight.copy_(seeded(f"{prefix}.mlp.fc1.weight", [mlp, width]))
            self.mlp[0].bias.copy_(seeded(f"{prefix}.mlp.fc1.bias", [mlp]))
            self.mlp[2].weight.copy_(seeded(f"{prefix}.mlp.fc2.weight", [width, mlp]))
            self.mlp[2].bias.copy_(seeded(f"{prefix}.mlp.fc2.bias", [width]))

    def forward(self, x, mask=None):  # x: T × B × W
        y = self.ln_1(x)
        x = x + self.attn(y, y, y, need_weights=False, attn_mask=mask)[0]
        return x + self.mlp(self.ln_2(x))

    def maskclip(self, x):
        """MaskCLIP's last layer: q, k, v = in_proj(ln_1(x)); v = out_proj(v); v += x; v += mlp(ln_2(v))."""
        q, k, v = F.linear(self.ln_1(x), self.attn.in_proj_weight, self.attn.in_proj_bias).chunk(3, dim=-1)
        v = self.attn.out_proj(v) + x
        return v + self.mlp(self.ln_2(v))


def ln(prefix, width):
    m = nn.LayerNorm(width)
    with torch.no_grad():
        m.weight.copy_(seeded(f"{prefix}.weight", [width]))
        m.bias.copy_(seeded(f"{prefix}.bias", [width]))
    return m


@torch.no_grad()
def dense_features(pixels):
    w, p = V["width"], V["patch"]
    grid = V["image"] // p
    conv = seeded("vision_model.embeddings.patch_embedding.weight", [w, 3, p, p])
    x = F.conv2d(pixels, conv, stride=p)  # B × W × g × g
    x = x.reshape(x.shape[0], w, -1).permute(0, 2, 1)
    cls = seeded("vision_model.embeddings.class_embedding", [w])
    x = torch.cat([cls.expand(x.shape[0], 1, w), x], dim=1)
    x = x + seeded("vision_model.embeddings.position_embedding.weight", [grid * grid + 1, w])
    x = ln("vision_model.pre_layrnorm", w)(x).permute(1, 0, 2)
    blocks = [Block(f"vision_model.encoder.layers.{i}", w, V["heads"], V["mlp"]) for i in range(V["layers"])]
    for b in blocks[:-1]:
        x = b(x)
    x = blocks[-1].maskclip(x).permute(1, 0, 2)
    x = ln("vision_model.post_layernorm", w)(x)
    proj = seeded("visual_projection.weight", [P, w]).t()  # OpenAI layout: W × P
    x = x[:, 1:, :] @ proj
    return x / x.norm(dim=-1, keepdim=True)


@torch.no_grad()
def text_features(ids_list):
    w, ctx = T["width"], T["context"]
    text = torch.zeros(len(ids_list), ctx, dtype=torch.long)
    for i, ids in enumerate(ids_list):
        text[i, : len(ids)] = torch.tensor(ids)
    emb = nn.Embedding(T["vocab"], w)
    with torch.no_grad():
        emb.weight.copy_(seeded("text_model.embeddings.token_embedding.weight", [T["vocab"], w]))
    x = emb(text) + seeded("text_model.embeddings.position_embedding.weight", [ctx, w])
    mask = torch.full((ctx, ctx), float("-inf")).triu_(1)
    x = x.permute(1, 0, 2)
    for i in range(T["layers"]):
        x = Block(f"text_model.encoder.layers.{i}", w, T["heads"], T["mlp"])(x, mask)
    x = ln("text_model.final_layer_norm", w)(x.permute(1, 0, 2))
    proj = seeded("text_projection.weight", [P, w]).t()
    return x[torch.arange(x.shape[0]), text.argmax(dim=-1)] @ proj


def flat(t):
    return [float(v) for v in t.reshape(-1).tolist()]


def main():
    torch.manual_seed(0)
    pixels = (mulberry32(fnv1a("pixels"), 2 * 3 * V["image"] ** 2) * 2 - 1) * 2
    pixels = torch.from_numpy(pixels.astype(np.float32).reshape(2, 3, V["image"], V["image"]))
    dense = dense_features(pixels)

    if not os.path.exists(BPE):
        sys.exit(f"{BPE}: CLIP's merges file is not there; set CLIP_BPE=path/to/bpe_simple_vocab_16e6.txt.gz")
    tok = SimpleTokenizer(BPE)
    prompts = [
        "a photo of a cat.",
        "there is a dog in the scene.",
        "A  BAD photo of the   Potted-Plant!!",
        "it's a tv/monitor, isn't it?",
        "café naïve 123 test's",
        "a photo of a diningtable and 2 sofas",
        "Hello\tworld\nagain",
        " ".join(["aeroplane"] * 80),
    ]
    ids = [tok.tokenize(p, T["context"]) for p in prompts]
    text = text_features(ids)

    classes = ["cat", "dog", "potted plant"]
    templates = ["a photo of a {}.", "there is a {} in the scene."]
    class_embeds = []
    for c in classes:
        f = text_features([tok.tokenize(t.format(c), T["context"]) for t in templates])
        f = f / f.norm(dim=-1, keepdim=True)
        m = f.mean(dim=0)
        class_embeds.append(m / m.norm())
    class_embeds = torch.stack(class_embeds)

    out = {
        "generator": "tools/clip-reference/reference.py",
        "torch": torch.__version__,
        "vision": V, "text": T, "projection": P,
        "pixels": {"name": "pixels", "shape": [2, 3, V["image"], V["image"]], "rule": "(mulberry32(fnv1a(name)) * 2 - 1) * 2"},
        "dense": {"shape": list(dense.shape), "data": flat(dense)},
        "prompts": prompts,
        "ids": ids,
        "text_embeds": {"shape": list(text.shape), "data": flat(text)},
        "classes": classes,
        "templates": templates,
        "class_embeds": {"shape": list(class_embeds.shape), "data": flat(class_embeds)},
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(out, f)
    print(f"wrote {OUT} ({os.path.getsize(OUT)} bytes)")


if __name__ == "__main__":
    main()
