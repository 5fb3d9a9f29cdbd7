import * as tf from '@tensorflow/tfjs-core';
import { paramSpecs, type AcgConfig, type ParamValues } from '../model/config.js';
import { constRightProduct, gelu, l2Normalize, layerNorm, linear, mm } from './ops.js';

/** How the cross-attention is computed (same result, different cost). */
export type Formulation = 'reassociated' | 'naive';

/**
 * The ACG's weights as TF.js variables. Linear weights are held [in, out]
 * (y = x·W + b) and converted to PyTorch's [out, in] on export.
 */
export class AcgParams {
  readonly vars = new Map<string, tf.Variable>();
  private static instances = 0;

  constructor(
    readonly config: AcgConfig,
    values: ParamValues,
  ) {
    const scope = `acg${AcgParams.instances++}`;
    for (const spec of paramSpecs(config)) {
      const v = values[spec.name];
      let t: tf.Tensor = tf.tensor(v, spec.shape);
      if (spec.linear) {
        const tt = tf.transpose(t);
        t.dispose();
        t = tt;
      }
      this.vars.set(spec.name, tf.variable(t, true, `${scope}/${spec.name}`));
      t.dispose();
    }
  }

  get(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new Error(`ACG has no parameter ${name}`);
    return v;
  }

  /** Current values in PyTorch layout. */
  export(): ParamValues {
    const out: ParamValues = {};
    for (const spec of paramSpecs(this.config)) {
      const v = this.get(spec.name);
      // Read inside tidy but not returned from it: tidy walks what it returns key by key, which for a typed array
      // is every element (seconds for a d = 384 ACG).
      tf.tidy(() => {
        out[spec.name] = ((spec.linear ? tf.transpose(v) : v).dataSync() as Float32Array).slice();
      });
    }
    return out;
  }

  /** Sets every variable from values in TF.js layout (Linear weights [in, out]), e.g. the trainer's master copy. */
  assignTf(values: ReadonlyMap<string, Float32Array>): void {
    // A new tensor per variable, not an in-place write into the WASM heap: the WASM backend caches XNNPACK's
    // packed copy of a matMul's right operand by tensor id, so overwritten weights would be silently stale.
    for (const [name, v] of this.vars) {
      const data = values.get(name);
      if (!data || data.length !== v.size) throw new Error(`ACG: no value of size ${v.size} for ${name}`);
      tf.tidy(() => v.assign(tf.tensor(data, v.shape)));
    }
  }

  /** Current values in TF.js layout (copies). */
  exportTf(): Map<string, Float32Array> {
    return new Map([...this.vars].map(([name, v]) => [name, (v.dataSync() as Float32Array).slice()]));
  }

  assign(values: ParamValues): void {
    for (const spec of paramSpecs(this.config)) {
      tf.tidy(() => {
        const t = tf.tensor(values[spec.name], spec.shape);
        this.get(spec.name).assign(spec.linear ? tf.transpose(t) : t);
      });
    }
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
  }
}

/** Frozen per-batch inputs: the features and what the forward pass derives from them. */
export interface BatchFeatures {
  B: number;
  n: number;
  /** [B, n, d] raw features (attention keys/values). */
  x: tf.Tensor3D;
  /** X_b and X_bᵀ per image, for the reassociated cross-attention. */
  times: (a: tf.Tensor3D) => tf.Tensor3D;
  timesT: (a: tf.Tensor3D) => tf.Tensor3D;
  /** Unit-norm features: A ↦ A_b · X̂_bᵀ (for S = cos(X, C)). */
  timesNormT: (a: tf.Tensor3D) => tf.Tensor3D;
  /** Unit-norm features [B, n, d]. */
  xNorm: tf.Tensor3D;
  dispose(): void;
}

/** Uploads a batch of n × d feature matrices (all images share n); per-image copies are made in JS. */
export function batchFeatures(tokens: readonly Float32Array[], n: number, d: number): BatchFeatures {
  const B = tokens.length;
  const flat = new Float32Array(B * n * d);
  const flatNorm = new Float32Array(B * n * d);
  const xs: tf.Tensor2D[] = [];
  const xts: tf.Tensor2D[] = [];
  const xns: tf.Tensor2D[] = [];
  const xnts: tf.Tensor2D[] = [];
  const t = new Float32Array(n * d);
  const tn = new Float32Array(n * d);
  tokens.forEach((src, b) => {
    const x = src.subarray(0, n * d);
    const xn = flatNorm.subarray(b * n * d, (b + 1) * n * d);
    flat.set(x, b * n * d);
    for (let i = 0; i < n; i++) {
      let sq = 0;
      for (let j = 0; j < d; j++) sq += x[i * d + j] * x[i * d + j];
      const inv = 1 / Math.sqrt(sq);
      for (let j = 0; j < d; j++) {
        const v = x[i * d + j];
        xn[i * d + j] = v * inv;
        t[j * n + i] = v;
        tn[j * n + i] = v * inv;
      }
    }
    xs.push(tf.tensor2d(x, [n, d]));
    xns.push(tf.tensor2d(xn, [n, d]));
    xts.push(tf.tensor2d(t, [d, n]));
    xnts.push(tf.tensor2d(tn, [d, n]));
  });
  const x = tf.tensor3d(flat, [B, n, d]);
  const xNorm = tf.tensor3d(flatNorm, [B, n, d]);
  return {
    B,
    n,
    x,
    xNorm,
    times: constRightProduct(xs, xts),
    timesT: constRightProduct(xts, xs),
    timesNormT: constRightProduct(xnts, xns),
    dispose() {
      for (const v of [x, xNorm, ...xs, ...xts, ...xns, ...xnts]) v.dispose();
    },
  };
}

