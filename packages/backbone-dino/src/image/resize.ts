/** ImageNet statistics (method notes §1; DINO's own preprocessing). */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
export const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

/** An 8-bit interleaved RGB raster. */
export interface Raster {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Pixel box [x0, y0, x1, y1), end exclusive. */
export type Box = readonly [number, number, number, number];

interface Taps {
  start: Int32Array;
  count: Int32Array;
  /** outSize × maxCount weights, normalized to sum 1. */
  w: Float32Array;
  maxCount: number;
}

/**
 * Antialiased bilinear taps with half-pixel centres: the triangle filter is
 * widened by the downscale factor (PIL's BILINEAR resize, and PyTorch's
 * F.interpolate(mode='bilinear', antialias=True, align_corners=False)).
 */
export function bilinearAATaps(outSize: number, inSize: number): Taps {
  const scale = inSize / outSize;
  const support = scale >= 1 ? scale : 1;
  const inv = scale >= 1 ? 1 / scale : 1;
  const maxCount = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const w = new Float32Array(outSize * maxCount);
  for (let o = 0; o < outSize; o++) {
    const center = scale * (o + 0.5);
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize);
    let total = 0;
    const n = xmax - xmin;
    for (let j = 0; j < n; j++) {
      const v = Math.max(0, 1 - Math.abs((j + xmin - center + 0.5) * inv));
      w[o * maxCount + j] = v;
      total += v;
    }
    for (let j = 0; j < n; j++) w[o * maxCount + j] = total > 0 ? w[o * maxCount + j] / total : 0;
    start[o] = xmin;
    count[o] = n;
  }
  return { start, count, w, maxCount };
}

/**
 * Resizes `box` of `img` (default: all of it) to size×size (or height ×
 * width) with antialiased bilinear filtering, scales to [0, 1], applies the
 * ImageNet mean/std, and writes the result channel-first into `out` at
 * `offset` (3·H·W floats).
 */
export function resizeNormalize(img: Raster, size: number | { height: number; width: number }, out: Float32Array, offset = 0, box?: Box): void {
  const outH = typeof size === 'number' ? size : size.height;
  const outW = typeof size === 'number' ? size : size.width;
  const [x0, y0, x1, y1] = box ?? [0, 0, img.width, img.height];
  const inW = x1 - x0;
  const inH = y1 - y0;
  const tx = bilinearAATaps(outW, inW);
  const ty = bilinearAATaps(outH, inH);
  // Horizontal pass: inH rows × outW columns × 3 channels.
  const tmp = new Float32Array(inH * outW * 3);
  const stride = img.width * 3;
  for (let y = 0; y < inH; y++) {
    const row = (y0 + y) * stride + x0 * 3;
    for (let x = 0; x < outW; x++) {
      let r = 0,
        g = 0,
        b = 0;
      const s = row + tx.start[x] * 3;
      const wo = x * tx.maxCount;
      for (let j = 0; j < tx.count[x]; j++) {
        const wt = tx.w[wo + j];
        const p = s + j * 3;
        r += wt * img.data[p];
        g += wt * img.data[p + 1];
        b += wt * img.data[p + 2];
      }
      const t = (y * outW + x) * 3;
      tmp[t] = r;
      tmp[t + 1] = g;
      tmp[t + 2] = b;
    }
  }
  // Vertical pass, then normalize: (v/255 - mean) / std.
  const plane = outH * outW;
  const sr = 1 / (255 * IMAGENET_STD[0]),
    sg = 1 / (255 * IMAGENET_STD[1]),
    sb = 1 / (255 * IMAGENET_STD[2]);
  const mr = IMAGENET_MEAN[0] / IMAGENET_STD[0],
    mg = IMAGENET_MEAN[1] / IMAGENET_STD[1],
    mb = IMAGENET_MEAN[2] / IMAGENET_STD[2];
  for (let y = 0; y < outH; y++) {
    const wo = y * ty.maxCount;
    for (let x = 0; x < outW; x++) {
      let r = 0,
        g = 0,
        b = 0;
      for (let j = 0; j < ty.count[y]; j++) {
        const wt = ty.w[wo + j];
        const t = ((ty.start[y] + j) * outW + x) * 3;
        r += wt * tmp[t];
        g += wt * tmp[t + 1];
        b += wt * tmp[t + 2];
      }
      const o = offset + y * outW + x;
      out[o] = r * sr - mr;
      out[o + plane] = g * sg - mg;
      out[o + 2 * plane] = b * sb - mb;
    }
  }
}
