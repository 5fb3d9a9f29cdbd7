/**
 * Bicubic resampling as PyTorch's F.interpolate(mode='bicubic',
 * align_corners=False, size=...) computes it, which is what transformers does
 * to learned positional embeddings for inputs other than the trained size:
 * - without antialias (ViT/DINO, Dinov2Model): cubic convolution A = −0.75 at
 *   half-pixel centres, border taps clamped;
 * - with antialias (Dinov2WithRegistersModel): PIL-style separable filter,
 *   Keys cubic A = −0.5, support 2 widened by the downscale factor, taps
 *   cut at the border and renormalized.
 */
interface Taps {
  idx: Int32Array;
  w: Float64Array;
  /** Taps per output sample. */
  k: number;
}

function cubicTaps(outSize: number, inSize: number): Taps {
  const A = -0.75;
  const idx = new Int32Array(outSize * 4);
  const w = new Float64Array(outSize * 4);
  const scale = inSize / outSize;
  const cc1 = (x: number) => ((A + 2) * x - (A + 3)) * x * x + 1;
  const cc2 = (x: number) => ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  for (let o = 0; o < outSize; o++) {
    const real = scale * (o + 0.5) - 0.5;
    const i = Math.floor(real);
    const t = real - i;
    const ws = [cc2(t + 1), cc1(t), cc1(1 - t), cc2(2 - t)];
    for (let j = 0; j < 4; j++) {
      idx[o * 4 + j] = Math.min(inSize - 1, Math.max(0, i - 1 + j));
      w[o * 4 + j] = ws[j];
    }
  }
  return { idx, w, k: 4 };
}

/** Keys' cubic kernel with a = −0.5 (PyTorch's antialiased bicubic, as PIL). */
function keysCubic(x: number): number {
  const a = -0.5;
  const t = Math.abs(x);
  if (t < 1) return ((a + 2) * t - (a + 3)) * t * t + 1;
  if (t < 2) return (((t - 5) * t + 8) * t - 4) * a;
  return 0;
}

function cubicAATaps(outSize: number, inSize: number): Taps {
  const scale = inSize / outSize;
  const support = scale >= 1 ? 2 * scale : 2;
  const inv = scale >= 1 ? 1 / scale : 1;
  const k = Math.ceil(support) * 2 + 1;
  const idx = new Int32Array(outSize * k);
  const w = new Float64Array(outSize * k);
  for (let o = 0; o < outSize; o++) {
    const center = scale * (o + 0.5);
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize);
    let total = 0;
    for (let j = 0; j < xmax - xmin; j++) total += keysCubic((j + xmin - center + 0.5) * inv);
    for (let j = 0; j < xmax - xmin; j++) {
      idx[o * k + j] = xmin + j;
      w[o * k + j] = total !== 0 ? keysCubic((j + xmin - center + 0.5) * inv) / total : 0;
    }
  }
  return { idx, w, k };
}

export interface GridSize {
  h: number;
  w: number;
}

/**
 * Resizes a [1, 1 + g², d] positional embedding (CLS first) to a gh×gw grid
 * (a number: square). Returns [1, 1 + gh·gw, d]; the CLS position is kept as is.
 */
export function interpolatePositions(pos: Float32Array, dim: number, gridIn: number, gridOut: number | GridSize, antialias = false): Float32Array {
  const { h: gh, w: gw } = typeof gridOut === 'number' ? { h: gridOut, w: gridOut } : gridOut;
  if (gridIn === gh && gridIn === gw) return pos.slice();
  const out = new Float32Array((1 + gh * gw) * dim);
  out.set(pos.subarray(0, dim), 0);
  const taps = antialias ? cubicAATaps : cubicTaps;
  const xs = taps(gw, gridIn);
  const ys = taps(gh, gridIn);
  // Along x first (gridIn rows × gw cols), then along y.
  const tmp = new Float64Array(gridIn * gw * dim);
  for (let r = 0; r < gridIn; r++) {
    for (let c = 0; c < gw; c++) {
      const o = (r * gw + c) * dim;
      for (let j = 0; j < xs.k; j++) {
        const wt = xs.w[c * xs.k + j];
        if (wt === 0) continue;
        const src = 1 + r * gridIn + xs.idx[c * xs.k + j];
        for (let k = 0; k < dim; k++) tmp[o + k] += wt * pos[src * dim + k];
      }
    }
  }
  for (let r = 0; r < gh; r++) {
    for (let c = 0; c < gw; c++) {
      const o = (1 + r * gw + c) * dim;
      for (let k = 0; k < dim; k++) {
        let s = 0;
        for (let j = 0; j < ys.k; j++) {
          const wt = ys.w[r * ys.k + j];
          if (wt !== 0) s += wt * tmp[(ys.idx[r * ys.k + j] * gw + c) * dim + k];
        }
        out[o + k] = s;
      }
    }
  }
  return out;
}