/** Columns [h·dh, (h+1)·dh) of a [rows, d] matrix. */
function headCols(t: tf.Tensor2D, h: number, dh: number): tf.Tensor2D {
  return tf.slice(t, [0, h * dh], [t.shape[0], dh]);
}

/**
 * Cross-attention of the prototypes c ([B·k, d]) to the features, with the
 * key/value projections re-associated (method notes §2): per head,
 * softmax((Q_h W_k,hᵀ) Xᵀ/√dh) X W_v,h + b_v,h; the key bias cancels.
 */
function crossAttentionReassociated(p: AcgParams, l: number, c: tf.Tensor2D, f: BatchFeatures): tf.Tensor2D {
  const { k: kk, heads, dim: d } = p.config;
  const dh = d / heads;
  const pre = `layers.${l}.cross_attn`;
  const q = linear(c, p.get(`${pre}.q_proj.weight`) as tf.Tensor2D, p.get(`${pre}.q_proj.bias`) as tf.Tensor1D);
  const wk = p.get(`${pre}.k_proj.weight`) as tf.Tensor2D;
  const qt: tf.Tensor2D[] = [];
  for (let h = 0; h < heads; h++) qt.push(mm(headCols(q, h, dh), tf.transpose(headCols(wk, h, dh))));
  // [B·k, h, d] → [B, k·h, d]: per image, one row per (prototype, head).
  const qTilde = tf.mul(tf.reshape(tf.stack(qt, 1), [f.B, kk * heads, d]), 1 / Math.sqrt(dh)) as tf.Tensor3D;
  const attn = tf.softmax(f.timesT(qTilde)) as tf.Tensor3D; // [B, k·h, n]
  const px = tf.reshape(f.times(attn), [f.B * kk, heads, d]); // [B·k, h, d]
  const wv = p.get(`${pre}.v_proj.weight`) as tf.Tensor2D;
  const outs: tf.Tensor2D[] = [];
  for (let h = 0; h < heads; h++) {
    const pxh = tf.reshape(tf.slice(px, [0, h, 0], [f.B * kk, 1, d]), [f.B * kk, d]) as tf.Tensor2D;
    outs.push(mm(pxh, headCols(wv, h, dh)));
  }
  const v = tf.add(tf.concat(outs, 1), p.get(`${pre}.v_proj.bias`)) as tf.Tensor2D;
  return linear(v, p.get(`${pre}.o_proj.weight`) as tf.Tensor2D, p.get(`${pre}.o_proj.bias`) as tf.Tensor1D);
}

/**
 * The textbook form: project all n pixels to keys and values (2-D products),
 * then batched per-head attention (for the speed comparison and as a check).
 */
function crossAttentionNaive(p: AcgParams, l: number, c: tf.Tensor2D, f: BatchFeatures): tf.Tensor2D {
  const { k: kk, heads, dim: d } = p.config;
  const dh = d / heads;
  const pre = `layers.${l}.cross_attn`;
  const w = (x: string) => p.get(`${pre}.${x}_proj.weight`) as tf.Tensor2D;
  const bias = (x: string) => p.get(`${pre}.${x}_proj.bias`) as tf.Tensor1D;
  const x2 = tf.reshape(f.x, [f.B * f.n, d]) as tf.Tensor2D;
  const q = linear(c, w('q'), bias('q'));
  const keys = tf.reshape(linear(x2, w('k'), bias('k')), [f.B, f.n, d]);
  const vals = tf.reshape(linear(x2, w('v'), bias('v')), [f.B, f.n, d]);
  const outs: tf.Tensor3D[] = [];
  for (let h = 0; h < heads; h++) {
    const qh = tf.reshape(headCols(q, h, dh), [f.B, kk, dh]) as tf.Tensor3D;
    const kh = tf.slice(keys, [0, 0, h * dh], [f.B, f.n, dh]) as tf.Tensor3D;
    const vh = tf.slice(vals, [0, 0, h * dh], [f.B, f.n, dh]) as tf.Tensor3D;
    const attn = tf.softmax(tf.mul(tf.matMul(qh, kh, false, true), 1 / Math.sqrt(dh))) as tf.Tensor3D;
    outs.push(tf.matMul(attn, vh));
  }
  const o = tf.reshape(tf.concat(outs, 2), [f.B * kk, d]) as tf.Tensor2D;
  return linear(o, w('o'), bias('o'));
}

