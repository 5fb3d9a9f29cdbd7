import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';

// tfjs-core's Node bundle registers no gradients, and its ESM files cannot be
// loaded by plain Node (extensionless imports). vendor/tfjs-gradients.cjs is
// tfjs-core 4.22's register_all_gradients.js bundled with esbuild (see
// scripts/bundle-gradients.sh); tfjs keeps its registries and engine on the
// global object, so the bundle's registrations reach this tfjs-core.
const registered = (tf as unknown as { getGradient?: (kernel: string) => unknown }).getGradient?.('Abs');
if (!registered) createRequire(import.meta.url)('../../vendor/tfjs-gradients.cjs');

/**
 * Matrix products shaped for TF.js's WASM backend, which is fast only on
 * plain 2-D `matMul(a, b)` (no transpose flags, no batch dimension): about
 * 25 GFLOP/s against 2 GFLOP/s for the other forms on this machine. The
 * gradients are written with explicit `transpose` + plain products too.
 */
type Grad = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];

const mmImpl = tf.customGrad(((a: tf.Tensor2D, b: tf.Tensor2D, save: tf.GradSaveFunc) => {
  save([a, b]);
  const gradFunc: Grad = (dy, [sa, sb]) => [
    tf.matMul(dy as tf.Tensor2D, tf.transpose(sb as tf.Tensor2D)),
    tf.matMul(tf.transpose(sa as tf.Tensor2D), dy as tf.Tensor2D),
  ];
  return { value: tf.matMul(a, b), gradFunc };
}) as unknown as Parameters<typeof tf.customGrad>[0]);

/** a (m×p) · b (p×q), gradients through plain 2-D products. */
export function mm(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return mmImpl(a, b) as tf.Tensor2D;
}

/** x · W + b for x of shape [rows, in], W [in, out]. */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  return tf.add(mm(x, w), b);
}

/**
 * Splits [B, m, p] into B tensors [m, p]. TF.js WASM's Slice copies the
 * whole input per call (readSync), so slicing B times costs B full copies;
 * one download and B uploads cost two.
 */
export function splitBatch(x: tf.Tensor3D): tf.Tensor2D[] {
  const [B, m, p] = x.shape;
  const data = x.dataSync() as Float32Array;
  return Array.from({ length: B }, (_, b) => tf.tensor2d(data.subarray(b * m * p, (b + 1) * m * p), [m, p]));
}

/**
 * Per-image products with a constant right operand: given R_b (p×q) and
 * its transpose for each image b, returns A ↦ [A_b · R_b]_b for A of shape
 * [B, m, p]. The gradient w.r.t. A is dY_b · R_bᵀ; R gets none (features
 * are frozen). Each image is one plain 2-D product.
 */
export function constRightProduct(right: readonly tf.Tensor2D[], rightT: readonly tf.Tensor2D[]): (a: tf.Tensor3D) => tf.Tensor3D {
  const B = right.length;
  const perImage = (x: tf.Tensor3D, mats: readonly tf.Tensor2D[]) =>
    tf.tidy(() => tf.stack(splitBatch(x).map((xb, b) => tf.matMul(xb, mats[b]))) as tf.Tensor3D);
  const f = tf.customGrad(((a: tf.Tensor3D) => {
    const gradFunc = (dy: tf.Tensor) => perImage(dy as tf.Tensor3D, rightT);
    return { value: perImage(a, right), gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (a) => {
    if (a.shape[0] !== B) throw new Error(`constRightProduct: batch ${a.shape[0]} ≠ ${B}`);
    return f(a) as tf.Tensor3D;
  };
}

/** LayerNorm over the last axis. */
export function layerNorm(x: tf.Tensor2D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): tf.Tensor2D {
  const mean = tf.mean(x, -1, true);
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centered), -1, true);
  return tf.add(tf.mul(tf.mul(centered, tf.rsqrt(tf.add(variance, eps))), gamma), beta);
}

/** Exact (erf) GELU. */
export function gelu(x: tf.Tensor2D): tf.Tensor2D {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
}

/** Rows scaled to unit L2 norm. */
export function l2Normalize<T extends tf.Tensor>(x: T): T {
  return tf.mul(x, tf.rsqrt(tf.sum(tf.square(x), -1, true))) as T;
}
