"""Export DINO patch features from PyTorch in a form `acseg features import` reads.

    python3 export_dino.py IMAGES_DIR OUT_DIR [--model dino_vits16] [--size 224] [--chunk 1000]
    acseg features import OUT_DIR --images IMAGES_DIR --out features/my-set

Writes OUT_DIR/features-00000.npz, features-00001.npz, ... with np.savez (uncompressed, so acseg reads them row by
row): `tokens` [N, h, w, d] float32 (last-layer patch tokens, CLS excluded), `cls` [N, d], `attention` [N, heads, h, w]
(last-layer attention from CLS to each patch), `ids` (image file names without extension) and `patch_size`.
Memory is one chunk of images. Saving needs numpy only (`save_chunk`); computing needs torch, torchvision and PIL.
"""
import argparse
import os

import numpy as np


def save_chunk(path, ids, tokens, cls=None, attention=None, patch_size=16):
    """One .npz of stacked features: tokens [N, h, w, d] (or [N, n, d]), cls [N, d], attention [N, heads, h, w]."""
    arrays = {
        "tokens": np.ascontiguousarray(tokens, dtype=np.float32),
        "ids": np.array([str(i) for i in ids]),
        "patch_size": np.int64(patch_size),
    }
    if cls is not None:
        arrays["cls"] = np.ascontiguousarray(cls, dtype=np.float32)
    if attention is not None:
        arrays["attention"] = np.ascontiguousarray(attention, dtype=np.float32)
    tmp = path + ".tmp.npz"
    np.savez(tmp, **arrays)  # not savez_compressed: compressed members cannot be read by rows
    os.replace(tmp, path)


def main():
    import torch
    from PIL import Image
    from torchvision import transforms

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("images")
    ap.add_argument("out")
    ap.add_argument("--model", default="dino_vits16", help="a torch.hub entry of facebookresearch/dino")
    ap.add_argument("--size", type=int, default=224, help="square input side (acseg's DINO backbone uses 224)")
    ap.add_argument("--chunk", type=int, default=1000, help="images per .npz file")
    args = ap.parse_args()

    model = torch.hub.load("facebookresearch/dino:main", args.model).eval()
    p = model.patch_embed.patch_size
    patch = p if isinstance(p, int) else p[0]
    prep = transforms.Compose([
        transforms.Resize((args.size, args.size)),
        transforms.ToTensor(),
        transforms.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225)),
    ])
    names = sorted(f for f in os.listdir(args.images) if f.lower().endswith((".jpg", ".jpeg", ".png", ".webp")))
    os.makedirs(args.out, exist_ok=True)
    g = args.size // patch
    for c, start in enumerate(range(0, len(names), args.chunk)):
        chunk = names[start:start + args.chunk]
        tokens, cls, attention = [], [], []
        with torch.no_grad():
            for name in chunk:
                x = prep(Image.open(os.path.join(args.images, name)).convert("RGB"))[None]
                out = model.get_intermediate_layers(x, n=1)[0][0]  # [1 + n, d], CLS first
                att = model.get_last_selfattention(x)[0, :, 0, 1:]  # [heads, n]: CLS to each patch
                tokens.append(out[1:].reshape(g, g, -1).numpy())
                cls.append(out[0].numpy())
                attention.append(att.reshape(-1, g, g).numpy())
        ids = [os.path.splitext(n)[0] for n in chunk]
        save_chunk(os.path.join(args.out, f"features-{c:05d}.npz"), ids, np.stack(tokens), np.stack(cls), np.stack(attention), patch)
        print(f"{start + len(chunk)} / {len(names)} images")


if __name__ == "__main__":
    main()
