#!/usr/bin/env python3
"""Reference outputs for @acseg/backbone-dino's DINOv2 / DINOv2-with-registers / DINOv3 tests.

Written from the papers and the public model code (transformers' Dinov2Model,
Dinov2WithRegistersModel and DINOv3ViTModel; facebookresearch/dinov2 and
dinov3), not from the TypeScript. For each family a tiny random-weight model
(weights from the same 32-bit LCG as make_fixtures.py, tensor t seeded
2000 + t, in the Hub's tensor names) is run op by op in PyTorch, and the script
writes, under packages/backbone-dino/src/testing/fixtures/v2v3/<family>/:

  reference.json   the weight list (name, shape, seed, scale, offset: the test
                   regenerates the weights from it), the Hub config.json, and
                   for two LCG inputs at two sizes (the trained one and a
                   non-square one, so positions are interpolated / RoPE
                   recomputed): last_hidden_state, the last block's attention
                   (softmax) and keys; plus a 45x70 LCG image preprocessed to the
                   non-square size (antialiased bilinear, ImageNet mean/std)
                   and the model's outputs on it.
  hub/onnx/model.onnx, hub/config.json
                   the model exported like the Hub's ONNX exports
                   (onnx-community/dinov2-small, ...): input `pixel_values`,
                   outputs `last_hidden_state` and `pooler_output`, attention
                   NOT an output; height/width dynamic for dinov2 (bicubic
                   position interpolation in the graph) and dinov3 (RoPE from
                   the input shape); the registers model at its trained size
                   (the antialiased bicubic resize has no ONNX export in torch).

Needs torch 2.x (CPU). torch.onnx's TorchScript exporter imports the `onnx`
package only to attach onnxscript functions, which these graphs do not use, so
that step is skipped when `onnx` is not installed.

  python3 tools/dino-reference/make_v2v3_fixtures.py
"""
import json
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
OUT = os.path.join(ROOT, 'packages', 'backbone-dino', 'src', 'testing', 'fixtures', 'v2v3')
REAL_IMAGE = 'street-160x120.png'
MEAN = [0.485, 0.456, 0.406]
STD = [0.229, 0.224, 0.225]

FAMILIES = {
    # DINOv2 ViT-S/14 shape, shrunk: patch 14, LayerScale, learned positions (bicubic, no antialias).
    'dinov2': dict(model_type='dinov2', hidden_size=32, num_hidden_layers=2, num_attention_heads=2, mlp_ratio=2,
                   patch_size=14, image_size=42, num_register_tokens=0, layer_norm_eps=1e-6,
                   sizes=[(42, 42), (56, 70)], dynamic=True),
    # DINOv2 with registers: 4 register tokens after CLS; positions bicubic WITH antialias (transformers).
    'dinov2-reg': dict(model_type='dinov2_with_registers', hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                       mlp_ratio=2, patch_size=14, image_size=42, num_register_tokens=4, layer_norm_eps=1e-6,
                       sizes=[(42, 42), (56, 70)], dynamic=False),
    # DINOv3 ViT-S/16 shape, shrunk: 4 registers, 2-D RoPE (theta 100), no key bias, LayerNorm eps 1e-5.
    'dinov3': dict(model_type='dinov3_vit', hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                   intermediate_size=64, patch_size=16, image_size=48, num_register_tokens=4, layer_norm_eps=1e-5,
                   rope_theta=100.0, sizes=[(48, 48), (64, 80)], dynamic=True),
}


def lcg_uniform(seed, n, scale, offset=0.0):
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


