/**
 * DINOv3's 2-D rotary position embedding (transformers' DINOv3ViTRopePositionEmbedding):
 * patch centres normalized to [−1, 1] per axis ((i + 0.5)/g·2 − 1), head_dim/4
 * frequencies 1/θ^(4k/head_dim), angles 2π·coord·freq for y then x (head_dim/2),
 * tiled twice to head_dim. Returns row-major [gh·gw, headDim] cos and sin.
 */
export function ropeTables(gh: number, gw: number, headDim: number, theta: number): { cos: Float32Array; sin: Float32Array } {
  const quarter = headDim / 4;
  // Computed in float32 as the reference does (its coordinates and frequencies are float32 tensors).
  const f32 = Math.fround;
  const freq = Array.from({ length: quarter }, (_, k) => f32(1 / f32(theta ** f32((4 * k) / headDim))));
  const cos = new Float32Array(gh * gw * headDim);
  const sin = new Float32Array(gh * gw * headDim);
  for (let r = 0; r < gh; r++) {
    for (let c = 0; c < gw; c++) {
      const y = f32(f32(f32(r + 0.5) / gh) * 2 - 1);
      const x = f32(f32(f32(c + 0.5) / gw) * 2 - 1);
      const o = (r * gw + c) * headDim;
      for (let k = 0; k < quarter; k++) {
        const ay = f32(f32(f32(2 * Math.PI) * y) * freq[k]);
        const ax = f32(f32(f32(2 * Math.PI) * x) * freq[k]);
        for (const [j, a] of [
          [k, ay],
          [quarter + k, ax],
        ] as const) {
          cos[o + j] = Math.cos(a);
          cos[o + headDim / 2 + j] = Math.cos(a);
          sin[o + j] = Math.sin(a);
          sin[o + headDim / 2 + j] = Math.sin(a);
        }
      }
    }
  }
  return { cos, sin };
}
