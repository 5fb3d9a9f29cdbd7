import { paramSpecs, type AcgConfig, type ParamValues } from './config.js';
import { Rng } from './rng.js';

/**
 * Initial weights, deterministic in `seed` (PyTorch layout):
 * prototypes N(0, 1) (method notes §2); attention q/k/v Xavier-uniform with
 * zero bias and o U(±1/√d) with zero bias (nn.MultiheadAttention's scheme);
 * FFN weights and biases U(±1/√fan_in) (nn.Linear's default); LayerNorm 1, 0.
 */
export function initParams(cfg: AcgConfig, seed: number): ParamValues {
  const rng = new Rng(seed);
  const out: ParamValues = {};
  for (const spec of paramSpecs(cfg)) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const v = new Float32Array(size);
    const name = spec.name;
    const fill = (f: () => number) => {
      for (let i = 0; i < size; i++) v[i] = f();
    };
    if (name === 'prototypes') fill(() => rng.normal());
    else if (/norm\d\.weight$/.test(name)) v.fill(1);
    else if (/norm\d\.bias$/.test(name)) v.fill(0);
    else if (/attn\.[qkv]_proj\.weight$/.test(name)) {
      const a = Math.sqrt(6 / (spec.shape[0] + spec.shape[1]));
      fill(() => rng.uniform(-a, a));
    } else if (/attn\.o_proj\.weight$/.test(name)) {
      const a = 1 / Math.sqrt(spec.shape[1]);
      fill(() => rng.uniform(-a, a));
    } else if (/attn\.[qkvo]_proj\.bias$/.test(name)) v.fill(0);
    else if (/ffn\.fc\d\.weight$/.test(name)) {
      const a = 1 / Math.sqrt(spec.shape[1]);
      fill(() => rng.uniform(-a, a));
    } else if (/ffn\.fc(\d)\.bias$/.test(name)) {
      const fanIn = name.includes('fc1') ? cfg.dim : cfg.ffnDim;
      const a = 1 / Math.sqrt(fanIn);
      fill(() => rng.uniform(-a, a));
    } else throw new Error(`no initializer for ${name}`);
    out[name] = v;
  }
  return out;
}
