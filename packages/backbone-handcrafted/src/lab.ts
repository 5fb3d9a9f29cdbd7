/**
 * sRGB (8-bit, D65) → CIE L*a*b* (D65 white), as in IEC 61966-2-1 and
 * CIE 15: linearize, multiply by the sRGB→XYZ matrix, divide by the white
 * point, apply f(t) = t^(1/3) above (6/29)^3 and its linear segment below.
 */

/** Linear-light value of each 8-bit sRGB code. */
const LINEAR = new Float64Array(256);
for (let i = 0; i < 256; i++) {
  const c = i / 255;
  LINEAR[i] = c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
}

/** D65 reference white (2° observer), Y = 1. */
export const D65 = { x: 0.95047, y: 1, z: 1.08883 } as const;

const DELTA = 6 / 29;
const DELTA3 = DELTA * DELTA * DELTA;
const LIN_SLOPE = 1 / (3 * DELTA * DELTA);

function f(t: number): number {
  return t > DELTA3 ? Math.cbrt(t) : t * LIN_SLOPE + 4 / 29;
}

/** One colour: returns [L, a, b]. */
export function srgbToLab(r: number, g: number, b: number): [number, number, number] {
  const out = new Float32Array(3);
  rgbToLabInto(Uint8Array.of(r, g, b), out);
  return [out[0], out[1], out[2]];
}

/**
 * Interleaved 8-bit RGB (3 bytes per pixel) → interleaved Lab (3 floats per
 * pixel). `out` must hold 3 × pixels values.
 */
export function rgbToLabInto(rgb: Uint8Array, out: Float32Array): void {
  const n = rgb.length / 3;
  for (let p = 0; p < n; p++) {
    const r = LINEAR[rgb[3 * p]];
    const g = LINEAR[rgb[3 * p + 1]];
    const b = LINEAR[rgb[3 * p + 2]];
    const fx = f((0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / D65.x);
    const fy = f(0.2126729 * r + 0.7151522 * g + 0.072175 * b);
    const fz = f((0.0193339 * r + 0.119192 * g + 0.9503041 * b) / D65.z);
    out[3 * p] = 116 * fy - 16;
    out[3 * p + 1] = 500 * (fx - fy);
    out[3 * p + 2] = 200 * (fy - fz);
  }
}
