/**
 * Bicubic resampling as PyTorch's F.interpolate(mode='bicubic',
 * align_corners=False, size=...) computes it (cubic convolution, A = -0.75,
 * half-pixel centres, border taps clamped): what transformers' ViT does to
 * the positional embeddings for inputs other than the trained size.
 */
function cubicTaps(outSize: number, inSize: number): { idx: Int32Array; w: Float64Array } {
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
  return { idx, w };
}

/**
 * Resizes a [1, 1 + g², d] positional embedding (CLS first) to a g'×g' grid.
 * Returns [1, 1 + g'², d]; the CLS position is kept as is.
 */
export function interpolatePositions(pos: Float32Array, dim: number, gridIn: number, gridOut: number): Float32Array {
  if (gridIn === gridOut) return pos.slice();
  const out = new Float32Array((1 + gridOut * gridOut) * dim);
  out.set(pos.subarray(0, dim), 0);
  const xs = cubicTaps(gridOut, gridIn);
  const ys = cubicTaps(gridOut, gridIn);
  // Along x first (gridIn rows × gridOut cols), then along y.
  const tmp = new Float64Array(gridIn * gridOut * dim);
  for (let r = 0; r < gridIn; r++) {
    for (let c = 0; c < gridOut; c++) {
      const o = (r * gridOut + c) * dim;
      for (let j = 0; j < 4; j++) {
        const src = 1 + r * gridIn + xs.idx[c * 4 + j];
        const wt = xs.w[c * 4 + j];
        for (let k = 0; k < dim; k++) tmp[o + k] += wt * pos[src * dim + k];
      }
    }
  }
  for (let r = 0; r < gridOut; r++) {
    for (let c = 0; c < gridOut; c++) {
      const o = (1 + r * gridOut + c) * dim;
      for (let k = 0; k < dim; k++) {
        let s = 0;
        for (let j = 0; j < 4; j++) s += ys.w[r * 4 + j] * tmp[(ys.idx[r * 4 + j] * gridOut + c) * dim + k];
        out[o + k] = s;
      }
    }
  }
  return out;
}
