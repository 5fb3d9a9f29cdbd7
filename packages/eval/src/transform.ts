import type { LabelMap } from './label.js';
import type { ImageTransform } from './report.js';

/** Python's round(): halves go to the even neighbour (torchvision's CenterCrop uses it). */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d < 0.5) return f;
  if (d > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/**
 * torchvision `Resize(size)` + `CenterCrop(size)` geometry: the short side
 * becomes `size`, the long side `int(size · long / short)` (truncated);
 * the crop's offsets are `round((side − size) / 2)`.
 */
export function shortSideCrop(width: number, height: number, size: number): Required<ImageTransform> {
  const rw = width <= height ? size : Math.floor((size * width) / height);
  const rh = width <= height ? Math.floor((size * height) / width) : size;
  const cw = Math.min(size, rw);
  const ch = Math.min(size, rh);
  return {
    resize: { width: rw, height: rh },
    crop: { left: roundHalfEven((rw - cw) / 2), top: roundHalfEven((rh - ch) / 2), width: cw, height: ch },
  };
}

/**
 * Nearest-neighbour resize with pixel centres (PIL's NEAREST: source
 * index floor((x + 0.5) · in / out)), then a crop, in one pass.
 */
export function resizeCropNearest(label: LabelMap, t: Required<ImageTransform>): LabelMap {
  const { resize, crop } = t;
  const sx = label.width / resize.width;
  const sy = label.height / resize.height;
  const cols = new Int32Array(crop.width);
  for (let x = 0; x < crop.width; x++) cols[x] = Math.min(label.width - 1, Math.floor((x + crop.left + 0.5) * sx));
  const data = new Uint8Array(crop.width * crop.height);
  for (let y = 0; y < crop.height; y++) {
    const row = Math.min(label.height - 1, Math.floor((y + crop.top + 0.5) * sy)) * label.width;
    for (let x = 0; x < crop.width; x++) data[y * crop.width + x] = label.data[row + cols[x]];
  }
  return { width: crop.width, height: crop.height, data };
}