/** Self-attention among each image's k prototypes (tiny: elementwise products). */
function selfAttention(p: AcgParams, l: number, c: tf.Tensor2D, B: number): tf.Tensor2D {
  const { k: kk, heads, dim: d } = p.config;
  const dh = d / heads;
  const pre = `layers.${l}.self_attn`;
  const proj = (x: string) =>
    tf.reshape(linear(c, p.get(`${pre}.${x}_proj.weight`) as tf.Tensor2D, p.get(`${pre}.${x}_proj.bias`) as tf.Tensor1D), [B, kk, heads, dh]);
  const q = proj('q');
  const kt = proj('k');
  const v = proj('v');
  // logits[b, i, j, h] = Σ_e q[b,i,h,e] k[b,j,h,e] / √dh
  const logits = tf.mul(tf.sum(tf.mul(tf.expandDims(q, 2), tf.expandDims(kt, 1)), -1), 1 / Math.sqrt(dh));
  const attn = tf.softmax(tf.transpose(logits, [0, 1, 3, 2])); // softmax over j: [B, i, h, j]
  // out[b, i, h, e] = Σ_j attn[b,i,h,j] v[b,j,h,e]
  const a5 = tf.expandDims(attn, 4); // [B, i, h, j, 1]
  const v5 = tf.expandDims(tf.transpose(v, [0, 2, 1, 3]), 1); // [B, 1, h, j, e]
  const o = tf.reshape(tf.sum(tf.mul(a5, v5), 3), [B * kk, d]) as tf.Tensor2D;
  return linear(o, p.get(`${pre}.o_proj.weight`) as tf.Tensor2D, p.get(`${pre}.o_proj.bias`) as tf.Tensor1D);
}

function ffn(p: AcgParams, l: number, c: tf.Tensor2D): tf.Tensor2D {
  const pre = `layers.${l}.ffn`;
  const hid = linear(c, p.get(`${pre}.fc1.weight`) as tf.Tensor2D, p.get(`${pre}.fc1.bias`) as tf.Tensor1D);
  const act = p.config.ffn === 'gelu' ? gelu(hid) : tf.relu(hid);
  return linear(act, p.get(`${pre}.fc2.weight`) as tf.Tensor2D, p.get(`${pre}.fc2.bias`) as tf.Tensor1D);
}

export interface ForwardOutput {
  /** Concepts [B·k, d]. */
  concepts: tf.Tensor2D;
  /** Soft assignment S = cos(X, C), [B, n, k]. */
  assignment: tf.Tensor3D;
}

/**
 * The ACG forward pass (paper §3.2–3.3, method notes §2): N post-norm steps
 * C = LN(C + MHA(C, X, X)); C = LN(C + MHA(C, C, C)); C = LN(C + FFN(C)),
 * then S = cos(X, C).
 */
export function forward(p: AcgParams, f: BatchFeatures, formulation: Formulation = 'reassociated'): ForwardOutput {
  const { k: kk, dim: d, steps, lnEps } = p.config;
  const proto = p.get('prototypes') as tf.Tensor2D;
  let c = tf.reshape(tf.tile(tf.expandDims(proto, 0), [f.B, 1, 1]), [f.B * kk, d]) as tf.Tensor2D;
  const norm = (l: number, i: number, x: tf.Tensor2D) =>
    layerNorm(x, p.get(`layers.${l}.norm${i}.weight`) as tf.Tensor1D, p.get(`layers.${l}.norm${i}.bias`) as tf.Tensor1D, lnEps);
  for (let l = 0; l < steps; l++) {
    const cross = formulation === 'naive' ? crossAttentionNaive(p, l, c, f) : crossAttentionReassociated(p, l, c, f);
    c = norm(l, 1, tf.add(c, cross));
    c = norm(l, 2, tf.add(c, selfAttention(p, l, c, f.B)));
    c = norm(l, 3, tf.add(c, ffn(p, l, c)));
  }
  const cn = tf.reshape(l2Normalize(c), [f.B, kk, d]) as tf.Tensor3D;
  const sT = f.timesNormT(cn); // [B, k, n]
  return { concepts: c, assignment: tf.transpose(sT, [0, 2, 1]) };
}