def weight_specs(fam, c):
    """(name, shape, scale, offset) in the Hub's names for the family."""
    d, p = c['hidden_size'], c['patch_size']
    m = c.get('intermediate_size') or d * c['mlp_ratio']
    r = c['num_register_tokens']
    if fam == 'dinov3':
        s = [('embeddings.cls_token', [1, 1, d], 0.5, 0.0), ('embeddings.mask_token', [1, 1, d], 0.1, 0.0),
             ('embeddings.register_tokens', [1, r, d], 0.5, 0.0),
             ('embeddings.patch_embeddings.weight', [d, 3, p, p], 0.05, 0.0),
             ('embeddings.patch_embeddings.bias', [d], 0.02, 0.0)]
        for i in range(c['num_hidden_layers']):
            b = f'layer.{i}.'
            s += [(b + 'norm1.weight', [d], 0.1, 1.0), (b + 'norm1.bias', [d], 0.1, 0.0),
                  (b + 'attention.q_proj.weight', [d, d], 0.4, 0.0), (b + 'attention.q_proj.bias', [d], 0.05, 0.0),
                  (b + 'attention.k_proj.weight', [d, d], 0.4, 0.0),
                  (b + 'attention.v_proj.weight', [d, d], 0.15, 0.0), (b + 'attention.v_proj.bias', [d], 0.05, 0.0),
                  (b + 'attention.o_proj.weight', [d, d], 0.15, 0.0), (b + 'attention.o_proj.bias', [d], 0.05, 0.0),
                  (b + 'layer_scale1.lambda1', [d], 0.4, 0.5),
                  (b + 'norm2.weight', [d], 0.1, 1.0), (b + 'norm2.bias', [d], 0.1, 0.0),
                  (b + 'mlp.up_proj.weight', [m, d], 0.15, 0.0), (b + 'mlp.up_proj.bias', [m], 0.05, 0.0),
                  (b + 'mlp.down_proj.weight', [d, m], 0.07, 0.0), (b + 'mlp.down_proj.bias', [d], 0.05, 0.0),
                  (b + 'layer_scale2.lambda1', [d], 0.4, 0.5)]
        s += [('norm.weight', [d], 0.1, 1.0), ('norm.bias', [d], 0.1, 0.0)]
        return s
    n = (c['image_size'] // p) ** 2
    s = [('embeddings.cls_token', [1, 1, d], 0.5, 0.0), ('embeddings.mask_token', [1, d], 0.1, 0.0)]
    if r:
        s.append(('embeddings.register_tokens', [1, r, d], 0.5, 0.0))
    s += [('embeddings.position_embeddings', [1, n + 1, d], 0.5, 0.0),
          ('embeddings.patch_embeddings.projection.weight', [d, 3, p, p], 0.05, 0.0),
          ('embeddings.patch_embeddings.projection.bias', [d], 0.02, 0.0)]
    for i in range(c['num_hidden_layers']):
        b = f'encoder.layer.{i}.'
        s += [(b + 'norm1.weight', [d], 0.1, 1.0), (b + 'norm1.bias', [d], 0.1, 0.0),
              (b + 'attention.attention.query.weight', [d, d], 0.4, 0.0), (b + 'attention.attention.query.bias', [d], 0.05, 0.0),
              (b + 'attention.attention.key.weight', [d, d], 0.4, 0.0), (b + 'attention.attention.key.bias', [d], 0.05, 0.0),
              (b + 'attention.attention.value.weight', [d, d], 0.15, 0.0), (b + 'attention.attention.value.bias', [d], 0.05, 0.0),
              (b + 'attention.output.dense.weight', [d, d], 0.15, 0.0), (b + 'attention.output.dense.bias', [d], 0.05, 0.0),
              (b + 'layer_scale1.lambda1', [d], 0.4, 0.5),
              (b + 'norm2.weight', [d], 0.1, 1.0), (b + 'norm2.bias', [d], 0.1, 0.0),
              (b + 'mlp.fc1.weight', [m, d], 0.15, 0.0), (b + 'mlp.fc1.bias', [m], 0.05, 0.0),
              (b + 'mlp.fc2.weight', [d, m], 0.07, 0.0), (b + 'mlp.fc2.bias', [d], 0.05, 0.0),
              (b + 'layer_scale2.lambda1', [d], 0.4, 0.5)]
    s += [('layernorm.weight', [d], 0.1, 1.0), ('layernorm.bias', [d], 0.1, 0.0)]
    return s


def gelu(x):
    return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def rope_tables(gh, gw, head_dim, theta):
    """DINOv3's 2-D RoPE: patch centres in [-1, 1] per axis, head_dim/4 periods per axis, (y, x) then tiled twice."""
    ys = (torch.arange(0.5, gh, dtype=torch.float32) / gh) * 2 - 1
    xs = (torch.arange(0.5, gw, dtype=torch.float32) / gw) * 2 - 1
    coords = torch.stack(torch.meshgrid(ys, xs, indexing='ij'), dim=-1).flatten(0, 1)  # [n, 2]
    inv_freq = 1 / theta ** torch.arange(0, 1, 4 / head_dim, dtype=torch.float32)  # [head_dim/4]
    angles = 2 * math.pi * coords[:, :, None] * inv_freq[None, None, :]  # [n, 2, head_dim/4]
    angles = angles.flatten(1, 2).tile(2)  # [n, head_dim]
    return torch.cos(angles), torch.sin(angles)


class Tiny(torch.nn.Module):
    def __init__(self, fam, c, w, extra):
        super().__init__()
        self.fam, self.c, self.extra = fam, c, extra
        self.names = list(w.keys())
        for i, (k, v) in enumerate(w.items()):
            self.register_buffer(f't{i}', v)

    def w(self, name):
        return getattr(self, f't{self.names.index(name)}')

    def has(self, name):
        return name in self.names

    def positions(self, gh, gw):
        pos = self.w('embeddings.position_embeddings')
        d = pos.shape[-1]
        g0 = int(round(math.sqrt(pos.shape[1] - 1)))
        # Traced exports interpolate always (so the graph works at any size), as transformers does,
        # except the registers model, whose antialiased resize torch cannot export.
        if (gh, gw) == (g0, g0) and (not torch.jit.is_tracing() or self.fam == 'dinov2-reg'):
            return pos
        patch = pos[:, 1:].reshape(1, g0, g0, d).permute(0, 3, 1, 2)
        aa = self.fam == 'dinov2-reg'
        patch = F.interpolate(patch, size=(gh, gw), mode='bicubic', align_corners=False, antialias=aa)
        return torch.cat([pos[:, :1], patch.permute(0, 2, 3, 1).reshape(1, gh * gw, d)], dim=1)

    def forward(self, x):
        fam, c = self.fam, self.c
        p, h, eps, r = c['patch_size'], c['num_attention_heads'], c['layer_norm_eps'], c['num_register_tokens']
        d = c['hidden_size']
        dh = d // h
        b = x.shape[0]
        gh, gw = x.shape[-2] // p, x.shape[-1] // p
        v3 = fam == 'dinov3'
        pw = 'embeddings.patch_embeddings.weight' if v3 else 'embeddings.patch_embeddings.projection.weight'
        e = F.conv2d(x, self.w(pw), self.w(pw[:-6] + 'bias'), stride=p).flatten(2).transpose(1, 2)
        cls = self.w('embeddings.cls_token').expand(b, -1, -1)
        if v3:
            z = torch.cat([cls, self.w('embeddings.register_tokens').expand(b, -1, -1), e], dim=1)
            cos, sin = rope_tables(gh, gw, dh, c['rope_theta'])
        else:
            z = torch.cat([cls, e], dim=1) + self.positions(gh, gw)
            if r:
                z = torch.cat([z[:, :1], self.w('embeddings.register_tokens').expand(b, -1, -1), z[:, 1:]], dim=1)
        pre = 'layer.' if v3 else 'encoder.layer.'
        lin = lambda t, name: F.linear(t, self.w(name + '.weight'), self.w(name + '.bias') if self.has(name + '.bias') else None)
        attn = keys = None
        for i in range(c['num_hidden_layers']):
            bp = f'{pre}{i}.'
            y = F.layer_norm(z, (d,), self.w(bp + 'norm1.weight'), self.w(bp + 'norm1.bias'), eps)
            if v3:
                q, k, v = (lin(y, bp + f'attention.{n}_proj') for n in 'qkv')
            else:
                q, k, v = (lin(y, bp + f'attention.attention.{n}') for n in ('query', 'key', 'value'))
            keys = k
            split = lambda t: t.reshape(b, -1, h, dh).permute(0, 2, 1, 3)
            qh, kh, vh = split(q), split(k), split(v)
            if v3:
                npre = 1 + r
                rot = lambda t: torch.cat([t[:, :, :npre], t[:, :, npre:] * cos + rotate_half(t[:, :, npre:]) * sin], dim=2)
                qh, kh = rot(qh), rot(kh)
            attn = torch.softmax(qh @ kh.transpose(-1, -2) / math.sqrt(dh), dim=-1)
            o = (attn @ vh).permute(0, 2, 1, 3).reshape(b, -1, d)
            o = lin(o, bp + ('attention.o_proj' if v3 else 'attention.output.dense'))
            z = z + o * self.w(bp + 'layer_scale1.lambda1')
            y = F.layer_norm(z, (d,), self.w(bp + 'norm2.weight'), self.w(bp + 'norm2.bias'), eps)
            y = lin(gelu(lin(y, bp + ('mlp.up_proj' if v3 else 'mlp.fc1'))), bp + ('mlp.down_proj' if v3 else 'mlp.fc2'))
            z = z + y * self.w(bp + 'layer_scale2.lambda1')
        fn = 'norm' if v3 else 'layernorm'
        out = F.layer_norm(z, (d,), self.w(fn + '.weight'), self.w(fn + '.bias'), eps)
        if self.extra:
            return out, attn, keys
        return out, out[:, 0]


def read_png(path):
    """An 8-bit RGB/RGBA, non-interlaced PNG as an H×W×3 uint8 array (zlib + the five scanline filters)."""
    import struct
    import zlib
    data = open(path, 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n', path
    pos, idat, w = 8, b'', None
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR':
            w, h, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', body)
            assert depth == 8 and ctype in (2, 6) and interlace == 0, 'needs 8-bit RGB(A), not interlaced'
            ch = 3 if ctype == 2 else 4
        elif kind == b'IDAT':
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * ch
    out = np.zeros((h, stride), dtype=np.int32)
    prev = np.zeros(stride, dtype=np.int32)
    for y in range(h):
        f, line = raw[y * (stride + 1)], np.frombuffer(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)], dtype=np.uint8).astype(np.int32)
        cur = np.zeros(stride, dtype=np.int32)
        for x in range(stride):
            a = cur[x - ch] if x >= ch else 0
            b = prev[x]
            c = prev[x - ch] if x >= ch else 0
            if f == 0: pred = 0
            elif f == 1: pred = a
            elif f == 2: pred = b
            elif f == 3: pred = (a + b) // 2
            else:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            cur[x] = (line[x] + pred) & 0xFF
        out[y], prev = cur, cur
    return out.reshape(h, w, ch)[:, :, :3].astype(np.uint8)


