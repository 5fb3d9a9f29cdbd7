import * as tf from '@tensorflow/tfjs-core';

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
 */
export class AdamW {
  readonly lr: number;
  readonly weightDecay: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  step = 0;
  readonly m = new Map<string, tf.Variable>();
  readonly v = new Map<string, tf.Variable>();

  constructor(opts: AdamWOptions) {
    this.lr = opts.lr;
    this.weightDecay = opts.weightDecay;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
  }

  private slot(map: Map<string, tf.Variable>, name: string, like: tf.Tensor): tf.Variable {
    let s = map.get(name);
    if (!s) {
      s = tf.variable(tf.zerosLike(like), false);
      map.set(name, s);
    }
    return s;
  }

  apply(params: Map<string, tf.Variable>, grads: Record<string, tf.Tensor>): void {
    this.step++;
    const bc1 = 1 - this.beta1 ** this.step;
    const bc2 = 1 - this.beta2 ** this.step;
    for (const [name, p] of params) {
      const g = grads[p.name] ?? grads[name];
      if (!g) continue;
      const m = this.slot(this.m, name, p);
      const v = this.slot(this.v, name, p);
      tf.tidy(() => {
        const m1 = tf.add(tf.mul(m, this.beta1), tf.mul(g, 1 - this.beta1));
        const v1 = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(g), 1 - this.beta2));
        m.assign(m1);
        v.assign(v1);
        const decayed = tf.mul(p, 1 - this.lr * this.weightDecay);
        const update = tf.div(tf.div(m1, bc1), tf.add(tf.sqrt(tf.div(v1, bc2)), this.eps));
        p.assign(tf.sub(decayed, tf.mul(update, this.lr)));
      });
    }
  }

  /** Moments in the variables' own layout, for checkpoints. */
  exportState(): { step: number; m: Record<string, Float32Array>; v: Record<string, Float32Array> } {
    const dump = (map: Map<string, tf.Variable>) => Object.fromEntries([...map].map(([k, t]) => [k, (t.dataSync() as Float32Array).slice()]));
    return { step: this.step, m: dump(this.m), v: dump(this.v) };
  }

  importState(state: { step: number; m: Record<string, Float32Array>; v: Record<string, Float32Array> }, params: Map<string, tf.Variable>): void {
    this.dispose();
    this.step = state.step;
    for (const [name, p] of params) {
      const m = state.m[name];
      const v = state.v[name];
      if (!m || !v) continue;
      this.m.set(name, tf.variable(tf.tensor(m, p.shape), false));
      this.v.set(name, tf.variable(tf.tensor(v, p.shape), false));
    }
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
    this.m.clear();
    this.v.clear();
  }
}
