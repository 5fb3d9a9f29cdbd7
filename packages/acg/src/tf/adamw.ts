export interface AdamWOptions {
  lr: number;
  weightDecay: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
}

/**
 * AdamW (Loshchilov & Hutter) exactly as torch.optim.AdamW: decoupled
 * decay θ ← θ(1 − lr·wd), then the bias-corrected Adam step
 * θ ← θ − lr · m̂ / (√v̂ + eps). Decay applies to every parameter (PyTorch's
 * behaviour for model.parameters()).
 *
 * Runs in JS on flat Float32Arrays (float64 arithmetic per element, stored
 * as float32): the gradients come from one or several TF.js backends (worker
 * threads) and are summed in JS anyway, and one fused loop over the 18 M
 * parameters costs a fraction of the ≈ 10 TF.js kernels per tensor.
 */
export class AdamW {
  readonly lr: number;
  readonly weightDecay: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  step = 0;
  readonly m = new Map<string, Float32Array>();
  readonly v = new Map<string, Float32Array>();

  constructor(opts: AdamWOptions) {
    this.lr = opts.lr;
    this.weightDecay = opts.weightDecay;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
  }

  private slot(map: Map<string, Float32Array>, name: string, size: number): Float32Array {
    let s = map.get(name);
    if (!s) {
      s = new Float32Array(size);
      map.set(name, s);
    }
    return s;
  }

  /** Updates `params` in place (every entry of `grads` must have its parameter's size). */
  apply(params: ReadonlyMap<string, Float32Array>, grads: ReadonlyMap<string, Float32Array>): void {
    this.step++;
    const { beta1: b1, beta2: b2, eps, lr } = this;
    const bc1 = 1 - b1 ** this.step;
    const bc2 = 1 - b2 ** this.step;
    const decay = 1 - lr * this.weightDecay;
    for (const [name, p] of params) {
      const g = grads.get(name);
      if (!g) continue;
      const m = this.slot(this.m, name, p.length);
      const v = this.slot(this.v, name, p.length);
      for (let i = 0; i < p.length; i++) {
        const gi = g[i];
        const mi = b1 * m[i] + (1 - b1) * gi;
        const vi = b2 * v[i] + (1 - b2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] = p[i] * decay - (lr * (mi / bc1)) / (Math.sqrt(vi / bc2) + eps);
      }
    }
  }

  /** Moments in the parameters' TF.js layout, for checkpoints. */
  exportState(): { step: number; m: Record<string, Float32Array>; v: Record<string, Float32Array> } {
    const dump = (map: Map<string, Float32Array>) => Object.fromEntries([...map].map(([k, t]) => [k, t.slice()]));
    return { step: this.step, m: dump(this.m), v: dump(this.v) };
  }

  importState(state: { step: number; m: Record<string, Float32Array>; v: Record<string, Float32Array> }, params: ReadonlyMap<string, Float32Array>): void {
    this.m.clear();
    this.v.clear();
    this.step = state.step;
    for (const [name, p] of params) {
      const m = state.m[name];
      const v = state.v[name];
      if (!m || !v || m.length !== p.length || v.length !== p.length) continue;
      this.m.set(name, m.slice());
      this.v.set(name, v.slice());
    }
  }
}