def preprocess(img, hw):
    x = torch.from_numpy(img.astype(np.float32)).permute(2, 0, 1)[None]
    x = F.interpolate(x, size=hw, mode='bilinear', align_corners=False, antialias=True) / 255.0
    return (x - torch.tensor(MEAN).view(1, 3, 1, 1)) / torch.tensor(STD).view(1, 3, 1, 1)


def flat(t):
    return [float('%.7g' % v) for v in t.detach().double().numpy().reshape(-1)]


def run(model, x):
    out, attn, keys = model(x)
    return dict(shape=list(x.shape), last_hidden_state=flat(out), attention=flat(attn),
                attention_shape=list(attn.shape), keys=flat(keys))


def hub_config(fam, c):
    keys = ['model_type', 'hidden_size', 'num_hidden_layers', 'num_attention_heads', 'patch_size', 'image_size',
            'layer_norm_eps', 'num_register_tokens']
    j = {k: c[k] for k in keys}
    j['hidden_act'] = 'gelu'
    j['num_channels'] = 3
    if fam == 'dinov3':
        j.update(intermediate_size=c['intermediate_size'], rope_theta=c['rope_theta'], query_bias=True, key_bias=False,
                 value_bias=True, proj_bias=True, mlp_bias=True, use_gated_mlp=False, architectures=['DINOv3ViTModel'])
    else:
        j.update(mlp_ratio=c['mlp_ratio'], qkv_bias=True, layerscale_value=1.0, use_swiglu_ffn=False,
                 architectures=['Dinov2WithRegistersModel' if c['num_register_tokens'] else 'Dinov2Model'])
        if not c['num_register_tokens']:
            del j['num_register_tokens']
    return j


