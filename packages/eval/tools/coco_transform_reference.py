"""Reference for the COCO-Stuff-27 label transform (short side -> size, nearest, centre crop).

Independent of the TypeScript code: torch's F.interpolate(mode='nearest-exact') (pixel-centre nearest,
as PIL's NEAREST that torchvision's Resize uses for labels) and torchvision's CenterCrop offsets
(int(round((side - size) / 2)), Python's round). Writes src/testing/fixtures/coco-transform.json.

Run: /usr/bin/python3 (Debian python3-torch) packages/eval/tools/coco_transform_reference.py
"""
import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(0)
cases = []
for (w, h, size) in [(11, 7, 8), (7, 13, 5), (5, 12, 4), (9, 9, 6), (6, 4, 8)]:
    label = torch.randint(0, 30, (h, w), dtype=torch.uint8)
    short, long = (w, h) if w <= h else (h, w)
    new_long = int(size * long / short)
    rw, rh = (size, new_long) if w <= h else (new_long, size)
    r = F.interpolate(label[None, None].float(), size=(rh, rw), mode='nearest-exact')[0, 0].to(torch.uint8)
    ch, cw = min(size, rh), min(size, rw)
    top = int(round((rh - ch) / 2.0))
    left = int(round((rw - cw) / 2.0))
    crop = r[top:top + ch, left:left + cw]
    cases.append({
        'width': w, 'height': h, 'size': size, 'label': label.flatten().tolist(),
        'resize': [rw, rh], 'crop': [left, top, cw, ch], 'expected': crop.flatten().tolist(),
    })
out = os.path.join(os.path.dirname(__file__), '..', 'src', 'testing', 'fixtures', 'coco-transform.json')
with open(out, 'w') as f:
    json.dump({'generator': 'packages/eval/tools/coco_transform_reference.py', 'torch': torch.__version__, 'cases': cases}, f)
print('wrote', out, len(cases), 'cases')
