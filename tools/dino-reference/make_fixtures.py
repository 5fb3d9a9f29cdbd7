#!/usr/bin/env python3
"""Reference outputs for @acseg/backbone-dino's tests (independent of the TS code).

A tiny DINO-architecture ViT (2 blocks, d=48, 3 heads, patch 16, native input
48x48) is written by hand in PyTorch with weights drawn from a 32-bit LCG that
the TypeScript tests reproduce bit for bit (see `lcg_uniform`), so the weights
never need to be committed. The script writes, under
packages/backbone-dino/src/testing/fixtures/:

  tiny-hub/onnx/model.onnx  the model exported like the Hugging Face Hub DINO
                            exports (input `pixel_values`, output
                            `last_hidden_state`, attention NOT an output,
                            opset 14 so LayerNorm is decomposed)
  tiny-hub/config.json      a ViT config.json as the Hub repos carry
  reference.json            outputs for fixed inputs: last_hidden_state,
                            last-block attention (softmax) and keys, at 48
                            (native) and 64 (bicubic-interpolated positions),
                            and the preprocessing of a fixed 45x70 RGB image.

Run with Debian's interpreter: /usr/bin/python3 tools/dino-reference/make_fixtures.py
(python3-torch 1.13, python3-onnx 1.12, python3-numpy).
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(ROOT, 'packages', 'backbone-dino', 'src', 'testing', 'fixtures')

CFG = dict(hidden_size=48, num_hidden_layers=2, num_attention_heads=3, intermediate_size=192,
           patch_size=16, image_size=48, num_channels=3, layer_norm_eps=1e-6)
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]


def lcg_uniform(seed, n, scale, offset=0.0):
    """x_{k+1} = 1664525 x_k + 1013904223 mod 2^32; value = offset + scale * (2 * (x >> 8) / 2^24 - 1)."""
    out = np.empty(n, dtype=np.float64)
    x = seed & 0xFFFFFFFF
    for i in range(n):
        x = (x * 1664525 + 1013904223) & 0xFFFFFFFF
        out[i] = (x >> 8) / 16777216.0
    return (offset + scale * (2.0 * out - 1.0)).astype(np.float32)


def lcg_bytes(seed, n):
    out = np.empty(n, dtype=np.uint8)
    x = seed & 0xFFFFFFFF
    for i in range(n):
        x = (x * 1664525 + 1013904223) & 0xFFFFFFFF
        out[i] = x >> 24
    return out


def weight_specs(cfg):
    """(name, shape, scale, offset) in a fixed order; tensor t uses seed 1000 + t. Mirrors tiny-vit.ts."""
    d, m, p, c = cfg['hidden_size'], cfg['intermediate_size'], cfg['patch_size'], cfg['num_channels']
    n = (cfg['image_size'] // p) ** 2
    specs = [
        ('embeddings.cls_token', [1, 1, d], 0.5, 0.0),
        ('embeddings.position_embeddings', [1, n + 1, d], 0.5, 0.0),
        ('embeddings.patch_embeddings.projection.weight', [d, c, p, p], 0.05, 0.0),
        ('embeddings.patch_embeddings.projection.bias', [d], 0.02, 0.0),
    ]
    for i in range(cfg['num_hidden_layers']):
        b = f'encoder.layer.{i}.'
        specs += [
            (b + 'layernorm_before.weight', [d], 0.1, 1.0), (b + 'layernorm_before.bias', [d], 0.1, 0.0),
            (b + 'attention.attention.query.weight', [d, d], 0.4, 0.0), (b + 'attention.attention.query.bias', [d], 0.05, 0.0),
            (b + 'attention.attention.key.weight', [d, d], 0.4, 0.0), (b + 'attention.attention.key.bias', [d], 0.05, 0.0),
            (b + 'attention.attention.value.weight', [d, d], 0.15, 0.0), (b + 'attention.attention.value.bias', [d], 0.05, 0.0),
            (b + 'attention.output.dense.weight', [d, d], 0.15, 0.0), (b + 'attention.output.dense.bias', [d], 0.05, 0.0),
            (b + 'layernorm_after.weight', [d], 0.1, 1.0), (b + 'layernorm_after.bias', [d], 0.1, 0.0),
            (b + 'intermediate.dense.weight', [m, d], 0.15, 0.0), (b + 'intermediate.dense.bias', [m], 0.05, 0.0),
            (b + 'output.dense.weight', [d, m], 0.07, 0.0), (b + 'output.dense.bias', [d], 0.05, 0.0),
        ]
    specs += [('layernorm.weight', [d], 0.1, 1.0), ('layernorm.bias', [d], 0.1, 0.0)]
    return specs


def make_weights(cfg):
    w = {}
    for t, (name, shape, scale, offset) in enumerate(weight_specs(cfg)):
        w[name] = torch.from_numpy(lcg_uniform(1000 + t, int(np.prod(shape)), scale, offset).reshape(shape))
    return w


def bicubic_pos(pos, grid_in, grid_out):
    cls, patch = pos[:, :1], pos[:, 1:]
    d = pos.shape[-1]
    x = patch.reshape(1, grid_in, grid_in, d).permute(0, 3, 1, 2)
    x = F.interpolate(x, size=(grid_out, grid_out), mode='bicubic', align_corners=False)
    return torch.cat([cls, x.permute(0, 2, 3, 1).reshape(1, grid_out * grid_out, d)], dim=1)


class TinyVit(torch.nn.Module):
    """Pre-norm ViT as in DINO / transformers' ViTModel, written out op by op."""

    def __init__(self, w, cfg, return_extra=False):
        super().__init__()
        self.w = {k: torch.nn.Parameter(v, requires_grad=False) for k, v in w.items()}
        for k, v in self.w.items():
            self.register_parameter(k.replace('.', '_'), v)
        self.cfg = cfg
        self.return_extra = return_extra

    def forward(self, x):
        w, cfg = self.w, self.cfg
        p, h, eps = cfg['patch_size'], cfg['num_attention_heads'], cfg['layer_norm_eps']
        b = x.shape[0]
        e = F.conv2d(x, w['embeddings.patch_embeddings.projection.weight'], w['embeddings.patch_embeddings.projection.bias'], stride=p)
        g = int(x.shape[-1]) // p
        e = e.flatten(2).transpose(1, 2)
        z = torch.cat([w['embeddings.cls_token'].expand(b, -1, -1), e], dim=1)
        pos = w['embeddings.position_embeddings']
        g0 = int(round(math.sqrt(pos.shape[1] - 1)))
        z = z + (pos if g == g0 else bicubic_pos(pos, g0, g))
        d = cfg['hidden_size']
        dh = d // h
        attn = keys = None
        for i in range(cfg['num_hidden_layers']):
            pre = f'encoder.layer.{i}.'
            y = F.layer_norm(z, (d,), w[pre + 'layernorm_before.weight'], w[pre + 'layernorm_before.bias'], eps)
            q = F.linear(y, w[pre + 'attention.attention.query.weight'], w[pre + 'attention.attention.query.bias'])
            k = F.linear(y, w[pre + 'attention.attention.key.weight'], w[pre + 'attention.attention.key.bias'])
            v = F.linear(y, w[pre + 'attention.attention.value.weight'], w[pre + 'attention.attention.value.bias'])
            keys = k
            split = lambda t: t.reshape(b, -1, h, dh).permute(0, 2, 1, 3)
            s = split(q) @ split(k).transpose(-1, -2) / math.sqrt(dh)
            attn = torch.softmax(s, dim=-1)
            o = (attn @ split(v)).permute(0, 2, 1, 3).reshape(b, -1, d)
            z = z + F.linear(o, w[pre + 'attention.output.dense.weight'], w[pre + 'attention.output.dense.bias'])
            y = F.layer_norm(z, (d,), w[pre + 'layernorm_after.weight'], w[pre + 'layernorm_after.bias'], eps)
            y = F.linear(y, w[pre + 'intermediate.dense.weight'], w[pre + 'intermediate.dense.bias'])
            y = 0.5 * y * (1.0 + torch.erf(y / math.sqrt(2.0)))
            z = z + F.linear(y, w[pre + 'output.dense.weight'], w[pre + 'output.dense.bias'])
        out = F.layer_norm(z, (d,), w['layernorm.weight'], w['layernorm.bias'], eps)
        if self.return_extra:
            return out, attn, keys
        return out


