#!/usr/bin/env python3
"""Read an acseg feature cache with numpy only.

The format is described in packages/feature-cache/README.md ("On-disk format"):
a folder with index.json and shard-NNNNN.safetensors files whose tensors stack
one row per image: tokens F32 [count, n, d], cls F32 [count, d] (optional),
attention F32 [count, heads, n] (optional).

Usage:
  python3 read_cache.py CACHE_DIR              # summary
  python3 read_cache.py CACHE_DIR --dump ID    # one image as JSON (flat lists)

As a module:
  from read_cache import FeatureCache
  cache = FeatureCache("features/voc-train")
  f = cache["2007_000032"]          # or cache[0]
  f["tokens"].shape                 # (n, d) with n = grid h * grid w, row-major patches
"""
import json
import os
import struct
import sys

import numpy as np

FORMAT = "acseg-feature-cache"
VERSION = 1


def read_safetensors_header(path):
    """Returns (tensors, metadata, data_start) of a safetensors file."""
    with open(path, "rb") as fh:
        raw = fh.read(8)
        if len(raw) < 8:
            raise ValueError(f"{path}: shorter than the 8-byte header length")
        (n,) = struct.unpack("<Q", raw)
        head = fh.read(n)
        if len(head) < n:
            raise ValueError(f"{path}: truncated header")
    header = json.loads(head)
    metadata = header.pop("__metadata__", {})
    return header, metadata, 8 + n


class FeatureCache:
    def __init__(self, path):
        self.path = path
        with open(os.path.join(path, "index.json"), encoding="utf-8") as fh:
            self.index = json.load(fh)
        if self.index.get("format") != FORMAT or self.index.get("version") != VERSION:
            raise ValueError(f"{path}: not an acseg feature cache version {VERSION}")
        self.images = self.index["images"]
        self.ids = [im["id"] for im in self.images]
        self._by_id = {im["id"]: i for i, im in enumerate(self.images)}
        self.grid = self.index["grid"]  # {"h": .., "w": ..} or None when empty
        self.dim = self.index["dim"]
        self.heads = self.index["heads"]
        self.skipped = self.index["skipped"]
        self._shards = {}

    def __len__(self):
        return len(self.images)

    def _shard(self, s):
        if s not in self._shards:
            entry = self.index["shards"][s]
            file = os.path.join(self.path, entry["file"])
            if os.path.getsize(file) != entry["bytes"]:
                raise ValueError(f"{file}: size differs from the index (truncated?)")
            tensors, _meta, start = read_safetensors_header(file)
            arrays = {}
            for name, t in tensors.items():
                if t["dtype"] != "F32":
                    raise ValueError(f"{file}: tensor {name} is {t['dtype']}, expected F32")
                begin, _end = t["data_offsets"]
                arrays[name] = np.memmap(file, dtype="<f4", mode="r", offset=start + begin, shape=tuple(t["shape"]))
            self._shards[s] = arrays
        return self._shards[s]

    def __getitem__(self, key):
        i = self._by_id[key] if isinstance(key, str) else int(key)
        im = self.images[i]
        arrays = self._shard(im["shard"])
        r = im["row"]
        return {
            "id": im["id"],
            "source": im["source"],
            "image_size": (im["width"], im["height"]),
            "grid": (self.grid["h"], self.grid["w"]),
            "tokens": np.asarray(arrays["tokens"][r]),
            "cls": np.asarray(arrays["cls"][r]) if "cls" in arrays else None,
            "attention": np.asarray(arrays["attention"][r]) if "attention" in arrays else None,
        }


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cache = FeatureCache(argv[1])
    if len(argv) >= 4 and argv[2] == "--dump":
        f = cache[argv[3]]
        out = {
            "id": f["id"],
            "source": f["source"],
            "imageSize": list(f["image_size"]),
            "grid": list(f["grid"]),
            "tokensShape": list(f["tokens"].shape),
            "tokens": [float(v) for v in f["tokens"].ravel()],
            "cls": None if f["cls"] is None else [float(v) for v in f["cls"]],
            "attention": None if f["attention"] is None else [float(v) for v in f["attention"].ravel()],
        }
        print(json.dumps(out))
        return 0
    info = cache.index["info"]
    print(f"{cache.path}: {len(cache)} images, model {info['model']}, grid {cache.grid}, dim {cache.dim}, "
          f"heads {cache.heads}, {len(cache.index['shards'])} shards, {len(cache.skipped)} skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