def export(model, path, c):
    try:
        import onnx  # noqa: F401
    except ImportError:
        import torch.onnx._internal.torchscript_exporter.utils as U
        U.onnx_proto_utils._add_onnxscript_fn = lambda proto, custom_opsets: proto
    s = c['image_size']
    axes = {'pixel_values': {0: 'batch_size'}, 'last_hidden_state': {0: 'batch_size'}, 'pooler_output': {0: 'batch_size'}}
    if c['dynamic']:
        axes['pixel_values'].update({2: 'height', 3: 'width'})
        axes['last_hidden_state'][1] = 'sequence_length'
    os.makedirs(os.path.dirname(path), exist_ok=True)
    torch.onnx.export(model, torch.zeros(1, 3, s, s), path, input_names=['pixel_values'],
                      output_names=['last_hidden_state', 'pooler_output'], dynamic_axes=axes, opset_version=17,
                      do_constant_folding=True, dynamo=False)


def main():
    torch.set_grad_enabled(False)
    for t, (fam, c) in enumerate(FAMILIES.items()):
        specs = weight_specs(fam, c)
        w, wl = {}, []
        for j, (name, shape, scale, offset) in enumerate(specs):
            seed = 2000 + 100 * t + j
            w[name] = torch.from_numpy(lcg_uniform(seed, int(np.prod(shape)), scale, offset).reshape(shape))
            wl.append([name, shape, seed, scale, offset])
        model = Tiny(fam, c, w, True).eval()
        ref = dict(family=fam, config=hub_config(fam, c), weights=wl, cases=[])
        for k, (hh, ww) in enumerate(c['sizes']):
            seed = 7 + k
            x = torch.from_numpy(lcg_uniform(seed, 2 * 3 * hh * ww, 2.0).reshape(2, 3, hh, ww))
            case = run(model, x)
            case['input_seed'] = seed
            ref['cases'].append(case)
        hw = c['sizes'][1]
        img = lcg_bytes(99, 70 * 45 * 3).reshape(70, 45, 3)
        ref['image'] = dict(width=45, height=70, seed=99, **run(model, preprocess(img, hw)))
        # A real picture (samples/street.jpg at 160x120, stored losslessly as PNG so both sides decode the same pixels).
        real = read_png(os.path.join(OUT, REAL_IMAGE))
        ref['real'] = dict(file=REAL_IMAGE, width=real.shape[1], height=real.shape[0],
                           cases=[run(model, preprocess(real, size)) for size in c['sizes']])
        out = os.path.join(OUT, fam)
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, 'reference.json'), 'w') as f:
            json.dump(ref, f, separators=(',', ':'))
        export(Tiny(fam, c, w, False).eval(), os.path.join(out, 'hub', 'onnx', 'model.onnx'), c)
        with open(os.path.join(out, 'hub', 'config.json'), 'w') as f:
            json.dump(hub_config(fam, c), f, indent=2)
        print('wrote', out)


if __name__ == '__main__':
    main()