def preprocess(img_hwc_uint8, size):
    """Resize (bilinear, antialiased, half-pixel centres; like PIL) in float, /255, ImageNet mean/std."""
    x = torch.from_numpy(img_hwc_uint8.astype(np.float32)).permute(2, 0, 1)[None]
    x = F.interpolate(x, size=(size, size), mode='bilinear', align_corners=False, antialias=True)
    x = x / 255.0
    x = (x - torch.tensor(MEAN).view(1, 3, 1, 1)) / torch.tensor(STD).view(1, 3, 1, 1)
    return x


def flat(t):
    return [float('%.7g' % v) for v in t.detach().double().numpy().reshape(-1)]


def run(model, x):
    out, attn, keys = model(x)
    return dict(shape=list(x.shape), input_seed=None, last_hidden_state=flat(out), attention=flat(attn),
                attention_shape=list(attn.shape), keys=flat(keys))


def main():
    torch.set_grad_enabled(False)
    w = make_weights(CFG)
    model = TinyVit(w, CFG, return_extra=True).eval()
    ref = dict(config=CFG, mean=MEAN, std=STD, cases={})
    for size, seed in [(48, 7), (64, 8)]:
        x = torch.from_numpy(lcg_uniform(seed, 2 * 3 * size * size, 2.0).reshape(2, 3, size, size))
        case = run(model, x)
        case['input_seed'] = seed
        ref['cases'][str(size)] = case
    # Preprocessing of a fixed 45x70 (w x h) random image, and the model on it.
    img = lcg_bytes(99, 70 * 45 * 3).reshape(70, 45, 3)
    x = preprocess(img, 48)
    ref['preprocess'] = dict(width=45, height=70, seed=99, size=48, tensor=flat(x))
    ref['preprocess_model'] = run(model, x)

    hub = os.path.join(OUT, 'tiny-hub')
    os.makedirs(os.path.join(hub, 'onnx'), exist_ok=True)
    plain = TinyVit(w, CFG, return_extra=False).eval()
    dummy = torch.zeros(1, 3, 48, 48)
    torch.onnx.export(plain, dummy, os.path.join(hub, 'onnx', 'model.onnx'), input_names=['pixel_values'],
                      output_names=['last_hidden_state'], dynamic_axes={'pixel_values': {0: 'batch_size'}, 'last_hidden_state': {0: 'batch_size'}},
                      opset_version=14, do_constant_folding=True)
    cfg_json = dict(architectures=['ViTModel'], model_type='vit', hidden_act='gelu', qkv_bias=True,
                    hidden_size=CFG['hidden_size'], num_hidden_layers=CFG['num_hidden_layers'],
                    num_attention_heads=CFG['num_attention_heads'], intermediate_size=CFG['intermediate_size'],
                    patch_size=CFG['patch_size'], image_size=CFG['image_size'], num_channels=3, layer_norm_eps=1e-12)
    with open(os.path.join(hub, 'config.json'), 'w') as f:
        json.dump(cfg_json, f, indent=2)
    with open(os.path.join(OUT, 'reference.json'), 'w') as f:
        json.dump(ref, f, separators=(',', ':'))
    print('wrote', OUT)


if __name__ == '__main__':
    main()
